# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.report_help import HELP


class CrmReportLeadIntake(models.Model):
    """New leads and opportunities by day of creation (company timezone), channel, product, team, salesperson.

    One row per lead and product of interest (one row for a lead without one). The measures of a lead with n
    products are split in n equal parts, so that a lead sums to exactly 1 (and its expected revenue to its
    amount) under any grouping that does not split by product.
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
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        # a lead with n products counts 1/n under each: numeric division keeps 20 decimals, so the parts of a
        # lead add up to 1 (and its expected revenue to the cent) once summed and read back
        share = SQL("(1.0 / COALESCE(product.n, 1))")
        return SQL(
            """
            SELECT lead.id::bigint * 1048576 + mod(COALESCE(product.product_id, 0), 1048576) AS id,
                   %(day)s AS date,
                   lead.id AS lead_id,
                   lead.type,
                   lead.source_id,
                   lead.medium_id,
                   lead.campaign_id,
                   product.product_id,
                   template.categ_id AS product_categ_id,
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
                   COALESCE(lead.expected_revenue, 0) * %(share)s AS expected_revenue
            """,
            day=self.env["crm.kpi"]._local_day(SQL("lead.create_date"), SQL("cmp.crm_tz")),
            share=share,
        )

    @api.model
    def _from(self):
        # the products of interest with their number per lead, read in one ordered pass over the relation's
        # primary key (a per-lead look-up costs a million index scans)
        return SQL(
            """
              FROM crm_lead lead
              LEFT JOIN res_company cmp ON cmp.id = lead.company_id
              LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
              LEFT JOIN res_partner partner ON partner.id = lead.partner_id
              LEFT JOIN res_partner commercial_partner
                     ON commercial_partner.id = partner.commercial_partner_id
              LEFT JOIN (
                    SELECT rel.lead_id, rel.product_id, COUNT(*) OVER (PARTITION BY rel.lead_id) AS n
                      FROM crm_lead_product_interest_rel rel
              ) product ON product.lead_id = lead.id
              LEFT JOIN product_product pp ON pp.id = product.product_id
              LEFT JOIN product_template template ON template.id = pp.product_tmpl_id
            """
        )

    @api.model
    def _where(self):
        return SQL("")
