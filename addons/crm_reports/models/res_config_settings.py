# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_abc_months = fields.Integer(related="company_id.crm_abc_months", readonly=False)

    def action_crm_abc_recompute(self):
        """Recompute the ABC classes of the company's clients now (the nightly job does it every night)."""
        self.ensure_one()
        counts = self.env["res.partner"].sudo()._crm_abc_compute(self.company_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "ABC classes recomputed: %(a)s A, %(b)s B, %(c)s C clients.",
                    a=counts["a"],
                    b=counts["b"],
                    c=counts["c"],
                ),
            },
        }
