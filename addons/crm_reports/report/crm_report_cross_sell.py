# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.report_help import HELP
from ..models.res_partner import ABC_CLASSES


class CrmReportCrossSell(models.Model):
    """Cross-sell matrix: who buys what. The rows of the sales report (``crm.report.sales``: product lines of
    posted customer invoices and credit notes), with the number of different clients who bought as a measure
    and the client's ABC class as a dimension: product categories or products by client segment, with clients
    and revenue in each cell."""

    _name = "crm.report.cross.sell"
    _inherit = "crm.report.sales"
    _description = "Cross-Sell Matrix"
    _auto = False

    client_count = fields.Integer(
        string="Clients", readonly=True, aggregator="count_distinct", help=HELP["cross.client_count"]
    )
    abc_class = fields.Selection(ABC_CLASSES, string="ABC Class", readonly=True, help=HELP["cross.abc_class"])

    @api.model
    def _select(self):
        # the commercial partner's id as the measure: COUNT(DISTINCT) of it is the number of clients of a cell
        return SQL(
            "%s, move.commercial_partner_id AS client_count,"
            " commercial_partner.crm_abc_class ->> line.company_id::text AS abc_class",
            super()._select(),
        )
