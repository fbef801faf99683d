# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# Users of these groups keep full access when their company restricts salespeople to their portfolio
# (looked up by XML id: stock's group only exists where Inventory is installed).
PORTFOLIO_FULL_ACCESS_GROUPS = (
    "sales_team.group_sale_salesman_all_leads",
    "account.group_account_invoice",
    "account.group_account_readonly",
    "stock.group_stock_user",
    "base.group_erp_manager",
)


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        """Adds ``crm_portfolio_user_ids`` and ``crm_portfolio_team_ids`` for the portfolio rules: None when
        the current user is not restricted (the current company does not restrict access, or the user
        is not a salesperson of own documents only), else the users whose clients the user sees (the user
        and the members of the teams the user leads) and the teams the user leads."""
        context = super()._eval_context()
        user_ids, team_ids = self._crm_portfolio()
        context.update(crm_portfolio_user_ids=user_ids, crm_portfolio_team_ids=team_ids)
        return context

    @api.model
    def _crm_portfolio(self):
        user = self.env.user
        if not self.env.company.sudo().crm_portfolio_access or user._is_superuser():
            return None, None
        if not user.has_group("sales_team.group_sale_salesman"):
            return None, None
        if any(user.has_group(xmlid) for xmlid in PORTFOLIO_FULL_ACCESS_GROUPS if self.env.ref(xmlid, False)):
            return None, None
        teams = (
            self.env["crm.team"].sudo().with_context(active_test=False).search([("user_id", "=", user.id)])
        )
        return sorted({user.id, *teams.member_ids.ids}), teams.ids
