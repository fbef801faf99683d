# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    stage_history_ids = fields.One2many(
        "crm.lead.stage.history", "lead_id", groups="sales_team.group_sale_salesman"
    )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._stage_history_record()
        return leads

    def write(self, vals):
        if not vals.get("stage_id"):
            return super().write(vals)
        # crm's own write reads the old stages of the batch too: no extra query
        moved = self.filtered(lambda lead: lead.stage_id.id != vals["stage_id"])
        result = super().write(vals)
        moved._stage_history_record()
        return result

    def _stage_history_record(self):
        """One statement for the batch: the deals enter their current stage now (see the history model)."""
        if not self:
            return
        self.env["crm.lead.stage.history"]._record(
            [(lead.id, lead.stage_id.id, lead.company_id.id) for lead in self],
            fields.Datetime.now(),
            self.env.uid,
        )
