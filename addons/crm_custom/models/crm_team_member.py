# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

MEMBERSHIP_FIELDS = {"user_id", "crm_team_id", "active"}


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        self.env["crm.team"]._crm_portfolio_changed()
        return members

    def write(self, vals):
        result = super().write(vals)
        if MEMBERSHIP_FIELDS.intersection(vals):
            self.env["crm.team"]._crm_portfolio_changed()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["crm.team"]._crm_portfolio_changed()
        return result
