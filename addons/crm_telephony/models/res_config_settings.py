# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_phone_auto_lead = fields.Boolean(related="company_id.crm_phone_auto_lead", readonly=False)
    crm_phone_recording_max_mb = fields.Integer(
        related="company_id.crm_phone_recording_max_mb", readonly=False
    )
