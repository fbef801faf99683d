# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.report_help import HELP

# measure -> (KPI code whose definition it sums, factor); the SQL of each KPI is the registry's own
# (crm.kpi._aggregate_<code>), never a copy
MEASURES = {
    "calls_in": ("calls_in", 1),
    "calls_out": ("calls_out", 1),
    "calls_missed": ("calls_missed", 1),
    "talk_minutes": ("talk_time", 60),
    "meetings": ("meetings", 1),
    "proposals_sent": ("proposals_sent", 1),
    "deals_won": ("deals_won", 1),
    "leads_new": ("leads_new", 1),
    "revenue": ("revenue", 1),
    # the parts of the sales ratios (crm.kpi RATIOS), summed like the others
    "deals_closed": ("deals_closed", 1),
    "won_revenue": ("won_revenue", 1),
    "won_cycle_days": ("won_cycle_days", 1),
}
# ratio measure -> the KPI of the registry it is (crm.kpi RATIOS: numerator, denominator, factor)
RATIO_MEASURES = {
    "conversion_rate": "conversion_rate",
    "avg_deal_size": "avg_deal_size",
    "avg_sales_cycle": "avg_sales_cycle",
}


class CrmReportActivity(models.Model):
    """Department statistics per salesperson, team and day: the KPIs of the registry, summed.

    Each measure is the SQL aggregate of a KPI (``crm.kpi._aggregate_<code>``) over the allowed companies, so
    a salesperson's figure over a period equals the KPI of a plan line of that salesperson and period (the
    team's figure equals the team line's).
    """

    _name = "crm.report.activity"
    _inherit = "crm.report.ratio.mixin"
    _description = "Department Activity Report"
    _auto = False
    _rec_name = "date"
    _order = "date desc, user_id"

    date = fields.Date(readonly=True, help=HELP["activity.date"])
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    calls_in = fields.Integer(string="Inbound Calls", readonly=True, help=HELP["activity.calls_in"])
    calls_out = fields.Integer(string="Outbound Calls", readonly=True, help=HELP["activity.calls_out"])
    calls_missed = fields.Integer(string="Missed Calls", readonly=True, help=HELP["activity.calls_missed"])
    talk_minutes = fields.Float(
        string="Talk Time (min)", readonly=True, digits=(16, 1), help=HELP["activity.talk_minutes"]
    )
    meetings = fields.Integer(readonly=True, help=HELP["activity.meetings"])
    proposals_sent = fields.Integer(readonly=True, help=HELP["activity.proposals_sent"])
    deals_won = fields.Integer(readonly=True, help=HELP["activity.deals_won"])
    leads_new = fields.Integer(string="New Leads", readonly=True, help=HELP["activity.leads_new"])
    revenue = fields.Monetary(readonly=True, currency_field="currency_id", help=HELP["activity.revenue"])
    deals_closed = fields.Integer(readonly=True, help=HELP["activity.deals_closed"])
    won_revenue = fields.Monetary(
        string="Won Deals' Revenue",
        readonly=True,
        currency_field="currency_id",
        help=HELP["activity.won_revenue"],
    )
    won_cycle_days = fields.Integer(
        string="Won Deals' Cycle Days", readonly=True, help=HELP["activity.won_cycle_days"]
    )
    # the sales ratios: never summed, each group computes its own from its sums (crm.report.ratio.mixin)
    conversion_rate = fields.Float(
        string="Conversion Rate (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help=HELP["activity.conversion_rate"],
    )
    avg_deal_size = fields.Monetary(
        string="Average Deal Size",
        readonly=True,
        currency_field="currency_id",
        aggregator="avg",
        help=HELP["activity.avg_deal_size"],
    )
    avg_sales_cycle = fields.Float(
        string="Average Sales Cycle (days)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help=HELP["activity.avg_sales_cycle"],
    )

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._group_by())

    def init(self):
        # the KPIs of a period (plan lines, this report filtered on a period, dashboards) find their rows
        # through these instead of reading every call, journal item and lead
        cr = self.env.cr
        tools.create_index(cr, "crm_phonecall_company_date_idx", "crm_phonecall", ["company_id", "date"])
        tools.create_index(
            cr,
            "account_move_line_crm_revenue_idx",
            "account_move_line",
            ["company_id", "invoice_date"],
            where="display_type = 'product' AND parent_state = 'posted'",
        )
        # the new leads are read by their stored creation day (crm_custom's covering index on crm_lead): the
        # indexes on the creation time of earlier versions serve nothing any more
        cr.execute("DROP INDEX IF EXISTS crm_lead_company_create_date_idx")
        cr.execute("DROP INDEX IF EXISTS crm_lead_company_create_date_cover_idx")

    @api.model
    def _ratio_measures(self):
        kpi = self.env["crm.kpi"]
        parts = kpi._ratio_parts()
        return {
            name: (
                parts[code][:2],
                lambda sums, code=code: (
                    kpi._ratio_value(code, sums[parts[code][0]], sums[parts[code][1]])
                    if sums[parts[code][1]]
                    else None
                ),
            )
            for name, code in RATIO_MEASURES.items()
        }

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # the KPIs' aggregates only read the period the domain asks for (the domain still filters the rows)
        report = self.with_context(crm_report_period=self._domain_period(domain))
        return super(CrmReportActivity, report)._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _domain_period(self, domain):
        """``(first day, last day)`` (None when open) that the top-level conditions of ``domain`` on ``date``
        imply; a wider period is harmless, the report's domain is applied to the rows anyway."""
        if any(term in ("|", "!") for term in domain or ()):
            return (None, None)
        start = end = None
        for term in domain or ():
            if not isinstance(term, (list, tuple)) or len(term) != 3 or term[0] != "date" or not term[2]:
                continue
            try:
                day = fields.Date.to_date(term[2])
            except (TypeError, ValueError):
                continue
            if term[1] in (">=", ">", "="):
                start = max(start, day) if start else day
            if term[1] in ("<=", "=") or term[1] == "<":
                last = day - timedelta(days=1) if term[1] == "<" else day
                end = min(end, last) if end else last
        return (start, end)

    @api.model
    def _select(self):
        sums = SQL(", ").join(
            SQL("SUM(kpi.%s)::float / %s AS %s", SQL.identifier(code), factor, SQL.identifier(name))
            if factor != 1
            else SQL("SUM(kpi.%s) AS %s", SQL.identifier(code), SQL.identifier(name))
            for name, (code, factor) in MEASURES.items()
        )
        parts = self.env["crm.kpi"]._ratio_parts()
        ratios = SQL(", ").join(
            SQL(
                "CASE WHEN SUM(kpi.%s) <> 0 THEN %s * SUM(kpi.%s)::float / SUM(kpi.%s) END AS %s",
                SQL.identifier(parts[code][1]),
                parts[code][2],
                SQL.identifier(parts[code][0]),
                SQL.identifier(parts[code][1]),
                SQL.identifier(name),
            )
            for name, code in RATIO_MEASURES.items()
        )
        # a deterministic id from the row's key (the web client needs one per row): 16 bits of days,
        # 6 of company, 17 of salesperson, 10 of team (< 2^53)
        return SQL(
            """
            SELECT ((((kpi.day - DATE '2000-01-01')::bigint * 64 + mod(kpi.company_id, 64)) * 131072
                     + mod(COALESCE(kpi.user_id, 0), 131072)) * 1024
                     + mod(COALESCE(kpi.team_id, 0), 1024)) AS id,
                   kpi.day AS date, kpi.user_id, kpi.team_id, kpi.company_id,
                   MIN(cmp.currency_id) AS currency_id, %s, %s
            """,
            sums,
            ratios,
        )

    @api.model
    def _from(self):
        date_from, date_to = self.env.context.get("crm_report_period") or (None, None)
        return SQL(
            "FROM (%s) kpi JOIN res_company cmp ON cmp.id = kpi.company_id",
            self._kpi_rows(date_from=date_from, date_to=date_to),
        )

    @api.model
    def _group_by(self):
        return SQL("GROUP BY kpi.day, kpi.user_id, kpi.team_id, kpi.company_id")

    @api.model
    def _kpi_rows(self, companies=None, date_from=None, date_to=None):
        """The KPIs' own aggregates side by side (``crm.kpi._aggregate_several``), one column per KPI.

        A caller that reads only some measures (the dashboards) names them in the context key
        ``crm_report_measures``: the other KPIs are not computed, their columns are 0."""
        columns = [code for code, _factor in MEASURES.values()]
        wanted = self.env.context.get("crm_report_measures")
        codes = [code for name, (code, _factor) in MEASURES.items() if name in wanted] if wanted else columns
        return self.env["crm.kpi"]._aggregate_several(
            codes or columns[:1], companies or self.env.companies, date_from, date_to, columns=columns
        )
