# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import random
from ast import literal_eval
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

OUTCOMES = [
    ("answered", "Answered"),
    ("missed", "Missed"),
    ("busy", "Busy"),
    ("no_answer", "No Answer"),
    ("failed", "Failed"),
    ("voicemail", "Voicemail"),
]
# Outcomes of an inbound call that nobody took: they ask for a call back.
UNANSWERED = ("missed", "busy", "no_answer", "voicemail")
EVENTS = ("call_started", "call_answered", "call_ended", "recording_ready")


class PbxEventError(Exception):
    """A PBX event that cannot be accepted; ``status`` is the HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


class CrmPhonecall(models.Model):
    _name = "crm.phonecall"
    _inherit = ["crm.phonecall", "mail.activity.mixin"]
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

    _sql_constraints = [
        (
            "pbx_call_uniq",
            "unique(pbx_id, external_call_id)",
            "A call with this external ID is already recorded for this PBX.",
        ),
    ]

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

    # ------------------------------------------------------------ event intake

    @api.model
    def _pbx_process_event(self, pbx, event):
        """Merge one normalised PBX event into its call and return the reply.

        ``event`` keys: event, call_id, direction (inbound/outbound), from, to, extension,
        timestamp (naive UTC datetime), talk_seconds, outcome, recording_url, recording_ref.
        The call row is created with INSERT ... ON CONFLICT DO NOTHING and then locked, so
        duplicated or concurrent deliveries of one call are applied one after the other.
        """
        # the PBX's updates of a call are not tracked field by field in the call's chatter
        self = self.with_context(mail_notrack=True)  # pylint: disable=self-cls-assignment
        if event["event"] == "recording_ready":
            call = self.search(
                [("pbx_id", "=", pbx.id), ("external_call_id", "=", event["call_id"])], limit=1
            )
            if not call:
                raise PbxEventError(_("Unknown call %(call)s.", call=event["call_id"]), status=404)
            call._pbx_lock()
            call._pbx_apply_recording(event)
            return call._pbx_reply()
        remote, local = (
            (event["from"], event["to"]) if event["direction"] == "inbound" else (event["to"], event["from"])
        )
        remote_e164 = pbx._to_e164(remote)
        if not remote_e164:
            raise PbxEventError(_("Unparseable phone number: %(number)s", number=remote))
        call, created = self._pbx_get_or_create(pbx, event)
        call._pbx_lock()
        if created:
            call._pbx_init(pbx, event, remote_e164, pbx._to_e164(local))
        call._pbx_merge(event)
        return call._pbx_reply()

    @api.model
    def _pbx_get_or_create(self, pbx, event):
        now = fields.Datetime.now()
        direction = "in" if event["direction"] == "inbound" else "out"
        self.env.cr.execute(
            """
            INSERT INTO crm_phonecall (pbx_id, external_call_id, name, direction, state, active, priority,
                                       company_id, date, recording_state, create_uid, write_uid,
                                       create_date, write_date)
            VALUES (%s, %s, %s, %s, 'open', TRUE, '1', %s, %s, 'none', %s, %s, %s, %s)
            ON CONFLICT (pbx_id, external_call_id) DO NOTHING
            RETURNING id
            """,
            (
                pbx.id,
                event["call_id"],
                event["call_id"],
                direction,
                pbx.company_id.id,
                event["timestamp"],
                self.env.uid,
                self.env.uid,
                now,
                now,
            ),
        )
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0]), True
        self.env.cr.execute(
            "SELECT id FROM crm_phonecall WHERE pbx_id = %s AND external_call_id = %s",
            (pbx.id, event["call_id"]),
        )
        return self.browse(self.env.cr.fetchone()[0]), False

    def _pbx_lock(self):
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM crm_phonecall WHERE id = %s FOR UPDATE", (self.id,))
        self.invalidate_recordset()

    def _pbx_init(self, pbx, event, remote_e164, local_e164):
        """First event of a call: numbers, card, team, user; lead for an unknown inbound caller."""
        inbound = event["direction"] == "inbound"
        match = self._pbx_find_card(pbx, remote_e164)
        team = pbx._route_team(local_e164) if inbound else self.env["crm.team"]
        lead = match if match._name == "crm.lead" else self.env["crm.lead"]
        partner = match if match._name == "res.partner" else lead.partner_id
        if partner and not lead:
            lead = self.env["crm.lead"].search(
                [
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                    ("company_id", "in", (pbx.company_id.id, False)),
                    ("stage_id.is_won", "=", False),
                ],
                order="write_date desc, id desc",
                limit=1,
            )
        created_lead = False
        if not match and inbound and pbx.company_id.crm_phone_auto_lead:
            lead = self._pbx_create_lead(pbx, remote_e164, event["from"], team)
            created_lead = True
        card = lead or partner
        vals = {
            "name": _("Inbound call from %(number)s", number=remote_e164)
            if inbound
            else _("Outbound call to %(number)s", number=remote_e164),
            "caller_number": event["from"],
            "called_number": event["to"],
            "remote_e164": remote_e164,
            "dialled_e164": local_e164,
            "partner_id": partner.id,
            "partner_phone": remote_e164,
            "opportunity_id": lead.id,
            "team_id": (team or self._pbx_card_team(card)).id,
            "user_id": card.user_id.id if card else False,
            "lead_created": created_lead,
        }
        self.write(vals)

    def _pbx_merge(self, event):
        """Apply one event; timestamps only move forward and a final state is never reopened."""
        self.ensure_one()
        ts = event["timestamp"]
        vals = {}
        if event.get("extension") and event["extension"] != self.pbx_extension:
            vals.update(self._pbx_extension_vals(event["extension"]))
        kind = event["event"]
        start = event.get("ring_start") or (ts if kind == "call_started" else None)
        if start and (not self.ring_start or start < self.ring_start):
            vals["ring_start"] = start
            vals["date"] = start
        if kind == "call_answered" and not self.answer_time:
            vals["answer_time"] = ts
            if not self.end_time:
                vals["outcome"] = "answered"
        just_ended = kind == "call_ended" and not self.end_time
        if just_ended:
            vals["end_time"] = ts
            vals["state"] = "done"
            vals["date_closed"] = ts
            talk = event.get("talk_seconds")
            outcome = event.get("outcome") or ("answered" if talk else "missed")
            vals["outcome"] = outcome
            if talk is not None:
                vals["talk_seconds"] = talk
            if event.get("recording_url") or event.get("recording_ref"):
                self._pbx_apply_recording(event)
        if vals:
            self.write(vals)
        ring_start = self.ring_start or self.date
        ring_end = self.answer_time or self.end_time
        computed = {}
        if ring_start and ring_end:
            computed["ring_seconds"] = max(int((ring_end - ring_start).total_seconds()), 0)
        if self.end_time and self.answer_time and not self.talk_seconds and self.outcome == "answered":
            computed["talk_seconds"] = max(int((self.end_time - self.answer_time).total_seconds()), 0)
        talk = computed.get("talk_seconds", self.talk_seconds)
        computed["duration"] = talk / 60.0
        self.write(computed)
        if "user_id" in vals and self.direction == "in" and not self.end_time:
            self._pbx_popup()
        if just_ended:
            self._pbx_log_on_card()
            if self.direction == "in" and self.outcome in UNANSWERED:
                self._pbx_schedule_callback()
            elif self.outcome == "answered":
                self._pbx_close_callbacks()

    def _pbx_extension_vals(self, extension):
        user = self.env["res.users"].search(
            [("pbx_extension", "=", extension), ("company_id", "=", self.company_id.id)], limit=1
        )
        vals = {"pbx_extension": extension}
        if user:
            vals["user_id"] = user.id
        return vals

    def _pbx_reply(self):
        self.ensure_one()
        return {"ok": True, "call_id": self.id, "match": self._pbx_match_dict()}

    @api.model
    def _pbx_card_team(self, card):
        """Sales team of a card (partners have one only when a sales app adds the field)."""
        if card and "team_id" in card._fields:
            return card.team_id
        return self.env["crm.team"]

    def _pbx_card(self):
        self.ensure_one()
        return self.opportunity_id or self.partner_id

    def _pbx_match_dict(self):
        card = self._pbx_card()
        return self._pbx_card_dict(card, created=self.lead_created)

    @api.model
    def _pbx_card_dict(self, card, created=False):
        if not card:
            return None
        user = card.user_id
        return {
            "model": card._name,
            "id": card.id,
            "name": card.display_name,
            "created": bool(created),
            "user_id": user.id or None,
            "user_extension": user.pbx_extension or None,
            "url": f"{card.get_base_url()}/odoo/{card._name}/{card.id}",
        }

    # ---------------------------------------------------------- caller lookup

    @api.model
    def _pbx_find_card(self, pbx, number_e164):
        """The card of ``number_e164`` for ``pbx``'s company, by one deterministic rule.

        1. Partners (contacts and companies) whose phone or mobile is that number, through the
           partial indexes on ``phone_e164``/``mobile_e164``: customers first, then the most
           recently updated, then the highest id.
        2. Otherwise open (active, not won, not lost) leads through the indexed
           ``phone_sanitized``: most recently updated first, then the highest id.
        Only records of the PBX's company or shared by all companies are considered.
        """
        if not number_e164:
            return self.env["res.partner"]
        company_id = pbx.company_id.id
        self.env.cr.execute(
            """
            SELECT id FROM (
                SELECT id, customer_rank, write_date FROM res_partner
                 WHERE phone_e164 = %(n)s AND active AND (company_id IS NULL OR company_id = %(c)s)
                UNION
                SELECT id, customer_rank, write_date FROM res_partner
                 WHERE mobile_e164 = %(n)s AND active AND (company_id IS NULL OR company_id = %(c)s)
            ) p
            ORDER BY (COALESCE(customer_rank, 0) > 0) DESC, write_date DESC NULLS LAST, id DESC
            LIMIT 1
            """,
            {"n": number_e164, "c": company_id},
        )
        row = self.env.cr.fetchone()
        if row:
            return self.env["res.partner"].browse(row[0])
        self.env.cr.execute(
            """
            SELECT l.id FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.phone_sanitized = %(n)s AND l.active
               AND (l.company_id IS NULL OR l.company_id = %(c)s)
               AND COALESCE(s.is_won, FALSE) IS FALSE
             ORDER BY l.write_date DESC NULLS LAST, l.id DESC
             LIMIT 1
            """,
            {"n": number_e164, "c": company_id},
        )
        row = self.env.cr.fetchone()
        return self.env["crm.lead"].browse(row[0]) if row else self.env["res.partner"]

    @api.model
    def _pbx_lookup(self, pbx, number):
        number_e164 = pbx._to_e164(number)
        if not number_e164:
            raise PbxEventError(_("Unparseable phone number: %(number)s", number=number))
        return self._pbx_card_dict(self._pbx_find_card(pbx, number_e164))

    # -------------------------------------------------------------- auto lead

    @api.model
    def _pbx_create_lead(self, pbx, number_e164, raw_number, team):
        lead = (
            self.env["crm.lead"]
            .with_company(pbx.company_id)
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "name": _("Call from %(number)s", number=number_e164),
                    "type": "lead",
                    "phone": number_e164,
                    "team_id": team.id,
                    "user_id": False,
                    "company_id": pbx.company_id.id,
                    "source_id": self.env.ref("crm_telephony.utm_source_phone").id,
                    "medium_id": self.env.ref("utm.utm_medium_phone").id,
                }
            )
        )
        user = self._pbx_assignee(team, lead)
        if user:
            lead.user_id = user
        return lead

    @api.model
    def _pbx_assignee(self, team, lead):
        """Salesperson of ``team`` for a new lead, by the team's assignment rules: members not
        opted out whose assignment domain accepts the lead, fewest leads received in the last
        24 hours first (the round robin of crm.team), then the lowest member id."""
        if not team:
            return self.env["res.users"]
        candidates = []
        for member in team.crm_team_member_ids.filtered(lambda m: not m.assignment_optout and m.active):
            domain = literal_eval(member.assignment_domain or "[]")
            if domain and not lead.filtered_domain(domain):
                continue
            candidates.append((member.lead_day_count, member.id, member.user_id))
        if not candidates:
            return self.env["res.users"]
        return min(candidates, key=lambda c: (c[0], c[1]))[2]

    # ----------------------------------------------------------------- pop-up

    def _pbx_popup(self):
        """Web-client notification to the user whose extension takes the call, with a button to the card."""
        self.ensure_one()
        card = self._pbx_card()
        if not (self.user_id and card):
            return
        action = {
            "type": "ir.actions.act_window",
            "res_model": card._name,
            "res_id": card.id,
            "views": [[False, "form"]],
            "target": "current",
            "context": {"params": {"button_name": _("Open card"), "button_icon": "fa-address-card"}},
        }
        if self.lead_created:
            title = _("New lead from %(number)s", number=self.remote_e164)
        else:
            title = _("Call from %(number)s", number=self.remote_e164)
        self.user_id.sudo().notify_info(
            message=Markup("%s") % card.display_name, title=title, sticky=True, action=action
        )

    # ---------------------------------------------------------------- chatter

    def _pbx_log_on_card(self):
        """One chatter line per call on the card (or on the call when it has none)."""
        self.ensure_one()
        if self.card_logged:
            return
        target = self._pbx_card() or self
        direction = _("Inbound") if self.direction == "in" else _("Outbound")
        outcome = dict(self._fields["outcome"]._description_selection(self.env)).get(self.outcome, "")
        body = Markup("<p>%s</p>") % _(
            "%(direction)s call %(number)s: %(outcome)s, %(talk)s s of talk (extension %(ext)s).",
            direction=direction,
            number=self.remote_e164,
            outcome=outcome,
            talk=self.talk_seconds,
            ext=self.pbx_extension or "-",
        )
        # a log note: no follower notification, so the webhook stays fast
        target._message_log(body=body, message_type="comment")
        self.card_logged = True

    # ------------------------------------------------------------ missed call

    def _pbx_schedule_callback(self):
        self.ensure_one()
        if self.callback_activity_id:
            return
        card = self._pbx_card()
        target = card or self
        team = self.team_id or self._pbx_card_team(card)
        user = (card.user_id if card else False) or team.user_id or self.user_id
        if not user:
            _logger.info(
                "Missed call %s: no responsible user nor team leader, no call back scheduled", self.id
            )
            return
        activity = target.activity_schedule(
            "crm_telephony.mail_activity_type_call_back",
            date_deadline=fields.Date.context_today(self),
            summary=_("Call back %(number)s", number=self.remote_e164),
            user_id=user.id,
        )
        self.callback_activity_id = activity

    def _pbx_close_callbacks(self):
        """An answered call with a number closes the open call backs of that number's missed calls."""
        self.ensure_one()
        missed = self.search(
            [
                ("remote_e164", "=", self.remote_e164),
                ("callback_activity_id", "!=", False),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self.id),
            ]
        )
        activities = missed.callback_activity_id
        if activities:
            activities.action_feedback(feedback=_("Answered call %(call)s", call=self.display_name))

    # -------------------------------------------------------------- recording

    def _pbx_apply_recording(self, event):
        self.ensure_one()
        policy = self.pbx_id.recording_policy
        if policy == "none" or self.recording_state in ("done", "deleted"):
            return
        vals = {
            "recording_url": event.get("recording_url") or self.recording_url,
            "recording_ref": event.get("recording_ref") or self.recording_ref,
        }
        if policy == "link":
            vals["recording_state"] = "link" if vals["recording_url"] else "none"
        else:
            vals.update(
                recording_state="pending",
                recording_next_try=fields.Datetime.now(),
                recording_attempts=0,
            )
        self.write(vals)

    @api.model
    def _cron_fetch_recordings(self, limit=20):
        """Download pending recordings; a failure is retried later (2, 4, 8... minutes), 5 attempts."""
        calls = self.search(
            [("recording_state", "=", "pending"), ("recording_next_try", "<=", fields.Datetime.now())],
            limit=limit,
            order="recording_next_try, id",
        )
        for call in calls:
            call._pbx_fetch_recording()

    def _pbx_fetch_recording(self):
        self.ensure_one()
        try:
            content, mimetype = self.pbx_id._pbx_download_recording(self)
        except UserError as error:
            attempts = self.recording_attempts + 1
            self.write(
                {
                    "recording_attempts": attempts,
                    "recording_error": str(error)[:250],
                    "recording_state": "failed" if attempts >= 5 else "pending",
                    "recording_next_try": fields.Datetime.now() + timedelta(minutes=2**attempts),
                }
            )
            _logger.info("Recording of call %s not downloaded (attempt %s): %s", self.id, attempts, error)
            return False
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"call-{self.id}.{'wav' if 'wav' in mimetype else 'mp3'}",
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.write(
            {
                "recording_attachment_id": attachment.id,
                "recording_state": "done",
                "recording_error": False,
            }
        )
        self.message_post(
            body=_("Call recording"), attachment_ids=attachment.ids, subtype_xmlid="mail.mt_note"
        )
        return True

    @api.model
    def _cron_recording_retention(self):
        """Delete stored recordings older than their PBX's retention period."""
        for pbx in self.env["crm.pbx"].search([("retention_days", ">", 0)]):
            limit = fields.Datetime.now() - timedelta(days=pbx.retention_days)
            calls = self.search(
                [
                    ("pbx_id", "=", pbx.id),
                    ("recording_state", "=", "done"),
                    ("date", "<", limit),
                ]
            )
            attachments = calls.recording_attachment_id
            calls.write({"recording_state": "deleted", "recording_attachment_id": False})
            attachments.sudo().unlink()

    # ---------------------------------------------------------- click-to-dial

    @api.model
    def _pbx_dial(self, number, partner=None, lead=None):
        """Start an outbound call from the current user's extension and log it."""
        user = self.env.user
        if not number:
            raise UserError(_("There is no number to call."))
        if not user.pbx_extension:
            raise UserError(_("You have no PBX extension: ask an administrator to set it in your user."))
        pbx = (
            self.env["crm.pbx"]
            .sudo()
            .search(
                [("company_id", "=", self.env.company.id), ("provider", "in", ("zadarma", "asterisk"))],
                limit=1,
            )
        )
        if not pbx:
            raise UserError(
                _("No PBX able to place calls is configured for %(company)s.", company=self.env.company.name)
            )
        number_e164 = pbx._to_e164(number)
        if not number_e164:
            raise UserError(_("The number %(number)s cannot be read.", number=number))
        external_id = pbx._pbx_originate(user.pbx_extension, number_e164)
        call = self.create(
            {
                "name": _("Outbound call to %(number)s", number=number_e164),
                "direction": "out",
                "pbx_id": pbx.id,
                "external_call_id": external_id or False,
                "company_id": pbx.company_id.id,
                "user_id": user.id,
                "pbx_extension": user.pbx_extension,
                "partner_id": (partner or (lead and lead.partner_id) or self.env["res.partner"]).id,
                "opportunity_id": lead.id if lead else False,
                "partner_phone": number_e164,
                "remote_e164": number_e164,
                "called_number": number,
                "caller_number": user.pbx_extension,
                "ring_start": fields.Datetime.now(),
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "Calling %(number)s from extension %(ext)s.", number=number_e164, ext=user.pbx_extension
                ),
                "next": {"type": "ir.actions.act_window_close"},
                "call_id": call.id,
            },
        }

    def action_pbx_dial(self):
        self.ensure_one()
        return self._pbx_dial(
            self.remote_e164 or self.partner_phone, partner=self.partner_id, lead=self.opportunity_id
        )

    # ------------------------------------------------------------------- demo

    @api.model
    def _demo_generate_calls(self, pbx_id, count=300):
        """Demo calls over the last 60 days with a realistic mix of outcomes (seeded, reproducible)."""
        rng = random.Random(42)
        pbx = self.env["crm.pbx"].browse(pbx_id)
        partners = self.env["res.partner"].search(
            [("phone", "!=", False), ("is_company", "=", False)], limit=40
        )
        users = self.env["res.users"].search(
            [("pbx_extension", "!=", False), ("company_id", "=", pbx.company_id.id)]
        )
        if not (partners and users):
            return
        outcomes = ["answered"] * 6 + ["missed"] * 2 + ["no_answer", "busy", "voicemail", "failed"]
        now = fields.Datetime.now().replace(microsecond=0)
        vals_list = []
        for index in range(count):
            partner = rng.choice(partners)
            user = rng.choice(users)
            inbound = rng.random() < 0.6
            outcome = rng.choice(outcomes)
            start = now - timedelta(days=rng.randint(0, 59), minutes=rng.randint(0, 600))
            ring = rng.randint(2, 30)
            talk = rng.randint(20, 900) if outcome == "answered" else 0
            number = partner._phone_format(fname="phone") or partner.phone
            vals_list.append(
                {
                    "name": (
                        _("Inbound call from %(number)s", number=number)
                        if inbound
                        else _("Outbound call to %(number)s", number=number)
                    ),
                    "pbx_id": pbx.id,
                    "external_call_id": f"demo-{index:04d}",
                    "company_id": pbx.company_id.id,
                    "direction": "in" if inbound else "out",
                    "outcome": outcome,
                    "state": "done",
                    "partner_id": partner.id,
                    "partner_phone": number,
                    "remote_e164": number,
                    "user_id": user.id,
                    "pbx_extension": user.pbx_extension,
                    "team_id": pbx.default_team_id.id,
                    "date": start,
                    "ring_start": start,
                    "answer_time": start + timedelta(seconds=ring) if talk else False,
                    "end_time": start + timedelta(seconds=ring + talk),
                    "ring_seconds": ring,
                    "talk_seconds": talk,
                    "duration": talk / 60.0,
                    "card_logged": True,
                }
            )
        self.create(vals_list)
