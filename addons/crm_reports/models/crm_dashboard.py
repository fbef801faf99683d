# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..report.crm_report_activity import MEASURES

PERIODS = ("today", "week", "month", "quarter")
# the plan shown for a period: the first open plan of these period types that contains today
PLAN_TYPES = {"quarter": ("quarter", "month", "year")}
PLAN_TYPES_DEFAULT = ("month", "quarter", "year")
# overdue invoices by days overdue: (label key, first day, last day or None)
AGING = (("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))
# Odoo's "Overdue" filter of the invoices (account.move search view): what the receivables tiles count
OVERDUE_STATES = ("not_paid", "partial")
TOP = 10
# the activity report's measures shown as the salesperson's figures of the period, and as calls
PERIOD_FIGURES = ("calls_in", "calls_out", "calls_missed", "meetings", "deals_won", "revenue")
CALL_FIGURES = ("calls_in", "calls_out", "calls_missed")
MANAGER_GROUP = "sales_team.group_sale_manager"
SALESMAN_GROUP = "sales_team.group_sale_salesman"


class CrmDashboard(models.AbstractModel):
    """The role dashboards of CRM → Dashboard: ONE call returns every tile of a dashboard.

    Every tile and chart element is an *item*: its figures, and the action that opens the records behind
    it (``res_model`` + ``domain``). ``measures`` says how each figure is the count or the aggregate of
    those records (``__count`` or ``<field>:<aggregator>``): the number on the tile is what opens. The
    figures come from the report models (``crm.report.activity`` for the KPIs of the plans and the calls,
    which sums the KPI registry's own aggregates; ``crm.report.sales``; ``crm.report.funnel``), from the
    card-quality snapshot and from the records themselves (activities, deals, invoices, contacts), read
    with the rights of the user who calls: nothing here defines a figure of its own. Days are calendar
    days in the company's reporting timezone.

    The parameters of the public methods come from the browser (``/web/dataset/call_kw``): they are checked
    here, never trusted. A salesperson sees their own dashboard only; a sales manager any salesperson's
    of the current company, a team's, or the whole company's.
    """

    _name = "crm.dashboard"
    _description = "CRM Dashboards"

    def init(self):
        # what the tiles filter on, where Odoo has no index for it (docs/benchmarks.md)
        cr = self.env.cr
        tools.create_index(
            cr,
            "account_move_crm_overdue_idx",
            "account_move",
            ["company_id", "invoice_date_due"],
            where="move_type = 'out_invoice' AND state = 'posted' "
            "AND payment_state IN ('not_paid', 'partial')",
        )
        tools.create_index(cr, "crm_lead_stage_reach_cohort_idx", "crm_lead_stage_reach", ["cohort_on"])
        tools.create_index(
            cr,
            "crm_card_quality_line_crm_dashboard_idx",
            "crm_card_quality_line",
            ["date", "company_id", "user_id", "passed", "weight"],
        )

    # ------------------------------------------------------------------ public API (RPC)

    @api.model
    def get_dashboard(self, user_id=None, team_id=None, period="month"):
        """The dashboard the web client opens: a sales manager gets the department's (or a team's, or a
        salesperson's when ``user_id`` is given), anybody else their own."""
        if self._is_manager() and not user_id:
            return self.get_manager_dashboard(team_id=team_id, period=period)
        if team_id:
            self._check_access_dashboard(manager=True)
        return self.get_salesperson_dashboard(user_id=user_id, period=period)

    @api.model
    def get_salesperson_dashboard(self, user_id=None, period="month"):
        """The salesperson's day: activities, plan, pipeline, call backs, birthdays, top products, rank,
        overdue invoices, deals without a next step."""
        self._check_access_dashboard()
        period = self._check_period(period)
        user = self._check_user(user_id)
        self._tune()
        company = self.env.company
        ctx = self._context_of(company, period)
        ctx["scope"] = [("user_id", "=", user.id)]
        plan_lines = self._plan_lines(company, period, ctx["today"], users=user)
        team_lines = self._team_lines(plan_lines)
        activity = self._activity_rows(
            company, ctx, team_lines, users=team_lines.user_id | user, measures=PERIOD_FIGURES
        )
        plan = self._plan_items(plan_lines, activity, ctx)
        return {
            **self._header(ctx, "salesperson"),
            "subject": {"user_id": user.id, "team_id": False, "name": user.name},
            "activities": self._activity_tiles(user, ctx),
            "plan": plan,
            "rank": self._rank(user, team_lines, activity, ctx),
            "funnel": self._pipeline(user, ctx),
            "birthdays": self._birthdays(user, ctx),
            "products": self._top_products(ctx),
            "period_activity": self._period_activity(activity, ctx, user=user),
            "receivables": self._receivables(ctx, invoice_scope=[("invoice_user_id", "=", user.id)]),
            "idle_deals": self._idle_deals(ctx),
        }

    @api.model
    def get_manager_dashboard(self, team_id=None, period="month"):
        """The head of sales' department (one team, or every team of the company): plan vs fact per
        salesperson, funnel with conversion, ranking, calls today and this week, top products, overdue
        receivables, card quality, deals without a next activity."""
        self._check_access_dashboard(manager=True)
        period = self._check_period(period)
        team = self._check_team(team_id)
        self._tune()
        company = self.env.company
        ctx = self._context_of(company, period)
        ctx["scope"] = [("team_id", "=", team.id)] if team else []
        ctx["team"] = team
        plan_lines = self._plan_lines(company, period, ctx["today"], team=team)
        users = plan_lines.user_id
        activity = self._activity_rows(
            company, ctx, plan_lines, users=users, measures=CALL_FIGURES + ("revenue",), calls=True
        )
        plan = self._plan_items(plan_lines, activity, ctx)
        return {
            **self._header(ctx, "manager"),
            "subject": {
                "user_id": False,
                "team_id": team.id,
                "name": team.name if team else company.name,
            },
            "plan": plan,
            "ranking": self._ranking(plan_lines, activity, ctx),
            "funnel": self._funnel(ctx),
            "calls": self._calls(activity, ctx),
            "products": self._top_products(ctx),
            "receivables": self._receivables(ctx, invoice_scope=ctx["scope"]),
            "card_quality": self._card_quality(ctx),
            "idle_deals": self._idle_deals(ctx),
        }

    # ------------------------------------------------------------------ parameters (user input)

    def _tune(self):
        # JIT compilation and the default 4 MB of sort memory cost more than they save on these one-pass
        # aggregates (as for the report models); both reset when the transaction ends
        self.env.cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")

    def _is_manager(self):
        return self.env.user.has_group(MANAGER_GROUP)

    def _check_access_dashboard(self, manager=False):
        if not self.env.user.has_group(SALESMAN_GROUP):
            raise AccessError(_("The CRM dashboard is for the users of the CRM."))
        if manager and not self._is_manager():
            raise AccessError(_("Only sales managers see the dashboard of a team or of the department."))

    @api.model
    def _check_period(self, period):
        if period not in PERIODS:
            raise UserError(
                _("Unknown period %(period)r: choose today, week, month or quarter.", period=period)
            )
        return period

    @api.model
    def _check_id(self, value, what):
        if value in (None, False):
            return False
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise UserError(_("Invalid %(what)s: %(value)r.", what=what, value=value))
        return value

    @api.model
    def _check_user(self, user_id):
        """The salesperson whose dashboard is asked: the user, or (sales managers only) a salesperson of the
        current company."""
        user_id = self._check_id(user_id, _("salesperson"))
        if not user_id or user_id == self.env.uid:
            return self.env.user
        if not self._is_manager():
            raise AccessError(_("You can only open your own dashboard."))
        user = (
            self.env["res.users"]
            .sudo()
            .search(self._salespeople_domain(self.env.company) + [("id", "=", user_id)])
        )
        if not user:
            raise UserError(
                _("This user is not a salesperson of %(company)s.", company=self.env.company.name)
            )
        return user.sudo(False)

    @api.model
    def _check_team(self, team_id):
        team_id = self._check_id(team_id, _("sales team"))
        if not team_id:
            return self.env["crm.team"]
        team = self.env["crm.team"].search(self._teams_domain(self.env.company) + [("id", "=", team_id)])
        if not team:
            raise UserError(_("This sales team is not one of %(company)s.", company=self.env.company.name))
        return team

    @api.model
    def _salespeople_domain(self, company):
        return [
            ("share", "=", False),
            ("company_ids", "in", company.ids),
            ("groups_id", "in", self.env.ref(SALESMAN_GROUP).ids),
        ]

    @api.model
    def _teams_domain(self, company):
        return [("company_id", "in", [company.id, False])]

    # ------------------------------------------------------------------ periods and common pieces

    @api.model
    def _period_bounds(self, period, today):
        """First and last day of ``period`` around ``today``: the calendar week of the user's language (its
        first day of the week), month, quarter."""
        if period == "today":
            return today, today
        if period == "week":
            lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
            first_weekday = int(lang.week_start or 1) - 1  # Monday = 0, as date.weekday()
            start = today - timedelta(days=(today.weekday() - first_weekday) % 7)
            return start, start + timedelta(days=6)
        if period == "month":
            start = today.replace(day=1)
            return start, start + relativedelta(months=1, days=-1)
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return start, start + relativedelta(months=3, days=-1)

    @api.model
    def _context_of(self, company, period):
        today = company._crm_today()
        date_from, date_to = self._period_bounds(period, today)
        return {
            "company": company,
            "today": today,
            "period": period,
            "date_from": date_from,
            "date_to": date_to,
        }

    @api.model
    def _header(self, ctx, variant):
        company = ctx["company"]
        manager = self._is_manager()
        return {
            "variant": variant,
            "is_manager": manager,
            "choices": self._choices(company) if manager else False,
            "period": ctx["period"],
            "date_from": fields.Date.to_string(ctx["date_from"]),
            "date_to": fields.Date.to_string(ctx["date_to"]),
            "today": fields.Date.to_string(ctx["today"]),
            "company": {"id": company.id, "name": company.name},
            "currency_id": company.currency_id.id,
        }

    @api.model
    def _choices(self, company):
        """Whom a sales manager may switch to: the salespeople and the teams of the current company."""
        users = self.env["res.users"].sudo().search(self._salespeople_domain(company), order="name")
        teams = self.env["crm.team"].search(self._teams_domain(company), order="sequence, name")
        return {
            "users": [{"id": user.id, "name": user.name} for user in users],
            "teams": [{"id": team.id, "name": team.name} for team in teams],
        }

    @api.model
    def _item(self, model, domain, measures, views=None, name=None, context=None, **figures):
        """A tile or chart element: its ``figures`` and the records behind them (``measures`` maps each figure
        to ``__count`` or ``<field>:<aggregator>`` of the records of ``domain``)."""
        return {
            **figures,
            "measures": measures,
            "action": {
                "name": name or self.env[model]._description,
                "res_model": model,
                "domain": domain,
                "views": views or [[False, "list"], [False, "form"]],
                "context": context or {},
            },
        }

    def _company_domain(self, ctx, date_field=None, date_from=None, date_to=None):
        domain = [("company_id", "=", ctx["company"].id)]
        if date_field:
            domain += [
                (date_field, ">=", fields.Date.to_string(date_from or ctx["date_from"])),
                (date_field, "<=", fields.Date.to_string(date_to or ctx["date_to"])),
            ]
        return domain

    @staticmethod
    def _money(value):
        return round(value or 0.0, 2)

    # ------------------------------------------------------------------ activities, call backs

    def _activity_tiles(self, user, ctx):
        """The user's activities due today and overdue (today in the company's timezone), and the call backs
        of missed calls still to do."""
        Activity = self.env["mail.activity"]
        today = fields.Date.to_string(ctx["today"])
        views = [[self.env.ref("mail.mail_activity_view_tree_open_target").id, "list"], [False, "form"]]
        tiles = {}
        domains = {
            "today": [("user_id", "=", user.id), ("date_deadline", "=", today)],
            "overdue": [("user_id", "=", user.id), ("date_deadline", "<", today)],
        }
        callback = self.env.ref("crm_telephony.mail_activity_type_call_back", raise_if_not_found=False)
        if callback:
            domains["callbacks"] = [("user_id", "=", user.id), ("activity_type_id", "=", callback.id)]
        names = {
            "today": _("Activities Today"),
            "overdue": _("Overdue Activities"),
            "callbacks": _("Call Backs"),
        }
        for key, domain in domains.items():
            tiles[key] = self._item(
                "mail.activity",
                domain,
                {"value": "__count"},
                views=views,
                name=names[key],
                value=Activity.search_count(domain),
            )
        return tiles

    # ------------------------------------------------------------------ plans (KPIs, by the activity report)

    def _plan_lines(self, company, period, today, users=None, team=None):
        """The salespeople's lines of the open plans that contain today, of the period type the period asks
        for (a month's plan for today, the week and the month; a quarter's for the quarter; else whatever open
        plan contains today): of ``users``, or of the plans of ``team`` (every team when empty)."""
        Line = self.env["crm.sales.plan.line"]
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "open"),
            ("date_from", "<=", today),
            ("date_to", ">=", today),
            ("user_id", "!=", False),
        ]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        if team:
            domain.append(("team_id", "=", team.id))
        lines = Line.search(domain)
        for period_type in PLAN_TYPES.get(period, PLAN_TYPES_DEFAULT):
            chosen = lines.filtered(lambda line, t=period_type: line.plan_id.period_type == t)
            if chosen:
                # one plan per team: the latest one starting
                plans = chosen.plan_id.sorted(lambda plan: (plan.team_id.id, plan.date_from), reverse=True)
                seen, keep = set(), self.env["crm.sales.plan"]
                for plan in plans:
                    if plan.team_id.id not in seen:
                        seen.add(plan.team_id.id)
                        keep |= plan
                return chosen.filtered(lambda line, keep=keep: line.plan_id in keep)
        return Line

    def _team_lines(self, lines):
        """The salespeople's lines of the plans of ``lines`` (the salesperson's teammates, for the rank):
        read as superuser, only the rank is shown."""
        if not lines:
            return lines
        return (
            self.env["crm.sales.plan.line"]
            .sudo()
            .search([("plan_id", "in", lines.plan_id.ids), ("user_id", "!=", False)])
        )

    def _activity_rows(self, company, ctx, plan_lines, users, measures, calls=False):
        """One read of the department activity report (the KPI registry's aggregates) for everything the
        dashboard shows from it: ``{(user_id, team_id, day): {measure: value}}`` over the plans' periods and
        the period (the salesperson's), or today and the week (``calls``: the manager's). As superuser for
        the teammates of a salesperson (only the rank is shown of them); the figures shown are each the
        report's sum for the domain the item opens."""
        # the salesperson's figures of the period; the manager's calls are today's and the week's
        starts, ends = ([], []) if calls else ([ctx["date_from"]], [ctx["date_to"]])
        if plan_lines:
            starts.append(min(plan_lines.mapped("date_from")))
            ends.append(max(plan_lines.mapped("date_to")))
        if calls:
            week_from, week_to = self._period_bounds("week", ctx["today"])
            ctx["week"] = (week_from, week_to)
            starts.append(week_from)
            ends.append(week_to)
        domain = self._company_domain(ctx, "date", min(starts), max(ends))
        scope = list(ctx["scope"])
        if users and not calls:
            scope = [("user_id", "in", users.ids)]
        elif users and scope:
            scope = ["|", ("user_id", "in", users.ids), *scope]
        # only the KPIs shown: those of the plans and ``measures``
        measures = [
            name
            for name in MEASURES
            if name in measures or name in {self._kpi_measure(kpi)[0] for kpi in plan_lines.kpi_id}
        ]
        Report = self.env["crm.report.activity"].with_context(
            allowed_company_ids=company.ids, crm_report_measures=measures
        )
        if not calls:
            Report = Report.sudo()
        rows = {}
        groups = Report._read_group(
            domain + scope, ["user_id", "team_id", "date:day"], [f"{name}:sum" for name in measures]
        )
        for user, team, day, *values in groups:
            rows[(user.id, team.id, day)] = dict(zip(measures, values, strict=True))
        return rows

    @staticmethod
    def _sum_rows(rows, measure, date_from, date_to, user_id=None, team_id=None):
        return sum(
            values.get(measure) or 0
            for (user, team, day), values in rows.items()
            if date_from <= day <= date_to
            and (user_id is None or user == user_id)
            and (team_id is None or team == team_id)
        )

    def _activity_item(self, ctx, measure, date_from, date_to, scope, value, name=None, **figures):
        domain = self._company_domain(ctx, "date", date_from, date_to) + scope
        views = [[False, "list"], [False, "pivot"], [False, "graph"]]
        value = self._money(value) if measure in ("revenue", "talk_minutes") else int(value or 0)
        return self._item(
            "crm.report.activity",
            domain,
            {"value": f"{measure}:sum"},
            views=views,
            name=name or self.env["crm.report.activity"]._fields[measure].get_description(self.env)["string"],
            value=value,
            **figures,
        )

    def _kpi_measure(self, kpi):
        """The activity report's measure of a KPI and the factor from the KPI's unit to the measure's."""
        for measure, (code, factor) in MEASURES.items():
            if code == kpi.code:
                return measure, factor
        return None, 1

    def _line_actual(self, line, rows):
        """The live actual of a plan line from the activity rows, in the KPI's unit (None: a KPI the report
        does not have)."""
        measure, factor = self._kpi_measure(line.kpi_id)
        if not measure:
            return None
        return self._sum_rows(rows, measure, line.date_from, line.date_to, user_id=line.user_id.id) * factor

    def _plan_items(self, lines, rows, ctx):
        """Per plan line (salesperson × KPI): target, actual, achievement and run-rate forecast; the actual is
        the activity report's sum for the salesperson and the plan's period, which opens."""
        items = []
        for line in lines.sorted(
            lambda line: (line.kpi_id.sequence, line.kpi_id.id, line.user_id.name or "")
        ):
            actual = self._line_actual(line, rows)
            measure, factor = self._kpi_measure(line.kpi_id)
            figures = {
                "line_id": line.id,
                "kpi_id": line.kpi_id.id,
                "kpi": line.kpi_id.name,
                "kpi_code": line.kpi_id.code,
                "unit": "minutes" if measure == "talk_minutes" else line.kpi_id.unit,
                "user_id": line.user_id.id,
                "user": line.user_id.name,
                "team_id": line.team_id.id,
                "plan": line.plan_id.name,
                "weight": line.weight,
            }
            if actual is None:  # a KPI of another module: the plan line's own refreshed actual
                items.append(
                    self._item(
                        "crm.sales.plan.line",
                        [("id", "=", line.id)],
                        {"value": "actual:sum"},
                        name=line.kpi_id.name,
                        value=line.actual,
                        target=line.target,
                        achievement=line.achievement,
                        forecast=line.forecast_run_rate,
                        **figures,
                    )
                )
                continue
            # the plan line's own definitions (forecast_run_rate, achievement: lower is better included)
            forecast = line._run_rate_of(actual, ctx["today"])
            items.append(
                self._activity_item(
                    ctx,
                    measure,
                    line.date_from,
                    line.date_to,
                    [("user_id", "=", line.user_id.id)],
                    actual / factor,
                    name=_("%(kpi)s: %(user)s", kpi=line.kpi_id.name, user=line.user_id.name),
                    target=round(line.target / factor, 2),
                    achievement=round(line._achievement_of(actual), 2),
                    forecast=round(forecast / factor, 2),
                    period_from=fields.Date.to_string(line.date_from),
                    period_to=fields.Date.to_string(line.date_to),
                    **figures,
                )
            )
        return items

    def _weighted(self, lines, rows):
        """Weighted achievement of a salesperson's lines (the motivation statement's definition): the
        achievements averaged with the lines' weights."""
        total_weight = sum(lines.mapped("weight"))
        if not total_weight:
            return 0.0
        score = 0.0
        for line in lines:
            actual = self._line_actual(line, rows)
            actual = line.actual if actual is None else actual
            score += line._achievement_of(actual) * line.weight
        return round(score / total_weight, 2)

    def _standings(self, lines, rows):
        """``[(user, weighted achievement)]`` best first (ties by name)."""
        by_user = defaultdict(lambda: self.env["crm.sales.plan.line"])
        for line in lines:
            by_user[line.user_id] |= line
        standings = [(user, self._weighted(user_lines, rows)) for user, user_lines in by_user.items()]
        return sorted(standings, key=lambda pair: (-pair[1], pair[0].name or ""))

    def _rank(self, user, team_lines, rows, ctx):
        """The salesperson's place among the salespeople of their plan by weighted achievement; of the
        others only the place is shown."""
        own = team_lines.filtered(lambda line: line.user_id == user)
        if not own:
            return False
        standings = self._standings(team_lines, rows)
        place = next(index for index, (who, _score) in enumerate(standings, start=1) if who == user)
        date_from, date_to = min(own.mapped("date_from")), max(own.mapped("date_to"))
        domain = self._company_domain(ctx, "date", date_from, date_to) + [("user_id", "=", user.id)]
        item = self._item(
            "crm.report.activity",
            domain,
            {},
            views=[[False, "pivot"], [False, "list"]],
            name=_("My Plan Figures"),
            value=dict(standings)[user],
            rank=place,
            count=len(standings),
            line_ids=own.ids,
        )
        return item

    def _ranking(self, lines, rows, ctx):
        """Every salesperson of the plans shown, by weighted achievement, with their revenue."""
        items = []
        revenue = self.env.ref("crm_custom.kpi_revenue")
        for place, (user, score) in enumerate(self._standings(lines, rows), start=1):
            own = lines.filtered(lambda line, user=user: line.user_id == user)
            date_from, date_to = min(own.mapped("date_from")), max(own.mapped("date_to"))
            revenue_line = own.filtered(lambda line: line.kpi_id == revenue)[:1]
            actual = self._sum_rows(rows, "revenue", date_from, date_to, user_id=user.id)
            item = self._activity_item(
                ctx,
                "revenue",
                date_from,
                date_to,
                [("user_id", "=", user.id)],
                actual,
                name=user.name,
                rank=place,
                user_id=user.id,
                user=user.name,
                weighted=score,
                line_ids=own.ids,
                target=revenue_line.target if revenue_line else 0.0,
            )
            items.append(item)
        return items

    # ------------------------------------------------------------------ pipeline, funnel

    def _pipeline(self, user, ctx):
        """The salesperson's open opportunities now, per stage: number and expected revenue."""
        base = self._company_domain(ctx) + [
            ("user_id", "=", user.id),
            ("type", "=", "opportunity"),
            ("stage_id.is_won", "=", False),
        ]
        items = []
        groups = self.env["crm.lead"]._read_group(
            base, ["stage_id"], ["__count", "expected_revenue:sum"], order="stage_id"
        )
        for stage, count, amount in groups:
            items.append(
                self._item(
                    "crm.lead",
                    base + [("stage_id", "=", stage.id)],
                    {"value": "__count", "amount": "expected_revenue:sum"},
                    views=[[False, "list"], [False, "kanban"], [False, "form"]],
                    name=_("Pipeline: %(stage)s", stage=stage.name),
                    context={"default_type": "opportunity"},
                    stage_id=stage.id,
                    stage=stage.name,
                    value=count,
                    amount=self._money(amount),
                )
            )
        return items

    def _funnel(self, ctx):
        """The opportunities created in the period (the cohort), per stage reached: how many reached it, the
        share that went further, how many were lost there (the funnel report)."""
        Funnel = self.env["crm.report.funnel"]
        base = self._company_domain(ctx, "cohort_date") + ctx["scope"]
        groups = Funnel._read_group(
            base,
            ["stage_id"],
            ["deal_count:sum", "conversion:avg", "lost_count:sum", "won_count:sum"],
            order="stage_id",
        )
        return [
            self._item(
                "crm.report.funnel",
                base + [("stage_id", "=", stage.id)],
                {
                    "value": "deal_count:sum",
                    "conversion": "conversion:avg",
                    "lost": "lost_count:sum",
                    "won": "won_count:sum",
                },
                views=[[False, "list"], [False, "pivot"]],
                name=_("Funnel: %(stage)s", stage=stage.name),
                stage_id=stage.id,
                stage=stage.name,
                value=int(deals or 0),
                conversion=round(conversion or 0.0, 2),
                lost=int(lost or 0),
                won=int(won or 0),
            )
            for stage, deals, conversion, lost, won in groups
        ]

    # ------------------------------------------------------------------ period figures, calls

    def _period_activity(self, rows, ctx, user):
        """The salesperson's figures of the period from the activity report."""
        keys = PERIOD_FIGURES
        return {
            key: self._activity_item(
                ctx,
                key,
                ctx["date_from"],
                ctx["date_to"],
                [("user_id", "=", user.id)],
                self._sum_rows(rows, key, ctx["date_from"], ctx["date_to"], user_id=user.id),
            )
            for key in keys
        }

    def _calls(self, rows, ctx):
        """Calls in, out and missed of the scope today and this week (the telephony KPIs)."""
        team = ctx.get("team")
        team_id = team.id if team else None
        result = {}
        week_from, week_to = ctx["week"]
        for when, (date_from, date_to) in (
            ("today", (ctx["today"], ctx["today"])),
            ("week", (week_from, week_to)),
        ):
            result[when] = {
                key: self._activity_item(
                    ctx,
                    key,
                    date_from,
                    date_to,
                    ctx["scope"],
                    self._sum_rows(rows, key, date_from, date_to, team_id=team_id),
                )
                for key in CALL_FIGURES
            }
        return result

    # ------------------------------------------------------------------ products

    def _top_products(self, ctx):
        """The 10 products of the period with the most invoiced revenue (the sales report)."""
        Sales = self.env["crm.report.sales"]
        base = self._company_domain(ctx, "date") + ctx["scope"] + [("product_id", "!=", False)]
        groups = Sales._read_group(
            base, ["product_id"], ["revenue:sum", "quantity:sum"], order="revenue:sum desc", limit=TOP
        )
        return [
            self._item(
                "crm.report.sales",
                base + [("product_id", "=", product.id)],
                {"value": "revenue:sum", "quantity": "quantity:sum"},
                views=[[False, "list"], [False, "pivot"], [False, "graph"]],
                name=_("Sales: %(product)s", product=product.display_name),
                product_id=product.id,
                product=product.display_name,
                value=self._money(revenue),
                quantity=round(quantity or 0.0, 2),
            )
            for product, revenue, quantity in groups
        ]

    # ------------------------------------------------------------------ receivables

    def _receivables(self, ctx, invoice_scope):
        """Overdue customer invoices (posted, not or partly paid, due before today, Odoo's own "Overdue"
        filter) of the scope: the amount still due in the company currency, by customer and by days overdue.

        Read with the user's rights: a salesperson reads the invoices they are the salesperson of (sale's
        "Personal Invoices" rule), so their tile and the invoices it opens are theirs; without read access to
        invoices there is no tile.
        """
        Move = self.env["account.move"]
        if not Move.has_access("read"):
            return False
        today = ctx["today"]
        base = [
            ("company_id", "=", ctx["company"].id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", list(OVERDUE_STATES)),
            ("invoice_date_due", "<", fields.Date.to_string(today)),
            *invoice_scope,
        ]
        views = [[self.env.ref("account.view_out_invoice_tree").id, "list"], [False, "form"]]
        context = {"default_move_type": "out_invoice"}
        measures = {"value": "amount_residual_signed:sum", "count": "__count"}
        # the invoices grouped by due date: the total, the oldest and the four buckets in one query
        by_due = Move._read_group(base, ["invoice_date_due:day"], ["__count", "amount_residual_signed:sum"])
        oldest = min((due for due, _count, _amount in by_due), default=None)
        total = self._item(
            "account.move",
            base,
            measures,
            views=views,
            context=context,
            name=_("Overdue Invoices"),
            value=self._money(sum(amount for _due, _count, amount in by_due)),
            count=sum(count for _due, count, _amount in by_due),
            days=(today - oldest).days if oldest else 0,
        )
        customers = [
            self._item(
                "account.move",
                base + [("commercial_partner_id", "=", partner.id)],
                measures,
                views=views,
                context=context,
                name=_("Overdue Invoices: %(customer)s", customer=partner.display_name),
                partner_id=partner.id,
                partner=partner.display_name,
                value=self._money(amount),
                count=count,
                days=(today - oldest).days if oldest else 0,
            )
            for partner, count, amount, oldest in Move._read_group(
                base,
                ["commercial_partner_id"],
                ["__count", "amount_residual_signed:sum", "invoice_date_due:min"],
                order="amount_residual_signed:sum desc",
                limit=TOP,
            )
        ]
        buckets = []
        for key, first, last in AGING:
            domain = base + [("invoice_date_due", "<=", fields.Date.to_string(today - timedelta(days=first)))]
            if last:
                domain.append(("invoice_date_due", ">=", fields.Date.to_string(today - timedelta(days=last))))
            buckets.append((key, domain))
        aging = []
        for (key, domain), (_key, first, last) in zip(buckets, AGING, strict=True):
            in_bucket = [
                (count, amount)
                for due, count, amount in by_due
                if first <= (today - due).days and (last is None or (today - due).days <= last)
            ]
            aging.append(
                self._item(
                    "account.move",
                    domain,
                    measures,
                    views=views,
                    context=context,
                    name=_("Overdue Invoices: %(days)s days", days=key),
                    bucket=key,
                    value=self._money(sum(amount for _count, amount in in_bucket)),
                    count=sum(count for count, _amount in in_bucket),
                )
            )
        return {"total": total, "customers": customers, "aging": aging}

    # ------------------------------------------------------------------ contacts' birthdays

    def _birthdays(self, user, ctx, days=7):
        """Contacts of the salesperson's clients (or their own) whose birthday falls in the next ``days``
        days, today included (OCA partner_contact_birthdate)."""
        Partner = self.env["res.partner"]
        today = ctx["today"]
        window = [today + timedelta(days=offset) for offset in range(days)]
        keys = sorted({day.month * 100 + day.day for day in window} | self._leap_day_keys(window))
        domain = [
            ("is_company", "=", False),
            ("company_id", "in", [ctx["company"].id, False]),
            "|",
            ("user_id", "=", user.id),
            ("commercial_partner_id.user_id", "=", user.id),
            ("crm_birthday_key", "in", keys),
        ]
        partners = Partner.search(domain)
        contacts = []
        for partner in partners:
            next_day = self._next_birthday(partner.birthdate_date, today)
            contacts.append(
                {
                    "partner_id": partner.id,
                    "name": partner.display_name,
                    "date": fields.Date.to_string(next_day),
                    "days": (next_day - today).days,
                    "age": next_day.year - partner.birthdate_date.year,
                }
            )
        contacts.sort(key=lambda contact: (contact["days"], contact["name"]))
        return self._item(
            "res.partner",
            domain,
            {"value": "__count"},
            views=[[False, "list"], [False, "form"]],
            name=_("Birthdays in the Next 7 Days"),
            value=len(partners),
            contacts=contacts,
        )

    @staticmethod
    def _leap_day_keys(window):
        """29 February birthdays are celebrated on 28 February in the other years."""
        return {229 for day in window if day.month == 2 and day.day == 28 and not _is_leap(day.year)}

    @staticmethod
    def _next_birthday(birthdate, today):
        for year in (today.year, today.year + 1):
            try:
                day = birthdate.replace(year=year)
            except ValueError:  # 29 February in a common year
                day = date(year, 2, 28)
            if day >= today:
                return day
        return today

    # ------------------------------------------------------------------ card quality, idle deals

    def _card_quality(self, ctx):
        """Per salesperson of the scope: the card-quality score of the latest daily snapshot and its change
        against the previous one (crm_custom's card-quality table: weights of the rules met over the weights
        of the rules measured)."""
        Line = self.env["crm.card.quality.line"]
        if not Line.has_access("read"):
            return []
        company = ctx["company"]
        base = [("company_id", "=", company.id), ("date", "<=", fields.Date.to_string(ctx["today"]))]
        team = ctx.get("team")
        if team:
            base.append(("user_id", "in", (team.member_ids | team.user_id).ids))
        [[latest]] = Line._read_group(base, [], ["date:max"])
        if not latest:
            return []
        [[previous]] = Line._read_group(
            base + [("date", "<", fields.Date.to_string(latest))], [], ["date:max"]
        )
        days = [latest] + ([previous] if previous else [])
        weights = defaultdict(lambda: [0, 0])  # (user, day) -> [weight met, weight measured]
        checks = defaultdict(int)
        for user, day, passed, count, weight in Line._read_group(
            base + [("date", "in", [fields.Date.to_string(day) for day in days])],
            ["user_id", "date:day", "passed"],
            ["__count", "weight:sum"],
        ):
            weights[(user, day)][1] += weight or 0
            checks[(user, day)] += count
            if passed:
                weights[(user, day)][0] += weight or 0
        items = []
        for user in sorted({user for user, day in weights if day == latest}, key=lambda u: u.name or ""):
            met, measured = weights[(user, latest)]
            score = self._score(met, measured)
            before = weights.get((user, previous))
            previous_score = self._score(*before) if before else None
            domain = [
                ("company_id", "=", company.id),
                ("date", "=", fields.Date.to_string(latest)),
                ("user_id", "=", user.id),
            ]
            items.append(
                self._item(
                    "crm.card.quality.line",
                    domain,
                    {"checks": "__count", "weight": "weight:sum"},
                    name=_("Card Quality: %(user)s", user=user.name),
                    user_id=user.id,
                    user=user.name,
                    date=fields.Date.to_string(latest),
                    checks=checks[(user, latest)],
                    weight_met=met,
                    weight=measured,
                    value=score,
                    previous=previous_score,
                    trend=round(score - previous_score, 1) if previous_score is not None else None,
                )
            )
        return items

    @staticmethod
    def _score(met, measured):
        """Card-quality score (crm.card.quality.trend's definition), to one decimal."""
        return round(100.0 * met / measured, 1) if measured else 0.0

    def _idle_deals(self, ctx):
        """Open opportunities of the scope without any planned activity."""
        domain = (
            self._company_domain(ctx)
            + ctx["scope"]
            + [
                ("type", "=", "opportunity"),
                ("stage_id.is_won", "=", False),
                ("activity_ids", "not any", []),
            ]
        )
        return self._item(
            "crm.lead",
            domain,
            {"value": "__count"},
            views=[[False, "list"], [False, "kanban"], [False, "form"]],
            name=_("Deals Without a Next Activity"),
            context={"default_type": "opportunity"},
            value=self.env["crm.lead"].search_count(domain),
        )

    # ------------------------------------------------------------------ landing

    @api.model
    def _set_landing(self, on):
        """CRM opens on the dashboard (its menu first) or on Odoo's pipeline (the dashboard's menu after the
        others)."""
        menu = self.env.ref("crm_reports.crm_dashboard_menu").sudo()
        menu.sequence = 0 if on else 90

    @api.model
    def _is_landing(self):
        menu = self.env.ref("crm_reports.crm_dashboard_menu", raise_if_not_found=False)
        return bool(menu) and menu.sudo().sequence == 0


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
