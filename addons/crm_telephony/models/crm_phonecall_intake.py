# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

from odoo.addons.crm_custom.transaction import read_committed

from ..const import PENDING_FLAGS
from .crm_pbx import to_e164

# Columns of the call the intake reads (under lock) before merging an event.
STATE_COLUMNS = (
    "direction",
    "pbx_extension",
    "ring_start",
    "date",
    "answer_time",
    "end_time",
    "talk_seconds",
    "outcome",
    "user_id",
    "partner_id",
    "opportunity_id",
    "lead_created",
    "recording_state",
    "recording_url",
    "recording_ref",
    *PENDING_FLAGS,
)
# The intake's statements are plain strings built once from these constant column names: composing
# them with SQL objects per event cost more Python time than PostgreSQL needs to run them.
_LOCK_SQL = "SELECT id, {} FROM crm_phonecall WHERE pbx_id = %s AND external_call_id = %s FOR UPDATE".format(
    ", ".join(f'"{column}"' for column in STATE_COLUMNS)
)
# Card info read by the caller look-up, in this order.
CARD_KEYS = ("model", "id", "name", "user_id", "user_extension", "team_id", "partner_id", "lead_id")
# partners have a sales team only when a sales app adds the field (then {team} is p.team_id)
# (The look-up statements avoid joins: on a table as wide as res_partner the planner needs far
# longer for a join than PostgreSQL needs to run these index look-ups, and every webhook request
# plans them afresh.)
_PARTNER_CARD_SQL = """
    SELECT 'res.partner', p.id, p.complete_name, p.user_id,
           (SELECT u.pbx_extension FROM res_users u WHERE u.id = p.user_id), {team}, p.id, NULL
      FROM res_partner p
"""
_LEAD_CARD_SQL = """
    SELECT 'crm.lead', l.id, l.name, l.user_id,
           (SELECT u.pbx_extension FROM res_users u WHERE u.id = l.user_id), l.team_id, l.partner_id, l.id
      FROM crm_lead l
"""
_OPEN_LEAD_WHERE = """
    l.active AND (l.company_id IS NULL OR l.company_id = %(c)s)
    AND NOT COALESCE((SELECT s.is_won FROM crm_stage s WHERE s.id = l.stage_id), FALSE)
"""


