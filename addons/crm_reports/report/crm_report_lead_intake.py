# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from contextvars import ContextVar

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..models.report_help import HELP

# Set while a read_group that splits nothing by product runs (never from the context: that is user input)
_PER_LEAD = ContextVar("crm_report_lead_intake_per_lead", default=False)
# the fields that differ between a lead's rows; a read_group that touches none of them is answered per lead
_PRODUCT_FIELDS = frozenset({"id", "product_id", "product_categ_id"})
# the aggregates that are the same per lead as summed over its rows
_PER_LEAD_AGGREGATES = frozenset(
    {
        "__count",
        "lead_count:sum",
        "opportunity_count:sum",
        "won_count:sum",
        "lost_count:sum",
        "expected_revenue:sum",
    }
)


class CrmReportLeadIntake(models.Model):
    """New leads and opportunities by day of creation (company timezone), channel, product, team, salesperson.

    One row per lead and product of interest (one row for a lead without one). The measures of a lead with n
    products are split in n equal parts, so that a lead sums to exactly 1 (and its expected revenue to its
    amount) under any grouping that does not split by product.

    A ``read_group`` that neither groups, filters nor orders by product (the month x salesperson pivot)
    reads one row per lead with its whole measures instead, and counts each lead as its number of rows:
    the same sums without joining a million products of interest (docs/benchmarks.md).
    """

    _name = "crm.report.lead.intake"
    _inherit = "crm.report.mixin"
    _description = "Lead Intake Report"
    _auto = False
    _rec_name = "lead_id"
    _order = "date desc, id desc"

    date = fields.Date(string="Created On", readonly=True, help=HELP["intake.date"])
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", readonly=True)
    type = fields.Selection([("lead", "Lead"), ("opportunity", "Opportunity")], readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    product_id = fields.Many2one(
        "product.product", string="Product of Interest", readonly=True, help=HELP["intake.product_id"]
    )
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment_id = fields.Many2one("crm.client.segment", string="Client Segment", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    lead_count = fields.Float(string="Leads", readonly=True, digits=(16, 2), help=HELP["intake.lead_count"])
    opportunity_count = fields.Float(
        string="Opportunities", readonly=True, digits=(16, 2), help=HELP["intake.opportunity_count"]
    )
    won_count = fields.Float(string="Won", readonly=True, digits=(16, 2), help=HELP["intake.won_count"])
    lost_count = fields.Float(string="Lost", readonly=True, digits=(16, 2), help=HELP["intake.lost_count"])
    expected_revenue = fields.Monetary(
        readonly=True, currency_field="currency_id", help=HELP["intake.expected_revenue"]
    )

    _depends = {
        "crm.lead": [
            "create_date",
            "create_day",
            "product_interest_count",
            "type",
            "source_id",
            "medium_id",
            "campaign_id",
            "product_ids",
            "stage_id",
            "partner_id",
            "country_id",
            "state_id",
            "user_id",
            "team_id",
            "company_id",
            "active",
            "probability",
            "expected_revenue",
        ],
        "res.company": ["crm_tz", "currency_id"],
        "res.partner": ["segment_id", "commercial_partner_id"],
        "crm.stage": ["is_won"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
    }

    @property
    def _table_query(self):
        per_lead = _PER_LEAD.get()
        return SQL("%s %s %s", self._select(per_lead), self._from(per_lead), self._where())

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        token = _PER_LEAD.set(self._per_lead_answers(domain, groupby, aggregates, having, order))
        try:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        finally:
            _PER_LEAD.reset(token)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == "__count" and _PER_LEAD.get():
            # a lead stands for its rows: the count is the one of the rows split by product
            return SQL("SUM(%s)", SQL.identifier(self._table, "row_count"))
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _per_lead_answers(self, domain, groupby, aggregates, having, order):
        """Whether one row per lead gives this read_group the same result as the rows split by product: no
        product field (nor the row id) in the groups, the filter or the order, only sums of the measures."""
        if having or not set(aggregates) <= _PER_LEAD_AGGREGATES:
            return False
        names = {spec.split(":")[0].split(".")[0] for spec in groupby}
        for leaf in expression.normalize_domain(list(domain or [])):
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str):
                names.add(leaf[0].split(".")[0])
        names.update(re.findall(r"\w+", order or ""))
        return not names & _PRODUCT_FIELDS

    @api.model
    def _select(self, per_lead=False):
        if per_lead:
            # the lead's whole measures; it counts as its rows split by product (at least one)
            share = SQL("1.0")
            product = SQL("NULL::int AS product_id, NULL::int AS product_categ_id")
            row_count = SQL("GREATEST(lead.product_interest_count, 1)")
        else:
            # a lead with n products counts 1/n under each: numeric division keeps 20 decimals, so the parts
            # of a lead add up to 1 (and its expected revenue to the cent) once summed and read back
            share = SQL("(1.0 / COALESCE(product.n, 1))")
            product = SQL("product.product_id, template.categ_id AS product_categ_id")
            row_count = SQL("1")
        return SQL(
            """
            SELECT lead.id::bigint * 1048576 + mod(%(product_id)s, 1048576) AS id,
                   lead.create_day AS date,
                   lead.id AS lead_id,
                   lead.type,
                   lead.source_id,
                   lead.medium_id,
                   lead.campaign_id,
                   %(product)s,
                   lead.stage_id,
                   partner.commercial_partner_id AS partner_id,
                   commercial_partner.segment_id,
                   lead.country_id,
                   lead.state_id,
                   lead.user_id,
                   lead.team_id,
                   lead.company_id,
                   cmp.currency_id,
                   %(share)s AS lead_count,
                   CASE WHEN lead.type = 'opportunity' THEN %(share)s ELSE 0 END AS opportunity_count,
                   CASE WHEN lead.active AND stage.is_won THEN %(share)s ELSE 0 END AS won_count,
                   CASE WHEN NOT lead.active AND lead.probability = 0 THEN %(share)s ELSE 0 END AS lost_count,
                   COALESCE(lead.expected_revenue, 0) * %(share)s AS expected_revenue,
                   %(row_count)s AS row_count
            """,
            product_id=SQL("0") if per_lead else SQL("COALESCE(product.product_id, 0)"),
            product=product,
            share=share,
            row_count=row_count,
        )

    @api.model
    def _from(self, per_lead=False):
        # the day is the lead's stored creation day (its creation time in the company's timezone); the joins
        # whose columns a query does not use are removed by PostgreSQL (left joins on a primary key)
        leads = SQL(
            """
              FROM crm_lead lead
              LEFT JOIN res_company cmp ON cmp.id = lead.company_id
              LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
              LEFT JOIN res_partner partner ON partner.id = lead.partner_id
              LEFT JOIN res_partner commercial_partner
                     ON commercial_partner.id = partner.commercial_partner_id
            """
        )
        if per_lead:
            return leads
        # the products of interest with their number per lead, read in one ordered pass over the relation's
        # primary key (a per-lead look-up costs a million index scans)
        return SQL(
            """
            %s
              LEFT JOIN (
                    SELECT rel.lead_id, rel.product_id, COUNT(*) OVER (PARTITION BY rel.lead_id) AS n
                      FROM crm_lead_product_interest_rel rel
              ) product ON product.lead_id = lead.id
              LEFT JOIN product_product pp ON pp.id = product.product_id
              LEFT JOIN product_template template ON template.id = pp.product_tmpl_id
            """,
            leads,
        )

    @api.model
    def _where(self):
        return SQL("")
