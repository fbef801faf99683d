# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "member_ids" in vals:
            self._crm_portfolio_changed()
        return result

    @api.model
    def _crm_portfolio_changed(self):
        """Team leaders and members decide who sees which clients under portfolio access, and the record
        rules are cached: drop the cache when a company uses portfolio access."""
        if self.env["res.company"].sudo().search_count([("crm_portfolio_access", "=", True)], limit=1):
            self.env.registry.clear_cache()
