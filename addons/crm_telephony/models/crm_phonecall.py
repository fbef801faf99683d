# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import random
from ast import literal_eval
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import OperationalError
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import _, api, fields, models, sql_db
from odoo.exceptions import UserError

from .crm_pbx import to_e164

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
# Work the PBX events job still has to do for a call; the job's queue is the calls with one set (the
# same predicate in the partial index and in the job's statements, so that the planner uses the index).
PENDING_FLAGS = ("pbx_lead_pending", "pbx_popup_pending", "pbx_end_pending")
_QUEUE_WHERE = " OR ".join(PENDING_FLAGS)
_QUEUE_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS crm_phonecall_pbx_queue_idx ON crm_phonecall (id) WHERE {_QUEUE_WHERE}"
)
_QUEUE_TAKE_SQL = (
    f"SELECT id FROM crm_phonecall WHERE {_QUEUE_WHERE} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"  # noqa: S608
)
_QUEUE_DONE_SQL = "UPDATE crm_phonecall SET {} WHERE id = ANY(%s)".format(
    ", ".join(f"{flag} = FALSE" for flag in PENDING_FLAGS)
)
_QUEUE_COUNT_SQL = f"SELECT count(*) FROM crm_phonecall WHERE {_QUEUE_WHERE}"
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

    # ------------------------------------------------------------ event intake
    #
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
        are applied one after the other (see ``_pbx_read_committed``).
        """
        self._pbx_read_committed()
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
    def _pbx_read_committed(self):
        """Run the transaction in READ COMMITTED instead of Odoo's REPEATABLE READ (the webhook's
        intake, the PBX events job).

        The intake locks the call's row; when the PBX events job or another delivery of the same call
        holds that lock, the intake waits. Under REPEATABLE READ the wait would end in a
        serialization failure (the row changed after the transaction's snapshot) and Odoo would replay
        the whole request after a random pause of up to 2 seconds; under READ COMMITTED the locking
        read returns the row as just committed and the event is merged into it. The request has only
        read so far (its token, the PBX's configuration), so its transaction is restarted at the new
        level; the next request on that connection gets Odoo's level again. Test cursors are left
        as they are: the TestCursor an HttpCase shares with its server, and the TransactionCase
        cursor, whose rollback the test framework replaces on the instance."""
        cr = self.env.cr
        if type(cr) is not sql_db.Cursor or "rollback" in vars(cr):
            return
        if cr._cnx.isolation_level != ISOLATION_LEVEL_READ_COMMITTED:
            cr.rollback()
            cr._cnx.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)

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
        """First event of a call: numbers, card, team, user. An unknown inbound caller's lead is
        left to the PBX events job (flag pbx_lead_pending): creating a lead runs the whole CRM
        (assignment, scoring, chatter), which has no place inside the PBX's request.

        Returns (values for the call, card info dict or None)."""
        inbound = event["direction"] == "inbound"
        card = self._pbx_find_card_info(conf["company_id"], remote_e164, with_lead=True)
        team_id = (conf["routes"].get(local_e164) or conf["default_team_id"]) if inbound else False
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

    def _pbx_card(self):
        self.ensure_one()
        return self.opportunity_id or self.partner_id

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

    # ------------------------------------------------------ PBX events job

    @api.model
    def _cron_pbx_process_queue(self, limit=200, batch_size=10):
        """Side effects of the webhook events, out of the request: the unknown caller's lead,
        pop-ups, one chatter line per ended call, call-back activities scheduled or closed.

        Woken by each event that leaves work. Calls are taken by batches of ``batch_size`` with SKIP
        LOCKED (several cron workers share the queue) and, when run by the cron, each batch is
        committed on its own: a call row stays locked only while its batch is processed (tens of
        milliseconds), the webhook keeps answering meanwhile. A batch logs its chatter lines, creates
        its call backs and looks up the call backs to close together, so the job keeps up with a busy
        PBX."""
        commit = bool(self.env.context.get("cron_id"))  # never commit inside a test's transaction
        if commit:
            # the cron committed its progress record just before: only reads are restarted. The
            # locking reads then skip or wait for rows the webhook changes instead of failing.
            self._pbx_read_committed()
        done = 0
        while done < limit:
            self.env.cr.execute(_QUEUE_TAKE_SQL, (min(batch_size, limit - done),))
            calls = self.browse(row[0] for row in self.env.cr.fetchall())
            if not calls:
                break
            calls.with_context(mail_notrack=True)._pbx_process_pending()
            self.env.cr.execute(_QUEUE_DONE_SQL, (calls.ids,))
            calls.invalidate_recordset(list(PENDING_FLAGS))
            done += len(calls)
            if commit:
                # one batch per transaction (cron only): call rows are never locked for long
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(_QUEUE_COUNT_SQL)
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        self._pbx_rewake_after_run()
        return done

    def _pbx_process_pending(self):
        """The pending work of these calls, all together in a savepoint; if that fails, call by call,
        so that one call that cannot be processed (logged) does not hold back the others."""
        try:
            with self.env.cr.savepoint():
                for company, calls in self.grouped("company_id").items():
                    calls.with_company(company)._pbx_process_pending_batch()
        except OperationalError:
            raise  # concurrency: the cron runs the job again
        except Exception:
            if len(self) == 1:
                _logger.exception("PBX events job: call %s could not be processed", self.id)
                return
            for call in self:
                call._pbx_process_pending()

    def _pbx_process_pending_batch(self):
        for call in self.filtered("pbx_lead_pending"):
            call._pbx_link_or_create_lead()
        for call in self.filtered(lambda c: c.pbx_popup_pending and (c.lead_created or not c.end_time)):
            call._pbx_popup()
        ended = self.filtered("pbx_end_pending")
        ended._pbx_log_on_card()
        ended.filtered(lambda c: c.direction == "in" and c.outcome in UNANSWERED)._pbx_schedule_callback()
        ended.filtered(lambda c: c.outcome == "answered")._pbx_close_callbacks()

    @api.model
    def _pbx_rewake_after_run(self):
        """Make the cron worker look for this job again as soon as the run ends, if triggers exist.

        Odoo deletes, after a run, only the triggers committed before the run started; those added by
        events during the run stay, and the job is ready again. But the events did not NOTIFY (a
        trigger was already waiting), and the cron worker only looks for ready jobs when notified or
        at its next poll (up to a minute): without this, the last calls of a burst waited that long."""
        cron_id = self.env.context.get("cron_id")
        if not cron_id:
            return
        self.env.cr.execute("SELECT EXISTS (SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s)", (cron_id,))
        if self.env.cr.fetchone()[0]:
            self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)

    def _pbx_link_or_create_lead(self):
        """The unknown caller's lead: the open lead of that number if an earlier call of the queue
        created it meanwhile, else a new one (source Phone, team of the dialled number, assigned by
        the team's rules). Its salesperson gets the pop-up."""
        self.ensure_one()
        if self.partner_id or self.opportunity_id:
            return
        card = self._pbx_find_card_info(self.company_id.id, self.remote_e164, with_lead=True)
        if card:
            self.write(
                {"partner_id": card["partner_id"] or False, "opportunity_id": card["lead_id"] or False}
            )
            if not self.user_id and card["user_id"]:
                self.user_id = card["user_id"]
            return
        lead = self._pbx_create_lead(self.pbx_id, self.remote_e164, self.team_id)
        self.write(
            {
                "opportunity_id": lead.id,
                "lead_created": True,
                "user_id": self.user_id.id or lead.user_id.id,
                "pbx_popup_pending": True,
            }
        )

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

    # -------------------------------------------------------------- auto lead

    @api.model
    def _pbx_create_lead(self, pbx, number_e164, team):
        """The lead of an unknown caller, created with its salesperson (the team's assignment rules
        evaluated on the values). The salesperson is told by the pop-up of the PBX events job, not
        by Odoo's assignment e-mail rendered inside the webhook request."""
        leads = (
            self.env["crm.lead"]
            .with_company(pbx.company_id)
            .with_context(mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True)
        )
        vals = {
            "name": _("Call from %(number)s", number=number_e164),
            "type": "lead",
            "phone": number_e164,
            "team_id": team.id,
            "user_id": False,
            "company_id": pbx.company_id.id,
            "source_id": self.env.ref("crm_telephony.utm_source_phone").id,
            "medium_id": self.env.ref("utm.utm_medium_phone").id,
        }
        user = self._pbx_assignee(team, leads.new(vals))
        vals["user_id"] = user.id
        return leads.create(vals)

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
        """One chatter line per call on its card (or on the call when it has none), logged in
        batches: one message creation per card model instead of one per call."""
        calls = self.filtered(lambda call: not call.card_logged)
        if not calls:
            return
        # a log note (no follower notification) authored by OdooBot, the PBX's voice in the chatter
        bot = self.env.ref("base.partner_root")
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        by_model = defaultdict(list)
        for call in calls:
            target = call._pbx_card() or call
            by_model[target._name].append((target.id, call._pbx_log_body(outcomes)))
        for model, lines in by_model.items():
            while lines:  # a card with several calls in the batch: one message each, in call order
                bodies, lines_left = {}, []
                for res_id, body in lines:
                    if res_id in bodies:
                        lines_left.append((res_id, body))
                    else:
                        bodies[res_id] = body
                self.env[model].browse(list(bodies))._message_log_batch(
                    bodies, author_id=bot.id, email_from=bot.email_formatted or False, message_type="comment"
                )
                lines = lines_left
        calls.card_logged = True

    def _pbx_log_body(self, outcomes):
        self.ensure_one()
        return Markup("<p>%s</p>") % _(
            "%(direction)s call %(number)s: %(outcome)s, %(talk)s s of talk (extension %(ext)s).",
            direction=_("Inbound") if self.direction == "in" else _("Outbound"),
            number=self.remote_e164,
            outcome=outcomes.get(self.outcome, ""),
            talk=self.talk_seconds,
            ext=self.pbx_extension or "-",
        )

    # ------------------------------------------------------------ missed call

    def _pbx_schedule_callback(self):
        """A "Call back" to-do per missed call, on its card (or on the call), for the card's
        responsible user, else the team leader; due today in that user's timezone."""
        if self.env.context.get("mail_activity_automation_skip"):  # honoured as by activity_schedule()
            return
        activity_type = self.env.ref("crm_telephony.mail_activity_type_call_back")
        vals_list, calls = [], self.browse()
        for call in self.filtered(lambda c: not c.callback_activity_id):
            card = call._pbx_card()
            target = card or call
            card_team = card.team_id if card and "team_id" in card._fields else self.env["crm.team"]
            team = call.team_id or card_team
            user = (card.user_id if card else False) or team.user_id or call.user_id
            if not user:
                _logger.info("Missed call %s: nobody responsible nor team leader, no call back", call.id)
                continue
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": _("Call back %(number)s", number=call.remote_e164),
                    "note": activity_type.default_note,
                    "automated": True,
                    "res_model_id": self.env["ir.model"]._get_id(target._name),
                    "res_id": target.id,
                    "user_id": user.id,
                    # "today" of the user who has to call back, not of the server or of the job's user
                    "date_deadline": fields.Date.context_today(call.with_context(tz=user.tz or "UTC")),
                }
            )
            calls |= call
        if not vals_list:
            return
        # as activity_schedule() does, in one creation; no assignment e-mail per missed call: the
        # to-do is in the user's activities
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        for call, activity in zip(calls, activities, strict=True):
            call.callback_activity_id = activity

    def _pbx_close_callbacks(self):
        """An answered call with a number closes the open call backs of that number's missed calls
        that ended before it ended (whether or not the job processes them in the same batch)."""
        if not self:
            return
        missed = self.search(
            [
                ("remote_e164", "in", list(set(self.mapped("remote_e164")))),
                ("callback_activity_id", "!=", False),
                ("company_id", "in", self.company_id.ids),
                ("id", "not in", self.ids),
            ]
        )
        closing = defaultdict(lambda: self.env["mail.activity"])
        for call in missed:
            answered = self.filtered(
                lambda c, m=call: (
                    c.remote_e164 == m.remote_e164
                    and c.company_id == m.company_id
                    and (m.end_time or m.date) <= (c.end_time or c.date)
                )
            )
            if answered:
                closing[answered[0]] |= call.callback_activity_id
        for call, activities in closing.items():
            activities.action_feedback(feedback=_("Answered call %(call)s", call=call.display_name))

    # -------------------------------------------------------------- recording

    def _pbx_apply_recording(self, event):
        self.ensure_one()
        row = {name: self[name] for name in ("recording_state", "recording_url", "recording_ref")}
        vals = self._pbx_recording_vals(self.pbx_id._pbx_intake_config(), row, event)
        if vals:
            self.write(vals)

    @api.model
    def _pbx_recording_vals(self, conf, row, event):
        """Values recording a call's recording (``row``: its current recording state) by the PBX's policy."""
        if not (event.get("recording_url") or event.get("recording_ref")):
            return {}
        policy = conf["recording_policy"]
        if policy == "none" or row["recording_state"] in ("done", "deleted"):
            return {}
        vals = {
            "recording_url": event.get("recording_url") or row["recording_url"],
            "recording_ref": event.get("recording_ref") or row["recording_ref"],
        }
        if policy == "link":
            vals["recording_state"] = "link" if vals["recording_url"] else "none"
        else:
            vals.update(
                recording_state="pending",
                recording_next_try=fields.Datetime.now(),
                recording_attempts=0,
            )
        return vals

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
