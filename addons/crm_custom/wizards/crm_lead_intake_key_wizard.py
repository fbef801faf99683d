# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmLeadIntakeKeyWizard(models.TransientModel):
    _name = "crm.lead.intake.key.wizard"
    _description = "Lead Intake Key (shown once)"

    source_id = fields.Many2one("crm.lead.intake.source", readonly=True)
    key = fields.Char(readonly=True)
