# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

ACHIEVEMENT_HELP = (
    "Actual divided by target, in percent (target divided by actual for a KPI where lower is better, "
    "such as the sales cycle); 0 when there is no target, or no actual for such a KPI."
)


class CrmSalesPlanLine(models.Model):
    _name = "crm.sales.plan.line"
    _inherit = ["crm.system.fields.mixin"]
    _description = "Sales Plan Line"
    _order = "plan_id, user_id, kpi_id"
    _check_company_auto = True

    plan_id = fields.Many2one("crm.sales.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    team_id = fields.Many2one(related="plan_id.team_id", store=True, index=True)
    date_from = fields.Date(related="plan_id.date_from", store=True)
    date_to = fields.Date(related="plan_id.date_to", store=True)
    state = fields.Selection(related="plan_id.state", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        help="Empty for the team line, which counts the records of the whole team.",
    )
    kpi_id = fields.Many2one("crm.kpi", string="KPI", required=True, ondelete="restrict")
    kpi_description = fields.Text(related="kpi_id.description")
    unit = fields.Selection(related="kpi_id.unit")
    target = fields.Float(aggregator="sum")
    weight = fields.Float(
        compute="_compute_weight",
        store=True,
        readonly=False,
        help="Weight of this line in the salesperson's weighted achievement (defaults to the KPI's).",
    )
    actual = fields.Float(
        readonly=True,
        system=True,
        copy=False,
        aggregator="sum",
        help="Value of the KPI over the period, from the records the KPI definition names; refreshed "
        "while the plan is open and frozen when it closes.",
    )
    achievement = fields.Float(
        string="Achievement (%)",
        compute="_compute_achievement",
        store=True,
        system=True,
        aggregator="avg",
        help=ACHIEVEMENT_HELP,
    )
    closed_actual = fields.Float(
        string="Actual at Closing",
        readonly=True,
        system=True,
        copy=False,
        help="The actual frozen when the plan was closed; commission is paid on it.",
    )
    live_actual = fields.Float(
        string="Actual Now",
        compute="_compute_live_actual",
        help="The KPI recomputed from today's records, to compare with the frozen actual.",
    )
    drift = fields.Float(
        compute="_compute_live_actual",
        help="Actual now minus actual at closing: the records changed after the plan was closed.",
    )
    members_target = fields.Float(
        string="Sum of Members' Targets",
        compute="_compute_members_target",
        help="For the team line: the sum of the targets of the members' lines of the same KPI.",
    )
    members_target_differs = fields.Boolean(compute="_compute_members_target")
    forecast_run_rate = fields.Float(
        compute="_compute_forecast",
        help="Actual so far extrapolated to the end of the period at the same daily rate; for a ratio "
        "KPI, the actual (a ratio does not grow with time).",
    )
    forecast_pipeline = fields.Float(
        string="Forecast (Pipeline)",
        compute="_compute_forecast",
        help="Revenue lines only: actual plus the expected revenue of open opportunities whose expected "
        "closing date falls between today and the end of the period.",
    )

    @api.depends("kpi_id")
    def _compute_weight(self):
        for line in self:
            line.weight = line.kpi_id.weight

    @api.depends("actual", "target")
    def _compute_achievement(self):
        for line in self:
            line.achievement = line._achievement_of(line.actual)

    def _achievement_of(self, value):
        if not self.target:
            return 0.0
        if self.kpi_id.lower_is_better:
            return round(100.0 * self.target / value, 4) if value else 0.0
        return round(100.0 * value / self.target, 4)

    def _run_rate_of(self, value, today):
        """Forecast (Run Rate) of this line for the actual ``value`` on ``today``: the same daily rate until
        the end of the period (a ratio does not grow with time)."""
        if not self.date_from or today < self.date_from:
            return 0.0
        if today >= self.date_to or self.kpi_id.is_ratio:
            return value
        elapsed = (today - self.date_from).days + 1
        total = (self.date_to - self.date_from).days + 1
        return value * total / elapsed

    def _compute_live_actual(self):
        closed = self.filtered(lambda line: line.state == "closed")
        values = closed._live_values()
        for line in self:
            line.live_actual = values.get(line.id, line.actual) if line in closed else line.actual
            line.drift = line.live_actual - line.closed_actual if line in closed else 0.0

    @api.depends("target", "user_id", "kpi_id", "plan_id.line_ids.target")
    def _compute_members_target(self):
        for line in self:
            members = line.plan_id.line_ids.filtered(
                lambda o, line=line: o.user_id and o.kpi_id == line.kpi_id
            )
            # a ratio's team target is not the sum of its members' targets
            additive = not line.user_id and not line.kpi_id.is_ratio
            line.members_target = sum(members.mapped("target")) if additive else 0.0
            line.members_target_differs = (
                additive
                and bool(members)
                and float_compare(line.members_target, line.target, precision_digits=2) != 0
            )

    def _compute_forecast(self):
        revenue = self.env.ref("crm_custom.kpi_revenue", raise_if_not_found=False)
        pipeline = {}
        for company in self.company_id:
            today = company._crm_today()
            pipeline_lines = self.filtered(
                lambda line, c=company, t=today: (
                    line.company_id == c and line.kpi_id == revenue and line.date_to >= t
                )
            )
            pipeline.update(pipeline_lines._pipeline_values(today))
        for line in self:
            today = line.company_id._crm_today() if line.company_id else fields.Date.context_today(line)
            line.forecast_run_rate = line._run_rate_of(line.actual, today)
            line.forecast_pipeline = (
                line.actual + pipeline.get(line.id, 0.0) if line.kpi_id == revenue else 0.0
            )

    @api.constrains("plan_id", "user_id", "kpi_id")
    def _check_unique(self):
        for line in self:
            twins = line.plan_id.line_ids.filtered(
                lambda o, line=line: o.user_id == line.user_id and o.kpi_id == line.kpi_id
            )
            if len(twins) > 1:
                raise ValidationError(
                    _(
                        "The plan %(plan)s has the KPI %(kpi)s twice for %(who)s.",
                        plan=line.plan_id.display_name,
                        kpi=line.kpi_id.name,
                        who=line.user_id.name or _("the team"),
                    )
                )

    # ------------------------------------------------------------------ business methods

    def _key(self):
        return (self.user_id.id or False, self.team_id.id, self.date_from, self.date_to)

    def _batches(self):
        """Lines grouped by (company, KPI): each group is answered by one query."""
        groups = defaultdict(list)
        for line in self:
            groups[(line.company_id, line.kpi_id)].append(line.id)
        return [(key, self.browse(ids)) for key, ids in groups.items()]

    def _line_keys(self, include_closed=True):
        """``{(company_id, kpi_id): {line_id: key}}`` read in one query, without per-record ORM access."""
        self.flush_model()
        self.env["crm.sales.plan"].flush_model()
        self.env.cr.execute(
            """
            SELECT id, company_id, kpi_id, user_id, team_id, date_from, date_to
              FROM crm_sales_plan_line
             WHERE id = ANY(%s) AND (%s OR state IS DISTINCT FROM 'closed')
            """,
            [self.ids, include_closed],
        )
        groups = defaultdict(dict)
        for line_id, company_id, kpi_id, user_id, team_id, date_from, date_to in self.env.cr.fetchall():
            groups[(company_id, kpi_id)][line_id] = (user_id or False, team_id or False, date_from, date_to)
        return groups

    def _live_values(self, include_closed=True):
        """``{line_id: value}`` of the KPI computed now: one query per KPI and company."""
        values = {}
        for (company_id, kpi_id), keys in self._line_keys(include_closed).items():
            kpi = self.env["crm.kpi"].sudo().browse(kpi_id)
            actuals = kpi._compute_actuals(
                list(set(keys.values())), self.env["res.company"].browse(company_id)
            )
            values.update({line_id: actuals[key] for line_id, key in keys.items()})
        return values

    def _refresh_actuals(self):
        """Recompute the actuals of open lines: one query per KPI and company, one UPDATE for all lines."""
        values = self._live_values(include_closed=False)
        if not values:
            return
        self.env.cr.execute(
            """
            UPDATE crm_sales_plan_line l
               SET actual = v.actual,
                   achievement = CASE WHEN l.target = 0 THEN 0
                                      WHEN NOT COALESCE(k.lower_is_better, FALSE)
                                      THEN round((100 * v.actual / l.target)::numeric, 4)
                                      WHEN v.actual <> 0 THEN round((100 * l.target / v.actual)::numeric, 4)
                                      ELSE 0 END,
                   write_date = now() AT TIME ZONE 'UTC', write_uid = %s
              FROM unnest(%s::int[], %s::float8[]) AS v(id, actual), crm_kpi k
             WHERE l.id = v.id AND k.id = l.kpi_id
            """,
            [self.env.uid, list(values), list(values.values())],
        )
        self.browse(list(values)).invalidate_recordset(["actual", "achievement", "write_date", "write_uid"])

    def _pipeline_values(self, today):
        values = {}
        for (company, kpi), lines in self.sudo()._batches():
            keys = {
                line.id: (line._key()[0], line._key()[1], max(today, line.date_from), line.date_to)
                for line in lines
            }
            pipeline = kpi._compute_pipeline(list(set(keys.values())), company)
            values.update({line_id: pipeline.get(key, 0.0) for line_id, key in keys.items()})
        return values

    def _missed(self):
        return float_compare(self.actual, self.target, precision_digits=2) < 0
