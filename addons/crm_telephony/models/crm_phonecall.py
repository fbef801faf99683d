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
    ]
    _check_company_auto = True

    pbx_id = fields.Many2one(
        "crm.pbx", string="PBX", index="btree_not_null", readonly=True, check_company=True
    )
    external_call_id = fields.Char(string="External Call ID", readonly=True, copy=False)
    outcome = fields.Selection(OUTCOMES, readonly=True, index=True)
    caller_number = fields.Char(readonly=True, help="Calling number as the PBX sent it.")
    called_number = fields.Char(readonly=True, help="Called number as the PBX sent it.")
    remote_e164 = fields.Char(
        string="Client Number (E.164)",
        readonly=True,
        index="btree_not_null",
        help="The client's number (E.164): caller of an inbound call, called number of an outbound one.",
    )
    dialled_e164 = fields.Char(
        string="Our Number (E.164)",
        readonly=True,
        help="Our number in E.164 form: dialled number of an inbound call, caller ID of an outbound one.",
    )
    pbx_extension = fields.Char(string="Extension", readonly=True)
    ring_start = fields.Datetime(readonly=True)
    answer_time = fields.Datetime(readonly=True)
    end_time = fields.Datetime(readonly=True)
    ring_seconds = fields.Integer(readonly=True)
    talk_seconds = fields.Integer(readonly=True, aggregator="sum")
    lead_created = fields.Boolean(string="Lead Created by Call", readonly=True)
    card_logged = fields.Boolean(readonly=True, copy=False)
    callback_activity_id = fields.Many2one(
        "mail.activity", string="Call Back Activity", readonly=True, copy=False
    )
    recording_url = fields.Char(readonly=True, groups="sales_team.group_sale_salesman")
    recording_ref = fields.Char(string="Recording Reference", readonly=True)
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
    )
    recording_attempts = fields.Integer(readonly=True)
    recording_next_try = fields.Datetime(readonly=True)
    recording_error = fields.Char(readonly=True)
    recording_attachment_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    recording_player = fields.Html(compute="_compute_recording_player", sanitize=False)
    pbx_lead_pending = fields.Boolean(
        string="Lead Pending",
        readonly=True,
        copy=False,
        help="The PBX events job still has to create the unknown caller's lead.",
    )
    pbx_popup_pending = fields.Boolean(
        string="Pop-up Pending",
        readonly=True,
        copy=False,
        help="The PBX events job still has to show the pop-up.",
    )
    pbx_end_pending = fields.Boolean(
        string="Call End Pending",
        readonly=True,
        copy=False,
        help="The PBX events job still has to log the call on the card and schedule or close call backs.",
    )

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

    def _pbx_card(self):
        self.ensure_one()
        return self.opportunity_id or self.partner_id
