# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_reason_required = fields.Boolean(compute="_compute_lost_reason_required")

    @api.depends("lead_ids")
    def _compute_lost_reason_required(self):
        for wizard in self:
            wizard.lost_reason_required = any(
                (lead.company_id or self.env.company).crm_lost_reason_required for lead in wizard.lead_ids
            )
