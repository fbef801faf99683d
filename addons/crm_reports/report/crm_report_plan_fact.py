# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..models.report_help import HELP


class CrmReportPlanFact(models.Model):
    """Plan vs fact across plans: one row per salesperson's plan line, plus one "unassigned remainder" row per
    team line carrying the team line's own figures.

    The remainder is the team line minus its salespeople's lines of the same plan and KPI, so that under a
    team the salespeople's rows and the remainder add up to the team line (shown beside them in
    ``team_target`` / ``team_actual``). Actuals are the plan lines' (see ``action_open``, which refreshes
    them).
    """

    _name = "crm.report.plan.fact"
    _inherit = "crm.report.mixin"
    _description = "Plan vs Fact Report"
    _auto = False
    _rec_name = "plan_id"
    _order = "date desc, team_id, line_kind, user_id"

    plan_id = fields.Many2one("crm.sales.plan", readonly=True)
    line_id = fields.Many2one("crm.sales.plan.line", string="Plan Line", readonly=True)
    date = fields.Date(string="Period Start", readonly=True)
    date_to = fields.Date(string="Period End", readonly=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")], string="Period", readonly=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")], string="Plan Status", readonly=True
    )
    kpi_id = fields.Many2one("crm.kpi", string="KPI", readonly=True)
    line_kind = fields.Selection(
        [("salesperson", "Salesperson"), ("remainder", "Unassigned remainder")],
        string="Row",
        readonly=True,
        help=HELP["plan.line_kind"],
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    target = fields.Float(readonly=True, help=HELP["plan.target"])
    actual = fields.Float(readonly=True, help=HELP["plan.actual"])
    achievement = fields.Float(
        string="Achievement (%)", readonly=True, aggregator="avg", help=HELP["plan.achievement"]
    )
    forecast = fields.Float(string="Forecast (Run Rate)", readonly=True, help=HELP["plan.forecast"])
    team_target = fields.Float(string="Team Line Target", readonly=True, help=HELP["plan.team_target"])
    team_actual = fields.Float(string="Team Line Actual", readonly=True, help=HELP["plan.team_actual"])
    refreshed_on = fields.Datetime(string="Actual Refreshed On", readonly=True)

    _depends = {
        "crm.sales.plan.line": [
            "plan_id",
            "user_id",
            "kpi_id",
            "target",
            "actual",
            "team_id",
            "company_id",
            "date_from",
            "date_to",
            "state",
        ],
        "crm.sales.plan": ["period_type"],
        "crm.kpi": ["is_ratio"],
        "res.company": ["crm_tz"],
    }

    @property
    def _table_query(self):
        return SQL("%s UNION ALL %s", self._select_salespeople(), self._select_remainder())

    @api.model
    def _forecast(self, actual):
        """SQL of the run-rate forecast of ``actual`` (the plan line's definition, days of the company)."""
        return SQL(
            """CASE WHEN today.day < line.date_from THEN 0
                    WHEN today.day >= line.date_to OR kpi.is_ratio THEN %(actual)s
                    ELSE %(actual)s * ((line.date_to - line.date_from) + 1)::float
                         / ((today.day - line.date_from) + 1) END""",
            actual=actual,
        )

    @api.model
    def _today(self):
        return SQL(
            "LATERAL (SELECT ((now() AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(cmp.crm_tz, 'UTC'))::date"
            " AS day) today"
        )

    @api.model
    def _select_salespeople(self):
        return SQL(
            """
            SELECT line.id * 2 AS id, line.plan_id, line.id AS line_id, line.date_from AS date, line.date_to,
                   plan.period_type, line.state, line.kpi_id, 'salesperson' AS line_kind, line.user_id,
                   line.team_id, line.company_id, line.target, line.actual,
                   line.achievement,
                   %s AS forecast, 0.0 AS team_target, 0.0 AS team_actual, line.write_date AS refreshed_on
              FROM crm_sales_plan_line line
              JOIN crm_sales_plan plan ON plan.id = line.plan_id
              JOIN crm_kpi kpi ON kpi.id = line.kpi_id
              JOIN res_company cmp ON cmp.id = line.company_id, %s
             WHERE line.user_id IS NOT NULL
            """,
            self._forecast(SQL("line.actual")),
            self._today(),
        )

    @api.model
    def _select_remainder(self):
        # a ratio (conversion rate, ...) has no remainder: the team line's own ratio is in team_actual
        remainder_actual = SQL(
            "(CASE WHEN kpi.is_ratio THEN 0 ELSE line.actual - COALESCE(members.actual, 0) END)"
        )
        return SQL(
            """
            SELECT line.id * 2 + 1 AS id, line.plan_id, line.id AS line_id, line.date_from AS date,
                   line.date_to,
                   plan.period_type, line.state, line.kpi_id, 'remainder' AS line_kind, NULL AS user_id,
                   line.team_id, line.company_id,
                   CASE WHEN kpi.is_ratio THEN 0 ELSE line.target - COALESCE(members.target, 0) END AS target,
                   %s AS actual, 0.0 AS achievement, %s AS forecast,
                   line.target AS team_target, line.actual AS team_actual, line.write_date AS refreshed_on
              FROM crm_sales_plan_line line
              JOIN crm_sales_plan plan ON plan.id = line.plan_id
              JOIN crm_kpi kpi ON kpi.id = line.kpi_id
              JOIN res_company cmp ON cmp.id = line.company_id
              LEFT JOIN LATERAL (
                    SELECT SUM(member.target) AS target, SUM(member.actual) AS actual
                      FROM crm_sales_plan_line member
                     WHERE member.plan_id = line.plan_id AND member.kpi_id = line.kpi_id
                       AND member.user_id IS NOT NULL
              ) members ON TRUE, %s
             WHERE line.user_id IS NULL
            """,
            remainder_actual,
            self._forecast(remainder_actual),
            self._today(),
        )

    @api.model
    def action_open(self):
        """Open the report after refreshing the actuals of the open plans of the current companies that were
        not refreshed in the last hour (one query per KPI and company, see crm.sales.plan.line)."""
        stale = (
            self.env["crm.sales.plan.line"]
            .sudo()
            .search(
                [
                    ("state", "=", "open"),
                    ("company_id", "in", self.env.companies.ids),
                    ("write_date", "<", fields.Datetime.now() - timedelta(hours=1)),
                ]
            )
        )
        stale._refresh_actuals()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_reports.crm_report_plan_fact_action")
        action["name"] = _("Plan vs Fact")
        return action
