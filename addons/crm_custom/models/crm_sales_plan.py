# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from dateutil.relativedelta import relativedelta
from psycopg2 import OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

_logger = logging.getLogger(__name__)

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class CrmSalesPlan(models.Model):
    _name = "crm.sales.plan"
    _description = "Sales Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.system.fields.mixin"]
    _order = "date_from desc, team_id"
    _check_company_auto = True

    # the team's name and the period, in the reader's language
    name = fields.Char(compute="_compute_name", search="_search_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, check_company=True, index=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Period",
        required=True,
        default="month",
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="First day of the plan period; always the first day of a month.",
    )
    date_to = fields.Date(string="To", compute="_compute_date_to", store=True, help="Last day of the period.")
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        system=True,  # moved by the Open / Close / Reopen buttons only: closing freezes what is paid
    )
    line_ids = fields.One2many("crm.sales.plan.line", "plan_id", string="Lines", copy=True)
    statement_ids = fields.One2many("crm.motivation.statement", "plan_id", string="Motivation Statements")
    statement_count = fields.Integer(compute="_compute_statement_count")
    closed_date = fields.Datetime(string="Closed On", readonly=True, system=True, copy=False)
    likely_unrealistic = fields.Boolean(
        readonly=True,
        system=True,
        copy=False,
        tracking=True,
        help="Set by the realism rule: in each of the last consecutive months of the company setting, more "
        "than the set share of the team's members missed their revenue plan.",
    )
    # who needs coaching is for the team's leader and the sales managers: kept in its own model, whose record
    # rules hide it from the plan's salespeople (in reading and in searching)
    coaching_ids = fields.One2many(
        "crm.sales.plan.coaching",
        "plan_id",
        string="Coaching Needs",
        readonly=True,
        groups="sales_team.group_sale_manager",
    )
    coaching_user_ids = fields.Many2many(
        "res.users",
        string="Needs Coaching",
        compute="_compute_coaching_user_ids",
        search="_search_coaching_user_ids",
        help="Salespeople who missed their revenue plan in each of the last consecutive months of the "
        "company setting while most of their team did not (shown to the team's leader and to sales "
        "managers).",
    )

    _sql_constraints = [
        (
            "period_unique",
            "unique(company_id, team_id, period_type, date_from)",
            "This team already has a plan for this period.",
        ),
    ]

    @api.depends("team_id.name", "period_type", "date_from")
    @api.depends_context("lang")
    def _compute_name(self):
        for plan in self:
            plan.name = f"{plan.team_id.name or ''} {plan._period_label()}".strip()

    @api.depends("name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        return super()._compute_display_name()

    def _search_name(self, operator, value):
        # the name exists in each reader's language only: compared on the (few) plans the user sees
        plans = self.search([])
        return [("id", "in", plans.filtered_domain([("name", operator, value)]).ids)]

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for plan in self:
            months = PERIOD_MONTHS.get(plan.period_type, 1)
            plan.date_to = plan.date_from and plan.date_from + relativedelta(months=months, days=-1)

    @api.depends("coaching_ids.user_id")
    @api.depends_context("uid")
    def _compute_coaching_user_ids(self):
        # searched, not read from coaching_ids: the search applies the reader's record rules
        Coaching = self.env["crm.sales.plan.coaching"]
        plans = self.filtered("id")
        lines = (
            Coaching.search([("plan_id", "in", plans.ids)])
            if plans and Coaching.has_access("read")
            else Coaching
        )
        for plan in self:
            plan.coaching_user_ids = lines.filtered(lambda line, plan=plan: line.plan_id == plan).user_id

    def _search_coaching_user_ids(self, operator, value):
        # through the coaching model, whose record rules apply to the search as well
        return [("coaching_ids.user_id", operator, value)]

    def _compute_statement_count(self):
        groups = self.env["crm.motivation.statement"]._read_group(
            [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
        )
        counts = {plan.id: count for plan, count in groups}
        for plan in self:
            plan.statement_count = counts.get(plan.id, 0)

    def _period_label(self):
        if not self.date_from:
            return ""
        if self.period_type == "year":
            return str(self.date_from.year)
        if self.period_type == "quarter":
            return self.env._(
                "%(year)s Q%(quarter)s", year=self.date_from.year, quarter=(self.date_from.month - 1) // 3 + 1
            )
        return self.date_from.strftime("%Y-%m")

    @api.constrains("date_from", "period_type")
    def _check_date_from(self):
        for plan in self:
            if plan.date_from.day != 1:
                raise ValidationError(_("A plan period starts on the first day of a month."))

    def write(self, vals):
        frozen = {"team_id", "company_id", "period_type", "date_from"}
        if frozen & set(vals) and any(plan.state == "closed" for plan in self):
            raise UserError(_("A closed plan keeps its team and period; reopen it first."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        if any(plan.state == "closed" for plan in self):
            raise UserError(_("A closed plan cannot be deleted: its statements may have been paid."))

    # ------------------------------------------------------------------ actions

    def action_open(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(_("Only a draft plan can be opened."))
        self._system_write({"state": "open"})
        self.line_ids._refresh_actuals()
        self._check_realism()
        return True

    def action_refresh_actuals(self):
        self.check_access("write")  # the refresh writes through SQL: check the user may edit the plan
        self.filtered(lambda plan: plan.state != "closed").line_ids._refresh_actuals()
        return True

    def action_close(self):
        """Freeze the actuals (the snapshot paid commission is based on) and issue the statements."""
        if any(plan.state != "open" for plan in self):
            raise UserError(_("Only an open plan can be closed."))
        self.line_ids._refresh_actuals()
        for line in self.line_ids:
            line._system_write({"closed_actual": line.actual})
        self._system_write({"state": "closed", "closed_date": fields.Datetime.now()})
        self.env["crm.motivation.statement"]._generate(self)
        self._next_plans()._check_realism()
        return True

    def action_reopen(self):
        if any(plan.state != "closed" for plan in self):
            raise UserError(_("Only a closed plan can be reopened."))
        self.statement_ids.unlink()
        self._system_write({"state": "open", "closed_date": False})
        self.line_ids._system_write({"closed_actual": 0.0})
        self.line_ids._refresh_actuals()
        return True

    def action_copy_next_period(self):
        """Copy the plan with its targets to the period right after it."""
        self.ensure_one()
        months = PERIOD_MONTHS[self.period_type]
        new = self.copy({"date_from": self.date_from + relativedelta(months=months)})
        new._check_realism()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }

    def action_set_team_targets_from_members(self):
        for line in self.line_ids.filtered(lambda line: not line.user_id and not line.kpi_id.is_ratio):
            line.target = line.members_target
        return True

    def action_view_statements(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_custom.crm_motivation_statement_action")
        action["domain"] = [("plan_id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------ realism rule

    def _next_plans(self):
        domain = []
        for plan in self:
            next_from = plan.date_from + relativedelta(months=PERIOD_MONTHS[plan.period_type])
            domain = (["|"] if domain else []) + domain
            domain += [
                "&",
                "&",
                ("team_id", "=", plan.team_id.id),
                ("period_type", "=", plan.period_type),
                ("date_from", "=", next_from),
            ]
        return self.search(domain) if domain else self.browse()

    def _previous_monthly_plans(self, months):
        starts = [self.date_from - relativedelta(months=n) for n in range(1, months + 1)]
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("team_id", "=", self.team_id.id),
                ("period_type", "=", "month"),
                ("date_from", "in", starts),
                ("state", "!=", "draft"),
            ]
        )

    def _check_realism(self):
        """Flag a monthly plan after N months where most members missed; else list who needs coaching."""
        revenue = self.env.ref("crm_custom.kpi_revenue")
        for plan in self.filtered(lambda p: p.period_type == "month" and p.state != "closed"):
            company = plan.company_id
            months = max(company.crm_plan_unrealistic_months, 1)
            previous = plan._previous_monthly_plans(months)
            if len(previous) < months:
                plan._system_write({"likely_unrealistic": False})
                plan._set_coaching(self.env["res.users"])
                continue
            missed_every_month = None
            most_missed_every_month = True
            for month in previous:
                member_lines = month.line_ids.filtered(lambda line: line.user_id and line.kpi_id == revenue)
                missed = member_lines.filtered(lambda line: line._missed()).user_id
                share = 100.0 * len(missed) / len(member_lines) if member_lines else 0.0
                if float_compare(share, company.crm_plan_unrealistic_share, precision_digits=4) <= 0:
                    most_missed_every_month = False
                missed_every_month = missed if missed_every_month is None else missed_every_month & missed
            was_flagged = plan.likely_unrealistic
            plan._system_write({"likely_unrealistic": most_missed_every_month})
            plan._set_coaching(self.env["res.users"] if most_missed_every_month else missed_every_month)
            if most_missed_every_month and not was_flagged:
                plan._notify_unrealistic(months)

    def _set_coaching(self, users):
        """The plan's coaching list becomes ``users`` (written by the realism rule only)."""
        self.ensure_one()
        self.check_access("write")
        lines = self.sudo().coaching_ids
        gone = lines.filtered(lambda line: line.user_id not in users)
        kept = (lines - gone).user_id
        gone.unlink()
        lines.create([{"plan_id": self.id, "user_id": user.id} for user in users - kept])

    def _notify_unrealistic(self, months):
        """A note on the plan and a to-do for its team leader (else its author), in the leader's language."""
        manager = self.team_id.user_id or self.create_uid
        plan = self.with_context(lang=manager._crm_lang())
        note = plan.env._(
            "In each of the last %(months)s months more than %(share)s%% of the team's members missed their "
            "revenue plan: this plan is likely unrealistic.",
            months=months,
            share=self.company_id.crm_plan_unrealistic_share,
        )
        plan.message_post(body=note)
        plan.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=plan.env._("Review a likely unrealistic sales plan"),
            note=note,
            user_id=manager.id,
        )

    @api.model
    def _cron_refresh_and_check(self):
        """Daily: refresh the actuals of open plans and run the realism rule on the plans of today.

        Company by company, each in its own savepoint: a company whose plans cannot be refreshed (logged)
        does not hold back the others' figures."""
        today = fields.Date.context_today(self)
        current = self.search(
            [("state", "!=", "closed"), ("date_from", "<=", today), ("date_to", ">=", today)]
        )
        open_by_company = self.search([("state", "=", "open")]).grouped("company_id")
        current_by_company = current.grouped("company_id")
        for company in set(open_by_company) | set(current_by_company):
            try:
                with self.env.cr.savepoint():
                    open_by_company.get(company, self.browse()).line_ids._refresh_actuals()
                    current_by_company.get(company, self.browse())._check_realism()
            except OperationalError:
                raise  # concurrency: the cron runs again
            except Exception:
                _logger.exception("Sales plans: the figures of company %s could not be refreshed", company.id)

    # ------------------------------------------------------------------ demo

    @api.model
    def _create_demo_history(self, team_xmlid, user_xmlids, customer_xmlids, months=12):
        """Demo: posted invoices and closed monthly plans for the last ``months`` months and this one."""
        team = self.env.ref(team_xmlid, raise_if_not_found=False)
        users = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in user_xmlids]
        customers = [self.env.ref(xmlid, raise_if_not_found=False) for xmlid in customer_xmlids]
        users, customers = [u for u in users if u], [c for c in customers if c]
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", team.company_id.id or self.env.company.id)], limit=1
        )
        if not (team and users and customers and journal):
            return False
        kpis = [self.env.ref("crm_custom.kpi_revenue"), self.env.ref("crm_custom.kpi_leads_new")]
        this_month = fields.Date.context_today(self).replace(day=1)
        for age in range(months, -1, -1):
            start = this_month - relativedelta(months=age)
            if self.search_count([("team_id", "=", team.id), ("date_from", "=", start)]):
                continue
            invoices = self.env["account.move"]
            for index, user in enumerate(users):
                # deterministic, varied amounts: some months hit the plan, some do not
                amount = 6000.0 + 1500.0 * ((age * 3 + index * 2) % 5)
                invoices |= invoices.create(
                    {
                        "move_type": "out_invoice",
                        "journal_id": journal.id,
                        "partner_id": customers[(age + index) % len(customers)].id,
                        "invoice_date": start + relativedelta(days=9),
                        "invoice_user_id": user.id,
                        "team_id": team.id,
                        "invoice_line_ids": [
                            (0, 0, {"name": "Service", "quantity": 1, "price_unit": amount})
                        ],
                    }
                )
            if start + relativedelta(days=9) <= fields.Date.context_today(self):
                invoices.action_post()
            plan = self.create(
                {
                    "team_id": team.id,
                    "company_id": team.company_id.id or self.env.company.id,
                    "date_from": start,
                    "line_ids": [
                        (0, 0, {"user_id": user.id, "kpi_id": kpi.id, "target": target})
                        for user in users
                        for kpi, target in zip(kpis, (9000.0, 3.0), strict=True)
                    ]
                    + [(0, 0, {"kpi_id": kpis[0].id, "target": 9000.0 * len(users)})],
                }
            )
            plan.action_open()
            if age:
                plan.action_close()
        return True
