# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import mail_new_test_user


class PlanCommon(AccountTestInvoicingCommon):
    """Real books for the sales plans: a team of two salespeople with a leader, a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # the accounting test user also manages sales: it sets plans up like a head of sales would
        cls.env.user.groups_id += cls.env.ref("sales_team.group_sale_manager")
        cls.company_2 = cls.setup_other_company(name="Other Company")["company"]
        cls.kpi_revenue = cls.env.ref("crm_custom.kpi_revenue")
        cls.kpi_leads_new = cls.env.ref("crm_custom.kpi_leads_new")
        cls.kpi_meetings = cls.env.ref("crm_custom.kpi_meetings")
        cls.kpi_deals_won = cls.env.ref("crm_custom.kpi_deals_won")
        cls.kpi_proposals_sent = cls.env.ref("crm_custom.kpi_proposals_sent")
        cls.salesman_1 = cls._user("plan_salesman_1", "sales_team.group_sale_salesman")
        cls.salesman_2 = cls._user("plan_salesman_2", "sales_team.group_sale_salesman")
        cls.leader = cls._user("plan_leader", "sales_team.group_sale_salesman")
        cls.manager = cls._user("plan_manager", "sales_team.group_sale_manager")
        cls.accountant = cls._user("plan_accountant", "account.group_account_user")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Plan Team",
                "company_id": cls.company.id,
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.salesman_1 + cls.salesman_2).ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Plan Customer", "is_company": True})

    @classmethod
    def _user(cls, login, groups, company=None):
        company = company or cls.env.company
        return mail_new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{groups}",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _invoice(
        cls,
        user,
        amounts,
        invoice_date,
        move_type="out_invoice",
        post=True,
        currency=None,
        company=None,
        team=None,
    ):
        """A customer invoice (or other move) with one taxed line per amount, untaxed ``amounts``."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": cls.customer.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_user_id": user.id,
                    "team_id": (team or cls.team).id if company == cls.company else False,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.set(cls._sale_tax(company, move_type).ids)],
                            }
                        )
                        for amount in amounts
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _reverse(cls, invoice, reversal_date, modify=False):
        """Reverse through Odoo's wizard: a posted credit note (``modify``: reconciled, invoice reversed)."""
        wizard = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": reversal_date, "journal_id": invoice.journal_id.id, "reason": "Returned"})
        )
        if modify:
            wizard.modify_moves()
        else:
            wizard.refund_moves()
            wizard.new_move_ids.action_post()
        return invoice.reversal_move_ids

    @classmethod
    def _sale_tax(cls, company, move_type):
        tax_use = "purchase" if move_type.startswith("in_") else "sale"
        return cls.env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", tax_use),
                ("amount_type", "=", "percent"),
            ],
            limit=1,
        )

    @classmethod
    def _plan(cls, month_start, targets, state="open", team=None, kpi=None):
        """A monthly plan with one line per (user or False, target) of ``kpi`` (revenue by default)."""
        kpi = kpi or cls.kpi_revenue
        plan = cls.env["crm.sales.plan"].create(
            {
                "team_id": (team or cls.team).id,
                "date_from": month_start,
                "line_ids": [
                    Command.create(
                        {"user_id": user.id if user else False, "kpi_id": kpi.id, "target": target}
                    )
                    for user, target in targets
                ],
            }
        )
        if state in ("open", "closed"):
            plan.action_open()
        if state == "closed":
            plan.action_close()
        return plan

    def _line(self, plan, user, kpi=None):
        kpi = kpi or self.kpi_revenue
        user = user or self.env["res.users"]
        return plan.line_ids.filtered(lambda line: line.user_id == user and line.kpi_id == kpi)

    @staticmethod
    def _march():
        return date(2026, 3, 1), date(2026, 3, 31)
