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

    crm_phone_recording_max_mb = fields.Integer(
        string="Recording Size Limit (MB)",
        default=50,
        help="Call recordings larger than this are not downloaded (the download stops at this size).",
    )

    _sql_constraints = [
        (
            "crm_phone_recording_max_mb_positive",
            "CHECK(crm_phone_recording_max_mb > 0)",
            "The recording size limit must be positive.",
        ),
    ]

    def write(self, vals):
        res = super().write(vals)
        if {"country_id", "crm_phone_auto_lead"}.intersection(vals):
            self.env.registry.clear_cache()  # PBX intake configs hold the company's country and setting
        return res
