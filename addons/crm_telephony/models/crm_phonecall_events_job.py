# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from markupsafe import Markup
from psycopg2 import OperationalError

from odoo import _lt, api, fields, models

from odoo.addons.crm_custom.transaction import read_committed

from ..const import PENDING_FLAGS, QUEUE_WHERE, UNANSWERED

_logger = logging.getLogger(__name__)

_QUEUE_TAKE_SQL = (
    f"SELECT id FROM crm_phonecall WHERE {QUEUE_WHERE} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"  # noqa: S608
)
_QUEUE_DONE_SQL = "UPDATE crm_phonecall SET {} WHERE id = ANY(%s)".format(
    ", ".join(f"{flag} = FALSE" for flag in PENDING_FLAGS)
)
_QUEUE_COUNT_SQL = f"SELECT count(*) FROM crm_phonecall WHERE {QUEUE_WHERE}"


class CrmPhonecallEventsJob(models.AbstractModel):
    """The PBX events job: the side effects of the webhook's events, out of the request (the unknown
    caller's lead, pop-ups, chatter lines, call backs); inherited by ``crm.phonecall``."""

    _name = "crm.phonecall.events.job"
    _description = "PBX Events Job"

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
        if not self.env.su:  # the system path, whatever user the cron runs as
            return self.sudo()._cron_pbx_process_queue(limit=limit, batch_size=batch_size)
        commit = bool(self.env.context.get("cron_id"))  # never commit inside a test's transaction
        if commit:
            # the cron committed its progress record just before: only reads are restarted. The
            # locking reads then skip or wait for rows the webhook changes instead of failing.
            read_committed(self.env.cr)
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
        self._pbx_name_in_reader_lang()
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
        lead = self._pbx_create_lead(self.pbx_id, self.remote_e164, self.team_id, call=self)
        self.write(
            {
                "opportunity_id": lead.id,
                "lead_created": True,
                "user_id": self.user_id.id or lead.user_id.id,
                "pbx_popup_pending": True,
            }
        )

    # -------------------------------------------------------------- auto lead

    @api.model
    def _pbx_create_lead(self, pbx, number_e164, team, call=None):
        """The lead of an unknown caller, created with its salesperson (the team's assignment rules
        evaluated on the values). The salesperson is told by the pop-up of the PBX events job, not
        by Odoo's assignment e-mail rendered inside the webhook request.

        Call tracking: the lead takes the source, medium and campaign of ``call`` (those of the number it
        dialled), else the Phone source and medium."""
        leads = (
            self.env["crm.lead"]
            .with_company(pbx.company_id)
            .with_context(mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True)
        )
        vals = {
            "name": self.env._("Call from %(number)s", number=number_e164),
            "type": "lead",
            "phone": number_e164,
            "team_id": team.id,
            "user_id": False,
            "company_id": pbx.company_id.id,
            "source_id": (call and call.source_id.id) or self.env.ref("crm_telephony.utm_source_phone").id,
            "medium_id": (call and call.medium_id.id) or self.env.ref("utm.utm_medium_phone").id,
            "campaign_id": (call and call.campaign_id.id) or False,
        }
        user = team._crm_assignment_member(leads.new(vals))
        # named in the language of its salesperson (else of the team leader); no one when no member
        # qualifies (the lead waits for the team's assignment, the call's own user is told by the pop-up)
        reader = self.with_context(lang=(user or team.user_id)._crm_lang())
        vals.update(user_id=user.id, name=reader.env._("Call from %(number)s", number=number_e164))
        return leads.create(vals)

    # ------------------------------------------------------------ languages

    def _pbx_reader(self):
        """Who reads what the system writes about this call: its user, else its card's salesperson, else
        its team's leader (possibly nobody: the job's language is used then)."""
        self.ensure_one()
        card = self._pbx_card()
        return self.user_id or (card.user_id if card else card) or self.team_id.user_id

    def _pbx_default_name(self, env):
        """The name the PBX gives this call, in ``env``'s language."""
        if self.direction == "in":
            return env._("Inbound call from %(number)s", number=self.remote_e164)
        return env._("Outbound call to %(number)s", number=self.remote_e164)

    def _pbx_name_in_reader_lang(self):
        """The webhook names a new call in the request's language (it does not know who will take it):
        the job renames it in its reader's language, unless someone renamed it meanwhile."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        envs = {lang: self.with_context(lang=lang).env for lang in langs}
        for call in self.filtered("remote_e164"):
            lang = call._pbx_reader()._crm_lang()
            if lang not in envs:
                continue
            name = call._pbx_default_name(envs[lang])
            if call.name != name and call.name in {call._pbx_default_name(env) for env in envs.values()}:
                call.name = name

    # ----------------------------------------------------------------- pop-up

    def _pbx_popup(self):
        """Web-client notification to the user whose extension takes the call, with a button to the card."""
        self.ensure_one()
        card = self._pbx_card()
        if not (self.user_id and card):
            return
        # written in the language of the user who gets it
        self = self.with_context(lang=self.user_id._crm_lang())  # noqa: PLW0642
        card = card.with_env(self.env)
        action = {
            "type": "ir.actions.act_window",
            "res_model": card._name,
            "res_id": card.id,
            "views": [[False, "form"]],
            "target": "current",
            "context": {"params": {"button_name": self.env._("Open card"), "button_icon": "fa-address-card"}},
        }
        if self.lead_created:
            title = self.env._("New lead from %(number)s", number=self.remote_e164)
        else:
            title = self.env._("Call from %(number)s", number=self.remote_e164)
        if not card.with_user(self.user_id).has_access("read"):
            # the card is out of this user's reach (e.g. the team's rules gave the new lead to a colleague):
            # the number only, neither the card's name nor a button that would end on an access error
            self.user_id.sudo().notify_info(message=Markup("%s") % self.remote_e164, title=title, sticky=True)
            return
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
        # a log note (no follower notification) authored by OdooBot, the PBX's voice in the chatter, in the
        # language of the card's salesperson (else of the call's user, else of the team leader)
        bot = self.env.ref("base.partner_root")
        envs = {}  # language -> (environment, outcome labels)
        by_model = defaultdict(list)
        for call in calls:
            target = call._pbx_card() or call
            reader = (target.user_id if target != call else call.user_id) or call._pbx_reader()
            lang = reader._crm_lang()
            if lang not in envs:
                env = self.with_context(lang=lang).env
                envs[lang] = (env, dict(self._fields["outcome"]._description_selection(env)))
            by_model[target._name].append((target.id, call._pbx_log_body(*envs[lang])))
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

    def _pbx_log_body(self, env, outcomes):
        """The call's chatter line in ``env``'s language (``outcomes``: the outcome labels in it)."""
        self.ensure_one()
        return Markup("<p>%s</p>") % env._(
            "%(direction)s call %(number)s: %(outcome)s, %(talk)s s of talk (extension %(ext)s).",
            direction=env._("Inbound") if self.direction == "in" else env._("Outbound"),
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
        notes = {}  # the activity type's note in each user's language
        for call in self.filtered(lambda c: not c.callback_activity_id):
            card = call._pbx_card()
            target = card or call
            card_team = card.team_id if card and "team_id" in card._fields else self.env["crm.team"]
            team = call.team_id or card_team
            user = (card.user_id if card else False) or team.user_id or call.user_id
            if not user:
                _logger.info("Missed call %s: nobody responsible nor team leader, no call back", call.id)
                continue
            # in the language of the user who has to call back
            lang = user._crm_lang()
            if lang not in notes:
                notes[lang] = activity_type.with_context(lang=lang).default_note
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": self.with_context(lang=lang).env._(
                        "Call back %(number)s", number=call.remote_e164
                    ),
                    "note": notes[lang],
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
        # to-do is in the user's activities. Odoo subscribes each creation's users to their records in one
        # insert, which fails on a record named twice: two missed calls of one card for one user go into
        # separate creations (rounds), each naming a (card, user) once.
        rounds = []
        seen = {}
        for call, vals in zip(calls, vals_list, strict=True):
            key = (vals["res_model_id"], vals["res_id"], vals["user_id"])
            index = seen[key] = seen.get(key, -1) + 1
            if index == len(rounds):
                rounds.append(([], []))
            rounds[index][0].append(call)
            rounds[index][1].append(vals)
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        for round_calls, round_vals in rounds:
            for call, activity in zip(round_calls, Activity.create(round_vals), strict=True):
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
        callback_type = self.env.ref("crm_telephony.mail_activity_type_call_back")
        closing = defaultdict(lambda: self.env["mail.activity"])
        for call in missed.filtered(lambda c: c.callback_activity_id.activity_type_id == callback_type):
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
            activities._crm_feedback(_lt("Answered call %(call)s", call=call.display_name))
