# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmPbxTokenWizard(models.TransientModel):
    _name = "crm.pbx.token.wizard"
    _description = "PBX API Token (shown once)"

    pbx_id = fields.Many2one("crm.pbx", string="PBX", readonly=True)
    token = fields.Char(readonly=True)
