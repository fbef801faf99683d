# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from ..const import OUTCOMES, QUEUE_WHERE

# the PBX events job's queue: the calls with a pending flag (the job's statements use the same predicate)
_QUEUE_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS crm_phonecall_pbx_queue_idx ON crm_phonecall (id) WHERE {QUEUE_WHERE}"
)


class CrmPhonecall(models.Model):
    """A call of OCA ``crm.phonecall`` with what the PBX reports. Its code is split by concern:
    the webhook's SQL intake and the caller look-up (``crm.phonecall.intake``), the PBX events job
    (``crm.phonecall.events.job``), recordings (``crm.phonecall.recording``), click-to-dial
    (``crm.phonecall.dialing``) and demo data (``crm.phonecall.demo``)."""

    _name = "crm.phonecall"
    _inherit = [
        "crm.phonecall",
        "mail.activity.mixin",
        "crm.phonecall.intake",
        "crm.phonecall.events.job",
        "crm.phonecall.recording",
        "crm.phonecall.dialing",
        "crm.phonecall.demo",
        "crm.system.fields.mixin",
    ]
    _check_company_auto = True

    pbx_id = fields.Many2one(
        "crm.pbx", string="PBX", index="btree_not_null", readonly=True, system=True, check_company=True
    )
    external_call_id = fields.Char(string="External Call ID", readonly=True, system=True, copy=False)
    outcome = fields.Selection(OUTCOMES, readonly=True, system=True, index=True)
    caller_number = fields.Char(readonly=True, system=True, help="Calling number as the PBX sent it.")
    called_number = fields.Char(readonly=True, system=True, help="Called number as the PBX sent it.")
    remote_e164 = fields.Char(
        string="Client Number (E.164)",
        readonly=True,
        system=True,
        index="btree_not_null",
        help="The client's number (E.164): caller of an inbound call, called number of an outbound one.",
    )
    dialled_e164 = fields.Char(
        string="Our Number (E.164)",
        readonly=True,
        system=True,
        help="Our number in E.164 form: dialled number of an inbound call, caller ID of an outbound one.",
    )
    pbx_extension = fields.Char(string="Extension", readonly=True, system=True)
    ring_start = fields.Datetime(readonly=True, system=True)
    answer_time = fields.Datetime(readonly=True, system=True)
    end_time = fields.Datetime(readonly=True, system=True)
    ring_seconds = fields.Integer(readonly=True, system=True)
    talk_seconds = fields.Integer(readonly=True, system=True, aggregator="sum")
    lead_created = fields.Boolean(string="Lead Created by Call", readonly=True, system=True)
    card_logged = fields.Boolean(readonly=True, system=True, copy=False)
    callback_activity_id = fields.Many2one(
        "mail.activity", string="Call Back Activity", readonly=True, system=True, copy=False
    )
    recording_url = fields.Char(readonly=True, system=True, groups="sales_team.group_sale_salesman")
    recording_ref = fields.Char(string="Recording Reference", readonly=True, system=True)
    recording_state = fields.Selection(
        [
            ("none", "No Recording"),
            ("pending", "To Download"),
            ("done", "Stored"),
            ("link", "Link Only"),
            ("failed", "Download Failed"),
            ("deleted", "Deleted (Retention)"),
        ],
        default="none",
        readonly=True,
        system=True,
    )
    recording_attempts = fields.Integer(readonly=True, system=True)
    recording_next_try = fields.Datetime(readonly=True, system=True)
    recording_error = fields.Char(readonly=True, system=True)
    recording_attachment_id = fields.Many2one("ir.attachment", readonly=True, system=True, copy=False)
    recording_player = fields.Html(compute="_compute_recording_player", sanitize=False)
    pbx_lead_pending = fields.Boolean(
        string="Lead Pending",
        readonly=True,
        system=True,
        copy=False,
        help="The PBX events job still has to create the unknown caller's lead.",
    )
    pbx_popup_pending = fields.Boolean(
        string="Pop-up Pending",
        readonly=True,
        system=True,
        copy=False,
        help="The PBX events job still has to show the pop-up.",
    )
    pbx_end_pending = fields.Boolean(
        string="Call End Pending",
        readonly=True,
        system=True,
        copy=False,
        help="The PBX events job still has to log the call on the card and schedule or close call backs.",
    )

    # What the PBX reported and the jobs' bookkeeping (system=True above) are the system's on every call;
    # OCA's fields below are the PBX's on a call from a PBX and the user's on a call logged by hand
    # (system="owned", see _system_owned_records and docs/security.md).
    direction = fields.Selection(system="owned")
    date = fields.Datetime(system="owned")
    date_closed = fields.Datetime(system="owned")
    duration = fields.Float(system="owned")
    state = fields.Selection(system="owned")
    user_id = fields.Many2one(system="owned")
    team_id = fields.Many2one(system="owned")
    # a call logged by hand belongs to the current company (OCA sets none: such a call counted nowhere)
    company_id = fields.Many2one(system="owned", default=lambda self: self.env.company)
    active = fields.Boolean(system="owned")
    # call tracking: the source, medium and campaign of the number the client dialled (crm.pbx.route)
    source_id = fields.Many2one(system="owned")
    medium_id = fields.Many2one(system="owned")
    campaign_id = fields.Many2one(system="owned")
    # a card of another company is never linked: the PBX events job posts and schedules on it
    partner_id = fields.Many2one(check_company=True)
    opportunity_id = fields.Many2one(check_company=True)

    _sql_constraints = [
        (
            "pbx_call_uniq",
            "unique(pbx_id, external_call_id)",
            "A call with this external ID is already recorded for this PBX.",
        ),
    ]

    def init(self):
        res = super().init()
        # the PBX events job's queue: the few calls that still have side effects to run
        self.env.cr.execute(_QUEUE_INDEX_SQL)
        return res

    @api.depends("recording_attachment_id", "recording_url", "recording_state")
    def _compute_recording_player(self):
        for call in self:
            src = False
            if call.recording_attachment_id:
                src = f"/web/content/{call.recording_attachment_id.id}"
            elif call.recording_state == "link":
                src = call.recording_url
            call.recording_player = (
                Markup('<audio controls="controls" preload="none" src="%s"></audio>') % src if src else False
            )

    # ------------------------------------------------------------------ CRUD

    def write(self, vals):
        # Marking a call from a PBX with the status it already has (OCA's "convert to opportunity" sets
        # Held) changes nothing: leave the status out, so that OCA does not restamp its closing date and
        # duration either, which are the PBX's.
        if not self.env.su:
            self._system_check_write(vals)  # before OCA's write adds its own values: name what was asked
        if "state" in vals and not self.env.su:
            pbx_calls = self._system_owned_records()
            if pbx_calls == self and all(call.state == vals["state"] for call in self):
                vals = {key: value for key, value in vals.items() if key != "state"}
        return super().write(vals)

    def _system_owned_records(self):
        """Calls reported by a PBX (or placed through one): their fields are the PBX's."""
        return self.filtered("pbx_id")

    # ------------------------------------------------------------------ business methods

    def _pbx_card(self):
        """The call's card (lead, else partner) if it belongs to the call's company or to none: the PBX
        events job acts on it as superuser."""
        self.ensure_one()
        card = self.opportunity_id or self.partner_id
        if card.company_id and card.company_id != self.company_id:
            return card.browse()
        return card
