# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models


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

    crm_dashboard_landing = fields.Boolean(
        string="Open CRM on the Dashboard",
        help="The CRM app opens on the role dashboard (CRM > Dashboard) instead of the pipeline, for every "
        "user (the order of the CRM menus, shared by all companies).",
    )

    @api.model
    def get_values(self):
        values = super().get_values()
        values["crm_dashboard_landing"] = self.env["crm.dashboard"]._is_landing()
        return values

    def set_values(self):
        result = super().set_values()
        if self.env["crm.dashboard"]._is_landing() != self.crm_dashboard_landing:
            self.env["crm.dashboard"]._set_landing(self.crm_dashboard_landing)
        return result
