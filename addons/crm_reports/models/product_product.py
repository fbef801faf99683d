# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def unlink(self):
        # PostgreSQL removes the deleted products from the leads' products of interest (ON DELETE CASCADE),
        # which Odoo does not see: the leads' count of products of interest is set again from the relation
        leads = self.env["crm.lead"]._interested_in(self.ids)
        result = super().unlink()
        if leads:
            self.env["crm.lead"]._refresh_product_interest_count(leads)
        return result
