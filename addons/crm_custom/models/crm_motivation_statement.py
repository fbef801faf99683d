# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import float_is_zero


class CrmMotivationStatement(models.Model):
    """What one salesperson earns for one closed plan, from the actuals frozen at closing."""

    _name = "crm.motivation.statement"
    _inherit = ["crm.system.fields.mixin"]
    _description = "Motivation Statement"
    _order = "date_from desc, user_id"
    _check_company_auto = True

    # issued by closing the plan only (_generate): every figure below is the system's
    plan_id = fields.Many2one("crm.sales.plan", required=True, system=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, system=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="plan_id.team_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date_from = fields.Date(related="plan_id.date_from", store=True)
    date_to = fields.Date(related="plan_id.date_to", store=True)
    revenue_line_id = fields.Many2one("crm.sales.plan.line", readonly=True, system=True)
    revenue_target = fields.Monetary(readonly=True, system=True)
    revenue = fields.Monetary(
        readonly=True,
        system=True,
        help="Revenue of the salesperson frozen when the plan was closed (Revenue KPI).",
    )
    achievement = fields.Float(string="Revenue Achievement (%)", readonly=True, system=True)
    commission_tier_id = fields.Many2one("crm.motivation.tier", readonly=True, system=True)
    commission_percent = fields.Float(string="Commission (%)", readonly=True, system=True)
    commission_amount = fields.Monetary(
        readonly=True, system=True, help="Frozen revenue times the commission percent."
    )
    activity_completion = fields.Float(
        string="Activity Plan Completion (%)",
        readonly=True,
        system=True,
        help="Weighted average achievement of the salesperson's activity KPIs (100 when the plan has none).",
    )
    coefficient_tier_id = fields.Many2one("crm.motivation.tier", readonly=True, system=True)
    salary_coefficient = fields.Float(readonly=True, system=True, digits=(16, 4))
    weighted_achievement = fields.Float(
        string="Weighted Achievement (%)",
        readonly=True,
        system=True,
        help="Achievements of all the salesperson's lines averaged with the lines' weights.",
    )
    revenue_now = fields.Monetary(
        compute="_compute_drift", help="Revenue recomputed from today's books for the same period."
    )
    revenue_drift = fields.Monetary(
        compute="_compute_drift",
        help="Revenue now minus frozen revenue: the books changed after the plan was closed.",
    )
    has_drift = fields.Boolean(compute="_compute_drift")

    _sql_constraints = [
        ("plan_user_unique", "unique(plan_id, user_id)", "One statement per salesperson and plan."),
    ]

    @api.depends("revenue_line_id", "revenue")
    def _compute_drift(self):
        lines = self.revenue_line_id
        live = lines.sudo()._live_values() if lines else {}
        for statement in self:
            now = live.get(statement.revenue_line_id.id, statement.revenue)
            statement.revenue_now = now
            statement.revenue_drift = now - statement.revenue
            statement.has_drift = not float_is_zero(statement.revenue_drift, precision_digits=2)

    @api.model
    def _generate(self, plans):
        revenue_kpi = self.env.ref("crm_custom.kpi_revenue")
        vals_list = []
        for plan in plans:
            scheme = (
                self.env["crm.motivation.scheme"].sudo().search([("company_id", "=", plan.company_id.id)])
            )
            for user in plan.line_ids.user_id:
                lines = plan.line_ids.filtered(lambda line, user=user: line.user_id == user)
                vals_list.append(self._values(lines, revenue_kpi, scheme))
        self.sudo().search([("plan_id", "in", plans.ids)]).unlink()
        return self.sudo().create(vals_list)

    @api.model
    def _weighted(self, lines):
        weight = sum(lines.mapped("weight"))
        return sum(line.achievement * line.weight for line in lines) / weight if weight else 0.0

    @api.model
    def _values(self, lines, revenue_kpi, scheme):
        revenue_line = lines.filtered(lambda line: line.kpi_id == revenue_kpi)[:1]
        activity = lines.filtered(lambda line: line.kpi_id.is_activity)
        achievement = revenue_line.achievement
        completion = self._weighted(activity) if activity else 100.0
        commission = scheme._tier("commission", achievement) if scheme else self.env["crm.motivation.tier"]
        coefficient = scheme._tier("coefficient", completion) if scheme else self.env["crm.motivation.tier"]
        revenue = revenue_line.closed_actual
        return {
            "plan_id": lines.plan_id.id,
            "user_id": lines.user_id.id,
            "revenue_line_id": revenue_line.id,
            "revenue_target": revenue_line.target,
            "revenue": revenue,
            "achievement": achievement,
            "commission_tier_id": commission.id,
            "commission_percent": commission.value,
            "commission_amount": lines.plan_id.currency_id.round(revenue * commission.value / 100.0),
            "activity_completion": completion,
            "coefficient_tier_id": coefficient.id,
            "salary_coefficient": coefficient.value if coefficient else 1.0,
            "weighted_achievement": self._weighted(lines),
        }
