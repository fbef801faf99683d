# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.report_help import HELP


class CrmReportSales(models.Model):
    """Invoiced revenue from accounting: one row per product line of a posted customer invoice or credit note.

    The lines are those of the Revenue KPI (``crm.kpi._revenue_line_filter``), so the report's total for any
    filter equals the journal-item balance of the same lines, to the cent.
    """

    _name = "crm.report.sales"
    _inherit = "crm.report.mixin"
    _description = "Sales Report (Invoiced Revenue)"
    _auto = False
    _rec_name = "move_id"
    _order = "date desc, id desc"

    date = fields.Date(string="Invoice Date", readonly=True, help=HELP["sales.date"])
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Customer Invoice"), ("out_refund", "Customer Credit Note")],
        string="Document Type",
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, help=HELP["sales.partner_id"]
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, help=HELP["sales.user_id"])
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True, help=HELP["sales.team_id"])
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    segment_id = fields.Many2one(
        "crm.client.segment", string="Client Segment", readonly=True, help=HELP["sales.segment_id"]
    )
    country_id = fields.Many2one("res.country", readonly=True, help=HELP["sales.country_id"])
    state_id = fields.Many2one("res.country.state", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    revenue = fields.Monetary(readonly=True, currency_field="currency_id", help=HELP["sales.revenue"])
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure", help=HELP["sales.quantity"])

    _depends = {
        "account.move": ["move_type", "state", "invoice_user_id", "team_id", "commercial_partner_id"],
        "account.move.line": [
            "move_id",
            "parent_state",
            "display_type",
            "invoice_date",
            "product_id",
            "product_uom_id",
            "quantity",
            "balance",
            "company_id",
            "company_currency_id",
        ],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id", "uom_id"],
        "res.partner": ["segment_id", "country_id", "state_id"],
        "uom.uom": ["factor"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        return SQL(
            """
            SELECT line.id,
                   line.invoice_date AS date,
                   line.move_id,
                   move.move_type,
                   move.commercial_partner_id AS partner_id,
                   move.invoice_user_id AS user_id,
                   move.team_id,
                   line.product_id,
                   template.categ_id AS product_categ_id,
                   commercial_partner.segment_id,
                   commercial_partner.country_id,
                   commercial_partner.state_id,
                   line.company_id,
                   line.company_currency_id AS currency_id,
                   -line.balance AS revenue,
                   line.quantity
                       / NULLIF(COALESCE(uom_line.factor, 1) / COALESCE(uom_template.factor, 1), 0.0)
                       * (CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END) AS quantity
            """
        )

    @api.model
    def _from(self):
        return SQL(
            """
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              LEFT JOIN res_partner commercial_partner ON commercial_partner.id = move.commercial_partner_id
              LEFT JOIN product_product product ON product.id = line.product_id
              LEFT JOIN product_template template ON template.id = product.product_tmpl_id
              LEFT JOIN uom_uom uom_line ON uom_line.id = line.product_uom_id
              LEFT JOIN uom_uom uom_template ON uom_template.id = template.uom_id
            """
        )

    @api.model
    def _where(self):
        return SQL("WHERE %s", self.env["crm.kpi"]._revenue_line_filter("line", "move"))
