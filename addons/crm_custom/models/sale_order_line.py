# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # the journal items linked to or unlinked from order lines gain or lose the revenue of the orders' deals
    # (crm.deal.invoice.line), from either side of the link (account.move.line.sale_line_ids)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        if any(vals.get("invoice_lines") for vals in vals_list):
            self.env["crm.deal.invoice.line"]._refresh(line_ids=lines.sudo().invoice_lines.ids)
        return lines

    def write(self, vals):
        before = self.sudo().invoice_lines.ids if "invoice_lines" in vals else None
        result = super().write(vals)
        if before is not None:
            self.env["crm.deal.invoice.line"]._refresh(line_ids=before + self.sudo().invoice_lines.ids)
        return result

    def unlink(self):
        items = self.sudo().invoice_lines.ids
        result = super().unlink()
        self.env["crm.deal.invoice.line"]._refresh(line_ids=items)
        return result
