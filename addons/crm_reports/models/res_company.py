# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        result = super().write(vals)
        if "crm_tz" in vals:
            # the funnel's days are stored in the company's timezone: a job recomputes them
            self.env["crm.lead.stage.reach"]._trigger_rebuild()
        return result
