# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self._funnel_order_changed()
        return stages

    def write(self, vals):
        result = super().write(vals)
        if "sequence" in vals:
            self._funnel_order_changed()
        return result

    def unlink(self):
        result = super().unlink()
        self._funnel_order_changed()
        return result

    @api.model
    def _funnel_order_changed(self):
        """The stages a deal reached depend on the order of the stages: the funnel is rebuilt by a job (a
        full rebuild takes too long for the request that reorders the pipeline's columns)."""
        self.env["crm.lead.stage.reach"]._trigger_rebuild()
