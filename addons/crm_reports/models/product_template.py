# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def unlink(self):
        # the variants go with their template (see product.product's unlink)
        variants = self.with_context(active_test=False).product_variant_ids
        leads = self.env["crm.lead"]._interested_in(variants.ids)
        result = super().unlink()
        if leads:
            self.env["crm.lead"]._refresh_product_interest_count(leads)
        return result
