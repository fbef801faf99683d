# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # a line of a draft move gets its rows when the move is posted (account.move.write)
        posted = lines.filtered(lambda line: line.parent_state == "posted" and line.sale_line_ids)
        if posted:
            self.env["crm.deal.invoice.line"]._refresh(line_ids=posted.ids)
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "sale_line_ids" in vals:
            posted = self.filtered(lambda line: line.parent_state == "posted")
            if posted:
                self.env["crm.deal.invoice.line"]._refresh(line_ids=posted.ids)
        return result
