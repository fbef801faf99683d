# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.report_help import HELP


class CrmReportChannel(models.Model):
    """Channel effectiveness: leads, won deals, revenue and marketing spend per utm source, medium, campaign.

    Three kinds of rows side by side, each on its own day: one per lead (its creation day), one per journal
    item of revenue invoiced from the sale orders of an opportunity (its invoice date, the opportunity's
    channel), one per marketing spend (the first day of its month). Grouped by channel and period, the rows
    give the leads, won deals, revenue and spend of each channel; cost per lead, cost per won deal and ROMI
    are computed from each group's sums (``crm.report.ratio.mixin``). Leads without a source form their own
    group (no source), they are not dropped.
    """

    _name = "crm.report.channel"
    _inherit = "crm.report.ratio.mixin"
    _description = "Channel Effectiveness Report"
    _auto = False
    _rec_name = "source_id"
    _order = "date desc, id desc"

    date = fields.Date(readonly=True, help=HELP["channel.date"])
    cohort_date = fields.Date(string="Lead Created On", readonly=True, help=HELP["channel.cohort_date"])
    kind = fields.Selection(
        [("lead", "Lead"), ("revenue", "Revenue"), ("spend", "Spend")],
        string="Row",
        readonly=True,
        help=HELP["channel.kind"],
    )
    source_id = fields.Many2one("utm.source", readonly=True, help=HELP["channel.source_id"])
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    lead_count = fields.Integer(string="Leads", readonly=True, help=HELP["channel.lead_count"])
    opportunity_count = fields.Integer(
        string="Opportunities", readonly=True, help=HELP["channel.opportunity_count"]
    )
    won_count = fields.Integer(string="Won Deals", readonly=True, help=HELP["channel.won_count"])
    revenue = fields.Monetary(readonly=True, currency_field="currency_id", help=HELP["channel.revenue"])
    spend = fields.Monetary(readonly=True, currency_field="currency_id", help=HELP["channel.spend"])
    cost_per_lead = fields.Monetary(
        string="Cost per Lead",
        readonly=True,
        currency_field="currency_id",
        aggregator="avg",
        help=HELP["channel.cost_per_lead"],
    )
    cost_per_won = fields.Monetary(
        string="Cost per Won Deal",
        readonly=True,
        currency_field="currency_id",
        aggregator="avg",
        help=HELP["channel.cost_per_won"],
    )
    romi = fields.Float(
        string="ROMI (%)", readonly=True, digits=(16, 1), aggregator="avg", help=HELP["channel.romi"]
    )

    _depends = {
        "crm.lead": [
            "create_date",
            "create_day",
            "type",
            "active",
            "stage_id",
            "source_id",
            "medium_id",
            "campaign_id",
            "user_id",
            "team_id",
            "company_id",
        ],
        "crm.stage": ["is_won"],
        "crm.marketing.cost": ["date", "company_id", "source_id", "medium_id", "campaign_id", "amount"],
        "crm.deal.invoice.line": [
            "move_line_id",
            "opportunity_id",
            "is_primary",
            "company_id",
            "currency_id",
            "invoice_date",
            "balance",
        ],
        "res.company": ["crm_tz", "currency_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            "%s UNION ALL %s UNION ALL %s", self._select_leads(), self._select_revenue(), self._select_spend()
        )

    @api.model
    def _ratio_measures(self):
        return {
            "cost_per_lead": (("spend", "lead_count"), lambda s: self._ratio(s["spend"], s["lead_count"])),
            "cost_per_won": (("spend", "won_count"), lambda s: self._ratio(s["spend"], s["won_count"])),
            "romi": (
                ("revenue", "spend"),
                lambda s: self._ratio(s["revenue"] - s["spend"], s["spend"], 100.0),
            ),
        }

    @api.model
    def _no_ratios(self):
        # one row has either leads, revenue or spend: a ratio of a single row is never defined
        return SQL("NULL::numeric AS cost_per_lead, NULL::numeric AS cost_per_won, NULL::float AS romi")

    @api.model
    def _select_leads(self):
        # the lead's stored creation day (its creation time in the company's timezone): no conversion per row,
        # and the company is joined only for its currency (removed by PostgreSQL when a query does not use it)
        day = SQL("lead.create_day")
        return SQL(
            """
            SELECT lead.id * 4 AS id, 'lead' AS kind, %(day)s AS date, %(day)s AS cohort_date,
                   lead.source_id, lead.medium_id, lead.campaign_id, lead.id AS lead_id,
                   lead.user_id, lead.team_id, lead.company_id, cmp.currency_id,
                   1 AS lead_count,
                   CASE WHEN lead.type = 'opportunity' THEN 1 ELSE 0 END AS opportunity_count,
                   CASE WHEN lead.active AND stage.is_won THEN 1 ELSE 0 END AS won_count,
                   0::numeric AS revenue, 0::numeric AS spend, %(ratios)s
              FROM crm_lead lead
              LEFT JOIN res_company cmp ON cmp.id = lead.company_id
              LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
            """,
            day=day,
            ratios=self._no_ratios(),
        )

    @api.model
    def _select_revenue(self):
        # each journal item of revenue once, credited to the oldest opportunity whose orders invoiced it (the
        # primary rows of the attribution crm_custom keeps, crm.deal.invoice.line)
        self.env["crm.deal.invoice.line"].flush_model()
        return SQL(
            """
            SELECT dil.move_line_id * 4 + 1 AS id, 'revenue' AS kind, dil.invoice_date AS date,
                   %(cohort)s AS cohort_date,
                   lead.source_id, lead.medium_id, lead.campaign_id, lead.id AS lead_id,
                   lead.user_id, lead.team_id, dil.company_id, dil.currency_id,
                   0 AS lead_count, 0 AS opportunity_count, 0 AS won_count,
                   -dil.balance AS revenue, 0::numeric AS spend, %(ratios)s
              FROM crm_deal_invoice_line dil
              JOIN crm_lead lead ON lead.id = dil.opportunity_id
             WHERE dil.is_primary
            """,
            # the opportunity's creation day in its company's timezone, stored on the lead (crm_custom)
            cohort=SQL("lead.create_day"),
            ratios=self._no_ratios(),
        )

    @api.model
    def _select_spend(self):
        return SQL(
            """
            SELECT cost.id * 4 + 2 AS id, 'spend' AS kind, cost.date, cost.date AS cohort_date,
                   cost.source_id, cost.medium_id, cost.campaign_id, NULL::int AS lead_id,
                   NULL::int AS user_id, NULL::int AS team_id, cost.company_id, cmp.currency_id,
                   0 AS lead_count, 0 AS opportunity_count, 0 AS won_count,
                   0::numeric AS revenue, cost.amount AS spend, %s
              FROM crm_marketing_cost cost
              JOIN res_company cmp ON cmp.id = cost.company_id
            """,
            self._no_ratios(),
        )
