# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmReportSummary(models.AbstractModel):
    """PDF management summary of a period and team: plan vs fact, funnel, top products, ranking, calls.

    Every figure is read from the report models (``crm.report.*``) with the user's rights, so the PDF says
    what the reports' screens say for the same filters.
    """

    _name = "report.crm_reports.report_management_summary"
    _description = "Management Summary (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["crm.report.export"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "crm.report.export",
            "docs": wizards,
            "summaries": {wizard.id: self._summary(wizard) for wizard in wizards},
        }

    def _domain(self, wizard, date_field):
        domain = [
            ("company_id", "=", wizard.company_id.id),
            (date_field, ">=", wizard.date_from),
            (date_field, "<=", wizard.date_to),
        ]
        if wizard.team_ids:
            domain.append(("team_id", "in", wizard.team_ids.ids))
        if wizard.user_ids:
            domain.append(("user_id", "in", wizard.user_ids.ids))
        return domain

    def _summary(self, wizard):
        return {
            "plan": self._plan(wizard),
            "plan_teams": self._plan_teams(wizard),
            "funnel": self._funnel(wizard),
            "products": self._top_products(wizard),
            "ranking": self._ranking(wizard),
            "activity": self._activity(wizard),
        }

    def _plan(self, wizard):
        report = self.env["crm.report.plan.fact"]
        domain = self._domain(wizard, "date") + [
            ("kpi_id.code", "=", "revenue"),
            ("line_kind", "=", "salesperson"),
        ]
        rows = []
        for user, target, actual, forecast in report._read_group(
            domain, ["user_id"], ["target:sum", "actual:sum", "forecast:sum"]
        ):
            rows.append(
                {
                    "name": user.sudo().display_name,
                    "target": target,
                    "actual": actual,
                    "achievement": 100.0 * actual / target if target else 0.0,
                    "forecast": forecast,
                }
            )
        return sorted(rows, key=lambda row: -row["achievement"])

    def _plan_teams(self, wizard):
        report = self.env["crm.report.plan.fact"]
        domain = self._domain(wizard, "date") + [("kpi_id.code", "=", "revenue")]
        totals = report._read_group(domain, ["team_id"], ["team_target:sum", "team_actual:sum", "actual:sum"])
        remainders = dict(
            report._read_group(domain + [("line_kind", "=", "remainder")], ["team_id"], ["actual:sum"])
        )
        return [
            {
                "name": team.sudo().display_name,
                "team_target": team_target,
                "team_actual": team_actual,
                "salespeople": actual - remainders.get(team, 0.0),
                "remainder": remainders.get(team, 0.0),
            }
            for team, team_target, team_actual, actual in totals
        ]

    def _funnel(self, wizard):
        report = self.env["crm.report.funnel"]
        domain = self._domain(wizard, "cohort_date")
        rows = []
        for stage, deals, conversion, lost, won in report._read_group(
            domain, ["stage_id"], ["deal_count:sum", "conversion:avg", "lost_count:sum", "won_count:sum"]
        ):
            reasons = report._read_group(
                domain + [("stage_id", "=", stage.id), ("lost", "=", True)],
                ["lost_reason_id"],
                ["__count"],
                order="__count desc",
                limit=3,
            )
            rows.append(
                {
                    "name": stage.sudo().display_name,
                    "deals": deals,
                    "conversion": conversion or 0.0,
                    "lost": lost,
                    "won": won,
                    "reasons": ", ".join(
                        f"{reason.sudo().display_name or '-'} ({count})" for reason, count in reasons
                    ),
                }
            )
        return rows

    def _top_products(self, wizard):
        report = self.env["crm.report.sales"]
        groups = report._read_group(
            self._domain(wizard, "date") + [("product_id", "!=", False)],
            ["product_id"],
            ["revenue:sum", "quantity:sum"],
            order="revenue:sum desc",
            limit=10,
        )
        return [
            {"name": product.sudo().display_name, "revenue": revenue, "quantity": quantity}
            for product, revenue, quantity in groups
        ]

    def _ranking(self, wizard):
        report = self.env["crm.report.sales"]
        groups = report._read_group(
            self._domain(wizard, "date"), ["user_id"], ["revenue:sum"], order="revenue:sum desc"
        )
        return [
            {"rank": index, "name": user.sudo().display_name or "-", "revenue": revenue}
            for index, (user, revenue) in enumerate(groups, start=1)
        ]

    def _activity(self, wizard):
        report = self.env["crm.report.activity"]
        measures = [
            "calls_in",
            "calls_out",
            "calls_missed",
            "talk_minutes",
            "meetings",
            "deals_won",
            "leads_new",
        ]
        groups = report._read_group(
            self._domain(wizard, "date"), ["user_id"], [f"{name}:sum" for name in measures]
        )
        return [
            {"name": user.sudo().display_name or "-", **dict(zip(measures, values, strict=True))}
            for user, *values in groups
        ]