class PbxEventError(Exception):
    """A PBX event that cannot be accepted; ``status`` is the HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


class CrmPhonecallIntake(models.AbstractModel):
    """The webhook's intake of PBX events into ``crm.phonecall`` (plain SQL under a row lock) and the
    caller look-up; inherited by ``crm.phonecall``."""

    _name = "crm.phonecall.intake"
    _description = "PBX Event Intake"

    # The webhook request does only what its reply needs, in a handful of SQL statements: the call
    # row locked and read with its card, then one UPDATE with the merged state; on the call's first
    # event, the caller look-up and one INSERT of the whole first state. Pop-ups, chatter lines
    # and call-back activities are flagged on the call (pbx_popup_pending / pbx_end_pending) and
    # done by the "PBX events" job, woken at once.

    @api.model
    def _pbx_process_event(self, pbx, event):
        """Merge one normalised PBX event into its call and return the reply.

        ``event`` keys: event, call_id, direction (inbound/outbound), from, to, extension,
        timestamp (naive UTC datetime), talk_seconds, outcome, recording_url, recording_ref.
        The call row is read and locked by one SELECT ... FOR UPDATE (or inserted with its whole
        first state), so duplicated or concurrent deliveries of one call, and the PBX events job,
        are applied one after the other (see ``crm_custom/transaction.py``).
        """
        read_committed(self.env.cr)
        conf = pbx._pbx_intake_config()
        self.env.flush_all()  # the intake reads and writes with SQL (nothing to flush in a webhook request)
        if event["event"] == "recording_ready":
            row, card = self._pbx_lock_row(conf, event["call_id"])
            if not row:
                raise PbxEventError(_("Unknown call %(call)s.", call=event["call_id"]), status=404)
            self.browse(row["id"]).with_context(mail_notrack=True)._pbx_apply_recording(event)
            return {"ok": True, "call_id": row["id"], "match": self._pbx_match(card, row["lead_created"])}
        inbound = event["direction"] == "inbound"
        remote, local = (event["from"], event["to"]) if inbound else (event["to"], event["from"])
        remote_e164 = to_e164(remote, conf["country_code"])
        if not remote_e164:
            raise PbxEventError(_("Unparseable phone number: %(number)s", number=remote))
        row, card = self._pbx_lock_row(conf, event["call_id"])
        call_id = None
        if not row:
            local_e164 = to_e164(local, conf["country_code"])
            vals, card = self._pbx_init_vals(conf, event, remote_e164, local_e164)
            new_row = dict.fromkeys(STATE_COLUMNS, False)
            new_row.update(
                vals, direction="in" if inbound else "out", date=event["timestamp"], recording_state="none"
            )
            vals.update(self._pbx_merge_vals(conf, new_row, event))
            new_row.update(vals)
            call_id = self._pbx_insert_row(conf, event, new_row)
            if call_id:
                row = new_row
            else:
                # another delivery of this call inserted it first and has committed: merge into it
                row, card = self._pbx_lock_row(conf, event["call_id"])
                if not row:  # not visible in this transaction's snapshot: the PBX retries
                    raise PbxEventError(
                        _("Concurrent delivery of call %(call)s, retry.", call=event["call_id"]), 409
                    )
        if not call_id:
            vals = self._pbx_merge_vals(conf, row, event)
            self._pbx_write_row(row["id"], vals)
            call_id = row["id"]
        # Wake the job whenever the call has work left, not only when this event flagged it: the job
        # skips a row this request holds locked, and may finish (deleting the triggers it saw) before
        # this request commits.
        if any(vals.get(flag, row[flag]) for flag in PENDING_FLAGS):
            self._pbx_wake_queue(conf["queue_cron_id"])
        return {"ok": True, "call_id": call_id, "match": self._pbx_match(card, row["lead_created"])}

    @api.model
    def _pbx_lock_row(self, conf, external_id):
        """(state dict, card info) of the call, locked for this transaction; (None, None) when new."""
        self.env.cr.execute(_LOCK_SQL, (conf["id"], external_id))
        values = self.env.cr.fetchone()
        if not values:
            return None, None
        row = dict(zip(("id", *STATE_COLUMNS), values, strict=True))
        if row["opportunity_id"]:
            self.env.cr.execute(_LEAD_CARD_SQL + " WHERE l.id = %s", (row["opportunity_id"],))
        elif row["partner_id"]:
            self.env.cr.execute(self._pbx_partner_card_sql() + " WHERE p.id = %s", (row["partner_id"],))
        else:
            return row, None
        return row, self._pbx_card_row(self.env.cr.fetchone())

    @api.model
    def _pbx_insert_row(self, conf, event, row):
        """INSERT the new call with its whole first state; returns its id, or None when another
        delivery of the same call inserted it first."""
        now = fields.Datetime.now()
        values = {
            "pbx_id": conf["id"],
            "external_call_id": event["call_id"],
            "state": "open",
            "active": True,
            "priority": "1",
            "company_id": conf["company_id"],
            "create_uid": self.env.uid,
            "write_uid": self.env.uid,
            "create_date": now,
            "write_date": now,
        }
        values.update((name, value) for name, value in row.items() if name in self._fields)
        columns, params = self._pbx_sql_columns(values)
        self.env.cr.execute(
            "INSERT INTO crm_phonecall ({}) VALUES ({}) "  # noqa: S608 - column names of this model's fields
            "ON CONFLICT (pbx_id, external_call_id) DO NOTHING RETURNING id".format(
                ", ".join(columns), ", ".join(["%s"] * len(columns))
            ),
            params,
        )
        inserted = self.env.cr.fetchone()
        return inserted[0] if inserted else None

    @api.model
    def _pbx_sql_columns(self, values):
        """(quoted column names, parameters) of ``values`` for a raw statement on crm_phonecall; only
        stored fields of this model are accepted (False is NULL except for booleans)."""
        columns, params = [], []
        for name, value in values.items():
            field = self._fields[name]
            if not field.store or field.type in ("one2many", "many2many"):
                raise ValueError(f"not a column of crm_phonecall: {name}")
            columns.append(f'"{name}"')
            params.append(None if value is False and field.type != "boolean" else value)
        return columns, params

    @api.model
    def _pbx_init_vals(self, conf, event, remote_e164, local_e164):
        """First event of a call: numbers, card, team, user, and the utm source, medium and campaign of
        the dialled number (call tracking). An unknown inbound caller's lead is
        left to the PBX events job (flag pbx_lead_pending): creating a lead runs the whole CRM
        (assignment, scoring, chatter), which has no place inside the PBX's request.

        Returns (values for the call, card info dict or None)."""
        inbound = event["direction"] == "inbound"
        card = self._pbx_find_card_info(conf["company_id"], remote_e164, with_lead=True)
        team_id = (conf["routes"].get(local_e164) or conf["default_team_id"]) if inbound else False
        # call tracking: an inbound call to a number published by an advert carries its source, medium
        # and campaign (from the cached configuration: no query)
        source_id, medium_id, campaign_id = (
            conf["route_utm"].get(local_e164, (False, False, False)) if inbound else (False, False, False)
        )
        lead_pending = bool(not card and inbound and conf["auto_lead"])
        card = card or {}
        vals = {
            "name": _("Inbound call from %(number)s", number=remote_e164)
            if inbound
            else _("Outbound call to %(number)s", number=remote_e164),
            "caller_number": event["from"],
            "called_number": event["to"],
            "remote_e164": remote_e164,
            "dialled_e164": local_e164,
            "partner_id": card.get("partner_id") or False,
            "partner_phone": remote_e164,
            "opportunity_id": card.get("lead_id") or False,
            "team_id": team_id or card.get("team_id") or False,
            "user_id": card.get("user_id") or False,
            "lead_created": False,
            "pbx_lead_pending": lead_pending,
            "source_id": source_id,
            "medium_id": medium_id,
            "campaign_id": campaign_id,
        }
        return vals, card or None

    @api.model
    def _pbx_merge_vals(self, conf, row, event):
        """Values that apply ``event`` to the call state ``row``: timestamps only move forward and
        a final state is never reopened."""
        ts = event["timestamp"]
        vals = {}
        extension = event.get("extension")
        if extension and extension != row["pbx_extension"]:
            vals["pbx_extension"] = extension
            user_id = conf["extensions"].get(extension)
            if user_id:
                vals["user_id"] = user_id
        kind = event["event"]
        start = event.get("ring_start") or (ts if kind == "call_started" else None)
        if start and (not row["ring_start"] or start < row["ring_start"]):
            vals["ring_start"] = start
            vals["date"] = start
        if kind == "call_answered" and not row["answer_time"]:
            vals["answer_time"] = ts
            if not row["end_time"]:
                vals["outcome"] = "answered"
        if kind == "call_ended" and not row["end_time"]:
            talk = event.get("talk_seconds")
            vals.update(
                end_time=ts,
                state="done",
                date_closed=ts,
                outcome=event.get("outcome") or ("answered" if talk else "missed"),
                pbx_end_pending=True,
            )
            if talk is not None:
                vals["talk_seconds"] = talk
            vals.update(self._pbx_recording_vals(conf, row, event))
        state = {**row, **vals}
        ring_start = state["ring_start"] or state["date"]
        ring_end = state["answer_time"] or state["end_time"]
        if ring_start and ring_end:
            vals["ring_seconds"] = max(int((ring_end - ring_start).total_seconds()), 0)
        end, answer = state["end_time"], state["answer_time"]
        if end and answer and not state["talk_seconds"] and state["outcome"] == "answered":
            vals["talk_seconds"] = max(int((end - answer).total_seconds()), 0)
        vals["duration"] = (vals.get("talk_seconds", state["talk_seconds"]) or 0) / 60.0
        if "user_id" in vals and row["direction"] == "in" and not state["end_time"]:
            vals["pbx_popup_pending"] = True
        return vals

    @api.model
    def _pbx_write_row(self, call_id, vals):
        """One UPDATE of the call row; the ORM cache is dropped (clearing it whole is cheaper than
        invalidating every field of one record, and the intake has nothing to flush)."""
        if not vals:
            return
        vals = dict(vals, write_date=fields.Datetime.now(), write_uid=self.env.uid)
        columns, params = self._pbx_sql_columns(vals)
        self.env.cr.execute(
            "UPDATE crm_phonecall SET {} WHERE id = %s".format(  # noqa: S608 - column names of fields
                ", ".join(f"{column} = %s" for column in columns)
            ),
            [*params, call_id],
        )
        self.env.invalidate_all()

    @api.model
    def _pbx_wake_queue(self, cron_id):
        """Wake the "PBX events" job: a trigger row per event (cheap), a NOTIFY to the cron workers
        only when no trigger was already waiting."""
        if not cron_id:
            return
        now = fields.Datetime.now()
        # (no create_uid/write_uid: two foreign-key checks per event for a row the cron deletes)
        self.env.cr.execute(
            """
            INSERT INTO ir_cron_trigger (cron_id, call_at, create_date, write_date)
            VALUES (%(cron)s, %(now)s, %(now)s, %(now)s)
            RETURNING (SELECT EXISTS (SELECT 1 FROM ir_cron_trigger WHERE cron_id = %(cron)s))
            """,
            {"cron": cron_id, "now": now},
        )
        if not self.env.cr.fetchone()[0]:
            self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)

    @api.model
    def _pbx_match(self, card, created=False):
        """The ``match`` part of the webhook's reply for a card info dict (None without a card)."""
        if not card:
            return None
        return {
            "model": card["model"],
            "id": card["id"],
            "name": card["name"],
            "created": bool(created),
            "user_id": card["user_id"] or None,
            "user_extension": card["user_extension"] or None,
            "url": f"{self.get_base_url()}/odoo/{card['model']}/{card['id']}",
        }

    @api.model
    def _pbx_partner_card_sql(self):
        team = "p.team_id" if "team_id" in self.env["res.partner"]._fields else "NULL::int"
        return _PARTNER_CARD_SQL.format(team=team)

    @api.model
    def _pbx_card_row(self, values):
        if not values:
            return None
        return dict(zip(CARD_KEYS, values, strict=True))

    # ---------------------------------------------------------- caller lookup

    @api.model
    def _pbx_find_card_info(self, company_id, number_e164, with_lead=False):
        """The card of ``number_e164`` for ``company_id``, by one deterministic rule, as a dict
        (model, id, name, user_id, user_extension, team_id, partner_id, lead_id) or None.

        1. Partners (contacts and companies) whose phone or mobile is that number, through the
           partial indexes on ``phone_e164``/``mobile_e164``: customers first, then the most
           recently updated, then the highest id. With ``with_lead`` (a call's card), the most
           recently updated open lead of that client (the partner's commercial entity and its
           contacts) is the card when there is one.
        2. Otherwise open (active, not won, not lost) leads through the indexed
           ``phone_sanitized``: most recently updated first, then the highest id.
        Only records of that company or shared by all companies are considered.
        """
        if not number_e164:
            return None
        # the SQL below reads stored computed columns (E.164 numbers) of cards this transaction may have
        # created or changed, such as the lead of an earlier call of the same batch
        self.env["res.partner"].flush_model()
        self.env["crm.lead"].flush_model()
        params = {"n": number_e164, "c": company_id}
        self.env.cr.execute(
            f"""
            {self._pbx_partner_card_sql()}
             WHERE (p.phone_e164 = %(n)s OR p.mobile_e164 = %(n)s)
               AND p.active AND (p.company_id IS NULL OR p.company_id = %(c)s)
             ORDER BY (COALESCE(p.customer_rank, 0) > 0) DESC, p.write_date DESC NULLS LAST, p.id DESC
             LIMIT 1
            """,  # noqa: S608 - constant SQL fragments
            params,
        )
        partner = self._pbx_card_row(self.env.cr.fetchone())
        if partner and not with_lead:
            return partner
        if partner:
            self.env.cr.execute(
                f"""
                {_LEAD_CARD_SQL}
                 WHERE l.partner_id IN (
                        SELECT c.id FROM res_partner c
                         WHERE c.commercial_partner_id = (SELECT commercial_partner_id FROM res_partner
                                                           WHERE id = %(p)s))
                   AND {_OPEN_LEAD_WHERE}
                 ORDER BY l.write_date DESC NULLS LAST, l.id DESC
                 LIMIT 1
                """,  # noqa: S608 - constant SQL fragments
                dict(params, p=partner["id"]),
            )
            lead = self._pbx_card_row(self.env.cr.fetchone())
            return dict(lead, partner_id=partner["id"]) if lead else partner
        self.env.cr.execute(
            f"""
            {_LEAD_CARD_SQL}
             WHERE l.phone_sanitized = %(n)s AND {_OPEN_LEAD_WHERE}
             ORDER BY l.write_date DESC NULLS LAST, l.id DESC
             LIMIT 1
            """,  # noqa: S608 - constant SQL fragments
            params,
        )
        return self._pbx_card_row(self.env.cr.fetchone())

    @api.model
    def _pbx_lookup(self, pbx, number):
        conf = pbx._pbx_intake_config()
        self.env.flush_all()
        number_e164 = to_e164(number, conf["country_code"])
        if not number_e164:
            raise PbxEventError(_("Unparseable phone number: %(number)s", number=number))
        return self._pbx_match(self._pbx_find_card_info(conf["company_id"], number_e164))
