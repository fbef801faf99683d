# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_abc_months = fields.Integer(
        string="ABC Analysis Period (months)",
        default=12,
        help="The ABC classes of the clients are computed every night from their revenue over this many "
        "last months, up to today.",
    )

    _sql_constraints = [
        ("crm_abc_months_positive", "CHECK(crm_abc_months > 0)", "The ABC period is at least one month."),
    ]

    def write(self, vals):
        result = super().write(vals)
        if "crm_tz" in vals:
            # the funnel's days are stored in the company's timezone: a job recomputes them
            self.env["crm.lead.stage.reach"]._trigger_rebuild()
        return result
