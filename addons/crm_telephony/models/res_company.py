# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_phone_auto_lead = fields.Boolean(
        string="Lead from Unknown Caller",
        default=True,
        help="An inbound call from a number found on no client and no open lead creates a lead.",
    )

    def write(self, vals):
        res = super().write(vals)
        if {"country_id", "crm_phone_auto_lead"}.intersection(vals):
            self.env.registry.clear_cache()  # PBX intake configs hold the company's country and setting
        return res
