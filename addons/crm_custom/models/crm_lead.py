# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import pytz
from markupsafe import Markup
from psycopg2 import OperationalError

from odoo import Command, _, _lt, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, sql

# the mixin must be registered before crm.lead inherits it; models/__init__.py imports crm_lead first
from . import crm_card_mixin  # noqa: F401 - defined before the models that inherit it

_logger = logging.getLogger(__name__)

# transaction cache key of the leads whose First Contact activity waits for the end of a batch
DEFER_KEY = "crm_first_contact_deferred"


def create_day_column(cr):
    """Add ``crm_lead.create_day`` filled in one statement (install on a database with leads, migration),
    instead of Odoo computing the new stored field lead by lead. Needs the companies' reporting timezone:
    without it, Odoo adds and computes the field itself."""
    if not sql.column_exists(cr, "res_company", "crm_tz"):
        return False
    if not sql.column_exists(cr, "crm_lead", "create_day"):
        sql.create_column(cr, "crm_lead", "create_day", "date")
    cr.execute(
        """
        UPDATE crm_lead target SET create_day = src.day
          FROM (SELECT lead.id,
                       ((lead.create_date AT TIME ZONE 'UTC')
                         AT TIME ZONE COALESCE(cmp.crm_tz, 'UTC'))::date AS day
                  FROM crm_lead lead
                  LEFT JOIN res_company cmp ON cmp.id = lead.company_id) src
         WHERE target.id = src.id AND target.create_day IS DISTINCT FROM src.day
        """
    )
    return True


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.card.mixin", "crm.system.fields.mixin"]

    _duplicate_trigger_fields = ("phone", "mobile", "email_from", "partner_id", "company_id", "country_id")
    _duplicate_entity_column = "partner_id"
    _duplicate_depends = ("phone_sanitized", "phone_e164", "email_normalized", "partner_id", "company_id")

    lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required",
        string="Lost Reason Required",
    )
    product_ids = fields.Many2many(
        "product.product",
        "crm_lead_product_interest_rel",
        "lead_id",
        "product_id",
        string="Products of Interest",
        # not check_company: Odoo checks every check_company field of a lead each time its team or
        # salesperson is written, a query per lead for a many2many; _check_product_company does it instead
        domain="[('sale_ok', '=', True), '|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Products or services the client asked about.",
    )
    duplicate_ids = fields.Many2many(
        "crm.lead",
        "crm_lead_duplicate_rel",
        "lead_id",
        "duplicate_id",
        string="Possible Duplicates",
        compute="_compute_duplicate_ids",
        help="Open leads and deals of other clients of the same company with the same phone, mobile or "
        "e-mail.",
    )
    duplicate_count = fields.Integer(string="Duplicates", compute="_compute_duplicate_ids")
    crm_idle_deadline = fields.Datetime(
        string="Idle Reminder Due",
        compute="_compute_crm_idle_deadline",
        help="When this opportunity counts as idle if nothing happens: the latest of its creation, "
        "conversion, last stage change, last activity done and the moment its company switched the process "
        "Deals Without Planned Activity on, plus the company's idle days.",
    )

    # the reports and the New Leads KPI count a lead on this day instead of converting every creation time
    # at query time; system=True: only the system sets it (docs/security.md)
    create_day = fields.Date(
        string="Creation Day",
        compute="_compute_create_day",
        store=True,
        readonly=True,
        system=True,
        copy=False,
        help="Day the lead was created, in its company's reporting timezone: the day the reports and the New "
        "Leads KPI count it on.",
    )

    @api.depends("create_date", "company_id")
    def _compute_create_day(self):
        # a new lead's day is written with the other values Odoo computes after inserting it (its company is
        # one of them); a change of the company's reporting timezone is applied set-based
        # (_refresh_create_day)
        for lead in self:
            if not lead.create_date:
                lead.create_day = False
                continue
            tz = pytz.timezone(lead.company_id.crm_tz or "UTC")
            lead.create_day = pytz.utc.localize(lead.create_date).astimezone(tz).date()

    @api.model
    def _refresh_create_day(self, companies=None, lead_ids=None):
        """Set the creation day of the leads of ``companies`` or of ``lead_ids`` (every lead when both are
        None) from their creation time and their company's reporting timezone, in one statement (a timezone
        changed, leads inserted or backdated by SQL); only the rows whose day changes are written."""
        self.flush_model(["create_date", "company_id", "create_day"])
        self.env["res.company"].flush_model(["crm_tz"])
        day = self.env["crm.kpi"]._local_day(SQL("lead.create_date"), SQL("cmp.crm_tz"))
        conditions = [SQL("TRUE")]
        if companies is not None:
            conditions.append(SQL("lead.company_id = ANY(%s)", companies.ids))
        if lead_ids is not None:
            conditions.append(SQL("lead.id = ANY(%s)", list(lead_ids)))
        where = SQL(" AND ").join(conditions)
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead target SET create_day = src.day
                  FROM (SELECT lead.id, %s AS day
                          FROM crm_lead lead
                          LEFT JOIN res_company cmp ON cmp.id = lead.company_id
                         WHERE %s) src
                 WHERE target.id = src.id AND target.create_day IS DISTINCT FROM src.day
                """,
                day,
                where,
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["create_day"])
        return count

    def _auto_init(self):
        if not sql.column_exists(self.env.cr, self._table, "create_day"):
            create_day_column(self.env.cr)
        return super()._auto_init()

    def init(self):
        result = super().init()
        # the New Leads KPI of a period (a dashboard's day, a plan's month) reads its company's leads by day
        # (salesperson and team included: the New Leads KPI reads the index alone, never the wide lead rows)
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS crm_lead_company_create_day_cover_idx
                ON crm_lead (company_id, create_day) INCLUDE (user_id, team_id)
            """
        )
        self.env.cr.execute("DROP INDEX IF EXISTS crm_lead_company_create_day_idx")
        # the duplicate guard and the lead intake compare normalized e-mails by equality (= ANY): Odoo's
        # trigram index on the column does not serve it, a lead's check would scan the table
        tools.create_index(
            self.env.cr,
            "crm_lead_email_normalized_btree_idx",
            self._table,
            ["email_normalized"],
            where="email_normalized IS NOT NULL",
        )
        return result

    def _compute_crm_idle_deadline(self):
        """One query for the whole batch (the automation rule reads it for every candidate deal)."""
        leads = self.filtered("id")
        deadlines = {}
        if leads:
            self.flush_model(["create_date", "date_conversion", "date_last_stage_update", "company_id"])
            self.env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id", "date"])
            self.env.cr.execute(
                """
                SELECT l.id,
                       GREATEST(l.create_date, l.date_conversion, l.date_last_stage_update, c.crm_idle_start,
                                (SELECT max(m.date) FROM mail_message m
                                  WHERE m.model = 'crm.lead' AND m.res_id = l.id
                                    AND m.mail_activity_type_id IS NOT NULL)),
                       COALESCE(c.crm_idle_days, 7)
                  FROM crm_lead l
                  LEFT JOIN res_company c ON c.id = l.company_id
                 WHERE l.id = ANY(%s)
                """,
                [leads.ids],
            )
            deadlines = {
                lead_id: since + timedelta(days=days)
                for lead_id, since, days in self.env.cr.fetchall()
                if since
            }
        for lead in self:
            lead.crm_idle_deadline = deadlines.get(lead.id, False)

    # -- lead intake and first contact (system=True: set by the system only, docs/security.md) ---------
    intake_source_id = fields.Many2one(
        "crm.lead.intake.source",
        readonly=True,
        system=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The web form or API source whose request created this lead.",
    )
    messenger_chat_ids = fields.One2many(
        "crm.messenger.chat", "lead_id", string="Messenger Chats", groups="sales_team.group_sale_salesman"
    )
    first_contact_deadline = fields.Datetime(
        readonly=True,
        system=True,
        copy=False,
        index="btree_not_null",
        help="When the salesperson must have contacted the client: the lead's creation plus the company's "
        "First Contact SLA in working hours.",
    )
    first_contact_date = fields.Datetime(
        string="First Contact",
        readonly=True,
        system=True,
        copy=False,
        help="First logged call, e-mail or message of a salesperson to the client of this lead.",
    )
    first_contact_hours = fields.Float(
        string="Hours to First Contact",
        readonly=True,
        system=True,
        copy=False,
        aggregator="avg",
        help="Working hours (the company's working schedule) from the lead's creation to its first contact.",
    )
    first_contact_overdue = fields.Boolean(
        compute="_compute_first_contact_overdue",
        search="_search_first_contact_overdue",
        help="Not contacted yet and the first-contact deadline has passed.",
    )

    def _compute_first_contact_overdue(self):
        now = fields.Datetime.now()
        for lead in self:
            lead.first_contact_overdue = bool(
                lead.first_contact_deadline
                and not lead.first_contact_date
                and lead.first_contact_deadline < now
            )

    def _search_first_contact_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on First Contact Overdue."))
        overdue = [
            ("first_contact_date", "=", False),
            ("first_contact_deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    # -- CRUD --------------------------------------------------------------------------------------
    def _prepare_create_values(self, vals_list):
        # the first-contact deadline is the system's own value: added after crm.system.fields.mixin checked
        # the caller's values, so that the new leads are written with it (no update per batch)
        return self._first_contact_deadline_vals(super()._prepare_create_values(vals_list))

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._first_contact_start()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if vals.get("company_id"):
            self._check_product_company()
        if vals.get("stage_id") and self.env["crm.stage"].browse(vals["stage_id"]).is_won:
            # a won deal is no longer idle nor waiting for its first contact: those to-dos have no reason left
            self._crm_close_idle_reminders(remove=True)
            self._first_contact_stop()
        if vals.get("user_id"):
            pending = self.env.cr.cache.get(DEFER_KEY)
            if pending is None:
                self._first_contact_follow_owner()
            else:
                pending.update(self.ids)
        return result

    def unlink(self):
        # a journal item of these deals' orders may also belong to another deal, which becomes the one the
        # channel report credits: recompute the attribution of those items once the deals are gone
        attribution = self.env["crm.deal.invoice.line"]
        items = attribution.sudo().search([("opportunity_id", "in", self.ids)]).move_line_id.ids
        result = super().unlink()
        attribution._refresh(line_ids=items)
        return result

    # not on company_id: Odoo recomputes a lead's company whenever its salesperson or team changes, and the
    # check would read the products of every lead assigned; write() checks a company written explicitly
    @api.constrains("product_ids")
    def _check_product_company(self):
        for lead in self.filtered("product_ids"):
            wrong = lead.product_ids.sudo().filtered(
                lambda product, lead=lead: product.company_id and product.company_id != lead.company_id
            )
            if wrong:
                raise ValidationError(
                    _(
                        "Products of interest of %(lead)s belong to another company: %(products)s",
                        lead=lead.display_name,
                        products=", ".join(wrong.mapped("display_name")),
                    )
                )

    def _duplicate_entity_id(self):
        return self.partner_id.id

    def _card_target(self):
        return "lead"

    def _lost_reason_missing(self, reason=None):
        """The leads that cannot be lost without a reason: their company requires one and they have none."""
        if reason:
            return self.browse()
        return self.filtered(
            lambda lead: (
                (lead.company_id or self.env.company).crm_lost_reason_required and not lead.lost_reason_id
            )
        )

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """The leads merged into one are not duplicates of the result (duplicate guard in block mode)."""
        with self._duplicate_merging(self.ids):
            return super()._merge_opportunity(
                user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
            )

    def _mark_lost_link_url(self):
        """Where the "Mark Lost" link of a lead e-mail leads when this lead cannot be lost without a reason:
        the lead's form with the lost-reason dialog (client action ``crm_custom.lead_mark_lost``)."""
        self.ensure_one()
        if not self._lost_reason_missing():
            return False
        return f"/odoo/action-crm_custom.lead_mark_lost?lead_id={self.id}"

    def action_set_lost(self, **additional_values):
        """Refuse to lose a deal without a reason when its company asks for one.

        The policy holds users, whatever way they call it (the dialog, a button, RPC); code that runs as
        superuser (scheduled jobs, automation written by an administrator, data loading) is trusted to
        know why it closes a deal, as Odoo's own flows do.
        """
        missing = (
            self.browse()
            if self.env.su
            else self._lost_reason_missing(additional_values.get("lost_reason_id"))
        )
        if missing:
            raise UserError(
                _(
                    "Choose a lost reason before marking these deals as lost: %(names)s\n"
                    "(The setting Lost Reason Required of CRM > Configuration > Settings asks for one; an "
                    "administrator can switch it off per company.)",
                    names=", ".join(missing.mapped("display_name")),
                )
            )
        return super().action_set_lost(**additional_values)

    # -- processes ----------------------------------------------------------------------------------

    def _crm_stage_tasks_run(self):
        """Process Stage Tasks, run by its automation rule when deals enter a stage: the stage's tasks
        once per deal (an open activity of the same task is not duplicated), and the open tasks of the
        later stages removed when a deal moves back before them."""
        Activity = self.env["mail.activity"].sudo()
        for lead in self:
            stage = lead.stage_id
            open_tasks = Activity.search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("crm_stage_task_id", "!=", False)]
            )
            later = open_tasks.filtered(
                lambda act, stage=stage: (
                    (act.crm_stage_task_id.stage_id.sequence, act.crm_stage_task_id.stage_id.id)
                    > (stage.sequence, stage.id)
                )
            )
            later.unlink()
            existing = (open_tasks - later).crm_stage_task_id
            company = lead.company_id or self.env.company
            for task in stage.crm_task_ids - existing:
                user = task._assignee_for(lead)
                # the activity type's default title and note in the assignee's language
                activity_type = task.activity_type_id.with_context(lang=(user or self.env.user)._crm_lang())
                lead.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=task.summary or activity_type.summary or "",
                    note=task.note or activity_type.default_note or "",
                    date_deadline=company._crm_add_working_days(task.delay_days),
                    user_id=user.id or self.env.uid,
                    crm_stage_task_id=task.id,
                )

    def _crm_close_idle_reminders(self, remove=False):
        """Close the open "Plan the next step" reminders of these deals: done when a next step was planned,
        removed when the deal was won."""
        reminder = self.env["crm.lead.intake"]._intake_ref("crm_custom.mail_activity_type_plan_next_step")
        if not (self and reminder):
            return
        activities = self._crm_open_activities(reminder).sudo()
        if remove:
            activities.unlink()
        elif activities:
            activities._crm_feedback(_lt("Next step planned."))

    @api.model
    def _cron_idle_digest(self):
        """Daily digest of idle deals per team leader, for the companies where the process is on: the team's
        open opportunities whose only open activities are "Plan the next step" reminders, or none, and
        whose idle reminder is due."""
        reminder = self.env.ref("crm_custom.mail_activity_type_plan_next_step")
        now = fields.Datetime.now()
        mails = self.env["mail.mail"]
        for company in self.env["res.company"].search([("crm_process_idle", "=", True)]):
            idle = self.search(
                [
                    ("company_id", "=", company.id),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", False),
                    ("team_id.user_id", "!=", False),
                    ("activity_ids", "not any", [("activity_type_id", "!=", reminder.id)]),
                ],
                order="team_id, user_id, id",
            )
            idle = idle.filtered(lambda lead: lead.crm_idle_deadline and lead.crm_idle_deadline <= now)
            for team, leads in idle.grouped("team_id").items():
                # team by team: a digest that cannot be written (logged) does not hold back the others
                try:
                    with self.env.cr.savepoint():
                        mails |= leads._crm_idle_digest_mail(team.user_id, company)
                except OperationalError:
                    raise  # concurrency: the cron runs again
                except Exception:
                    _logger.exception("Idle deals digest: team %s could not be sent its digest", team.id)
        return mails

    def _crm_idle_digest_mail(self, leader, company):
        """One e-mail to ``leader`` listing these idle deals, in the leader's language."""
        if not leader.email:
            return self.env["mail.mail"]
        self = self.with_context(lang=leader._crm_lang())  # noqa: PLW0642 - the leader reads it
        now = fields.Datetime.now()
        base_url = self[:1].get_base_url()
        rows = Markup("").join(
            Markup('<tr><td><a href="%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td></tr>')
            % (
                f"{base_url}/odoo/crm/{lead.id}",
                lead.name,
                lead.partner_id.display_name or "",
                lead.user_id.name or "",
                (now - (lead.crm_idle_deadline - timedelta(days=company.crm_idle_days))).days,
            )
            for lead in self
        )
        body = Markup(
            "<p>%s</p><table border='1' cellpadding='4'>"
            "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>%s</table>"
        ) % (
            _(
                "Opportunities of your team with no planned activity for %(days)s days or more:",
                days=company.crm_idle_days,
            ),
            _("Opportunity"),
            _("Client"),
            _("Salesperson"),
            _("Idle Days"),
            rows,
        )
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": _(
                        "Idle deals of %(team)s: %(count)s", team=self.team_id[:1].name, count=len(self)
                    ),
                    "body_html": body,
                    "email_from": company.email_formatted or self.env.user.email_formatted,
                    "recipient_ids": [Command.set(leader.partner_id.ids)],
                    "auto_delete": True,
                }
            )
        )

    def _merge_dependences(self, opportunities):
        """Merged leads: their messenger chats follow the head, which keeps the earliest first contact
        and a single First Contact activity."""
        result = super()._merge_dependences(opportunities)
        self.env["crm.messenger.chat"].sudo().search([("lead_id", "in", opportunities.ids)]).write(
            {"lead_id": self.id}
        )
        contacted = (self | opportunities).filtered("first_contact_date").sorted("first_contact_date")
        if contacted and contacted[0] != self:
            self.sudo().write(
                {
                    "first_contact_date": contacted[0].first_contact_date,
                    "first_contact_hours": contacted[0].first_contact_hours,
                }
            )
        activities = self._first_contact_activities().sorted("id")
        if self.first_contact_date:
            activities.unlink()
        elif len(activities) > 1:
            activities[1:].unlink()
        return result

    # -- e-mail intake -----------------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A lead from an unknown sender's e-mail to a sales team's alias: source E-mail, the message as its
        description (the e-mail and its attachments are in the chatter), the salesperson chosen by the
        team's assignment rules. Known senders never get here (see mail.thread ``message_route``)."""
        values = dict(custom_values or {})
        team = self.env["crm.team"].browse(values.get("team_id")).exists()
        email_source = self.env.ref("crm_custom.utm_source_email", raise_if_not_found=False)
        values.setdefault("source_id", email_source.id if email_source else False)
        values.setdefault("medium_id", self.env.ref("utm.utm_medium_email").id)
        values.setdefault("description", msg_dict.get("body") or False)
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if team.company_id and author.company_id and author.company_id != team.company_id:
            # another company's contact writing to this company's team: the lead stays unlinked (a team
            # shared by all companies keeps Odoo's behaviour: the lead takes the contact and its company)
            values.setdefault("partner_id", False)
        # the lead's company: the team's, else (a team shared by all companies) the contact's, as in Odoo
        company = team.company_id or author.company_id or self.env.company
        if team and not values.get("user_id"):
            probe = self.new(
                {
                    "name": msg_dict.get("subject") or "",
                    "email_from": msg_dict.get("email_from"),
                    "team_id": team.id,
                    "type": values.get("type") or "lead",
                    "company_id": company.id,
                }
            )
            user = team._crm_intake_assignee(probe)
            if user:
                values["user_id"] = user.id
                if not team.company_id:
                    # Odoo would take the salesperson's current company, not the contact's
                    values.setdefault("company_id", company.id)
        return super().message_new(msg_dict, custom_values=values)

    # -- first contact -----------------------------------------------------------------------------
    @api.model
    def _first_contact_deadline_vals(self, vals_list):
        """The first-contact deadline of the new leads whose company is given and has the First Contact
        SLA on, in their creation values (one computation per company; the others get it right after
        creation)."""
        now = fields.Datetime.now()
        deadlines, result = {}, []
        for vals in vals_list:
            company_id = vals.get("company_id")
            if company_id and vals.get("active", True) and not vals.get("first_contact_deadline"):
                if company_id not in deadlines:
                    company = self.env["res.company"].browse(company_id)
                    deadlines[company_id] = company.crm_first_contact and company._crm_first_contact_deadline(
                        now
                    )
                if deadlines[company_id]:
                    vals = dict(vals, first_contact_deadline=deadlines[company_id])
            result.append(vals)
        return result

    def _first_contact_start(self):
        """New leads of the companies with the First Contact SLA on: the first-contact deadline from the
        company's SLA (leads created won or archived have none), and a First Contact activity for the
        salesperson. One deadline computation per company and one activity creation per batch."""
        won = self.filtered(lambda lead: lead.first_contact_deadline and lead.stage_id.is_won)
        if won:
            won.sudo().write({"first_contact_deadline": False})
        missing = self.filtered(
            lambda lead: lead.active and not lead.first_contact_deadline and not lead.stage_id.is_won
        )
        by_company = defaultdict(lambda: self.browse())
        for lead in missing:
            by_company[lead.company_id or self.env.company] |= lead
        now = fields.Datetime.now()
        for company, company_leads in by_company.items():
            if company.crm_first_contact:
                deadline = company._crm_first_contact_deadline(now)
                company_leads.sudo().write({"first_contact_deadline": deadline})
        self._first_contact_schedule()

    def _first_contact_stop(self):
        """Won deals not contacted yet: no longer waiting for a first contact (as a lead created won), their
        open First Contact activity removed (not done: no contact was recorded)."""
        waiting = self.filtered(lambda lead: lead.first_contact_deadline and not lead.first_contact_date)
        if waiting:
            waiting._first_contact_activities().unlink()
            waiting.sudo().write({"first_contact_deadline": False})

    def _first_contact_schedule(self):
        """A First Contact activity for the salesperson of each lead still waiting for it (none when the
        lead has no salesperson yet: it comes with the assignment)."""
        if self.env.context.get("mail_activity_automation_skip"):  # honoured as by activity_schedule()
            return
        activity_type = self.env["crm.lead.intake"]._intake_ref("crm_custom.mail_activity_type_first_contact")
        waiting = self.filtered(
            lambda lead: (
                lead.user_id and lead.first_contact_deadline and not lead.first_contact_date and lead.active
            )
        )
        if not (activity_type and waiting):
            return
        won = waiting.filtered(lambda lead: lead.stage_id.is_won)
        waiting -= won
        if not waiting:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        texts = {}  # the activity type's summary and note in each salesperson's language
        for lead in waiting:
            user = lead.user_id
            deadline = fields.Datetime.context_timestamp(
                lead.with_context(tz=user.tz or "UTC"), lead.first_contact_deadline
            )
            lang = user._crm_lang()
            if lang not in texts:
                localised = activity_type.with_context(lang=lang)
                texts[lang] = (localised.summary, localised.default_note)
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": texts[lang][0],
                    "note": texts[lang][1],
                    "automated": True,
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "user_id": user.id,
                    "date_deadline": deadline.date(),
                }
            )
        # one creation for the batch; no assignment e-mail per lead: the to-do is in the user's activities
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _first_contact_activities(self):
        """The open First Contact activities of these leads (sudo)."""
        activity_type = self.env["crm.lead.intake"]._intake_ref("crm_custom.mail_activity_type_first_contact")
        if not activity_type:
            return self.env["mail.activity"]
        return self._crm_open_activities(activity_type).sudo()

    def _handle_salesmen_assignment(self, user_ids=False, team_id=False):
        """Round-robin assignment writes one subset per salesperson: one activity creation for all."""
        with self._first_contact_deferred():
            return super()._handle_salesmen_assignment(user_ids=user_ids, team_id=team_id)

    @api.model
    @contextmanager
    def _first_contact_deferred(self):
        """Within this block, leads whose salesperson changes get their First Contact activity at the end,
        in one batch: Odoo's assignment and conversion flows write the salesperson lead by lead. The
        pending leads are kept on the transaction (not in the context, whose change would cost the flows
        their prefetching)."""
        if self.env.cr.cache.get(DEFER_KEY) is not None:  # an outer block schedules them
            yield
            return
        pending = self.env.cr.cache[DEFER_KEY] = set()
        try:
            yield
        finally:
            del self.env.cr.cache[DEFER_KEY]
        self.browse(sorted(pending)).exists()._first_contact_follow_owner()

    def _first_contact_follow_owner(self):
        """A new salesperson: the open First Contact activity follows the lead, or is scheduled now."""
        waiting = self.filtered(lambda lead: lead.first_contact_deadline and not lead.first_contact_date)
        if not waiting:
            return
        activities = waiting._first_contact_activities()
        by_user = defaultdict(lambda: self.env["mail.activity"])
        for activity in activities:
            owner = waiting.browse(activity.res_id).user_id
            if owner and activity.user_id != owner:
                by_user[owner] |= activity
        defaults = None  # the activity type's title in every language, read when a title must change
        for user, user_activities in by_user.items():
            user_activities = user_activities.with_context(mail_activity_quick_update=True)
            localised = user_activities.activity_type_id[:1].with_context(lang=user._crm_lang())
            retitled = user_activities.filtered(
                lambda activity, title=localised.summary: activity.summary != title
            )
            if retitled:
                # the default title and note follow the new salesperson's language (an edited title stays)
                if defaults is None:
                    langs = [code for code, _name in self.env["res.lang"].get_installed()]
                    defaults = {localised.with_context(lang=lang).summary for lang in langs}
                retitled = retitled.filtered(lambda activity, known=defaults: activity.summary in known)
                retitled.write(
                    {"user_id": user.id, "summary": localised.summary, "note": localised.default_note}
                )
            (user_activities - retitled).write({"user_id": user.id})
        waiting.browse(set(waiting.ids) - set(activities.mapped("res_id")))._first_contact_schedule()

    def _first_contact_register(self, contact_date=None, feedback=None, close_activity=True):
        """Record the first contact of the leads not contacted yet (``contact_date``, naive UTC, default
        now) with its working hours since creation, and mark their First Contact activity done (with
        ``feedback``, a lazy translation written in the activity user's language).
        The hook every channel calls: messages and calls logged on the lead, crm_telephony's calls."""
        when = contact_date or fields.Datetime.now()
        leads = self.sudo().filtered(lambda lead: lead.first_contact_deadline and not lead.first_contact_date)
        if not leads:
            return
        for lead in leads:
            start = lead.create_date or when
            company = lead.company_id or self.env.company
            lead.write(
                {
                    "first_contact_date": max(when, start),
                    "first_contact_hours": company._crm_work_hours_between(start, max(when, start)),
                }
            )
        activities = leads._first_contact_activities() if close_activity else None
        if activities:
            activities._crm_feedback(feedback or _lt("First contact made."))

    def _first_contact_message_counts(self, message):
        """A message counts as the first contact when an internal user (not OdooBot) sends it to the
        client (not an internal note), or logs a call or the First Contact activity as done."""
        author = message.author_id
        if not author or author.id == self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root"):
            return False
        if not author.sudo().user_ids.filtered(lambda user: not user.share):
            return False
        activity_type = message.mail_activity_type_id
        if activity_type:
            first_contact = self.env["crm.lead.intake"]._intake_ref(
                "crm_custom.mail_activity_type_first_contact"
            )
            return activity_type.category == "phonecall" or activity_type == first_contact
        return message.message_type in ("comment", "email") and not message.subtype_id.internal

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if self.first_contact_deadline and not self.first_contact_date:
            if self._first_contact_message_counts(message):
                first_contact = self.env["crm.lead.intake"]._intake_ref(
                    "crm_custom.mail_activity_type_first_contact"
                )
                # the First Contact activity being marked done posted this message: it closes itself
                self._first_contact_register(
                    message.date or fields.Datetime.now(),
                    close_activity=message.mail_activity_type_id != first_contact,
                )
        return result
