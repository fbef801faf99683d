# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import mail_new_test_user

from ..models.base_automation import PROCESS_SWITCHES


class ProcessCommon(AccountTestInvoicingCommon):
    """Two companies with a Monday-to-Friday working schedule in UTC, a team of two salespeople with a
    leader, a sales manager, and every process off (the tests switch on what they test, at the frozen
    time they start from)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company_2 = cls.setup_other_company(name="Process Company 2")["company"]
        cls.calendar = cls.env["resource.calendar"].create({"name": "Office week (UTC)", "tz": "UTC"})
        (cls.company + cls.company_2).write(
            {
                "resource_calendar_id": cls.calendar.id,
                **dict.fromkeys(PROCESS_SWITCHES.values(), False),
                "crm_portfolio_access": False,
            }
        )
        # processes are switched by company: the other companies of the database (demo) must not run them
        cls.env["res.company"].search([]).write(dict.fromkeys(PROCESS_SWITCHES.values(), False))
        companies = cls.company + cls.company_2
        cls.salesman_1 = cls._user("process_salesman_1", "sales_team.group_sale_salesman", companies)
        cls.salesman_2 = cls._user("process_salesman_2", "sales_team.group_sale_salesman", companies)
        cls.leader = cls._user("process_leader", "sales_team.group_sale_salesman", companies)
        cls.manager = cls._user("process_manager", "sales_team.group_sale_manager", companies)
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Process Team",
                "company_id": cls.company.id,
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.salesman_1 + cls.salesman_2).ids)],
            }
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Process Client", "is_company": True, "email": "client@example.com"}
        )
        cls.client_contact = cls.env["res.partner"].create(
            {"name": "Client Buyer", "parent_id": cls.client.id, "email": "buyer@example.com"}
        )

    @classmethod
    def _user(cls, login, groups, companies=None):
        companies = companies or cls.company
        return mail_new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{groups}",
            company_id=companies[0].id,
            company_ids=[Command.set(companies.ids)],
            tz="UTC",
        )

    def _switch(self, process, on=True, companies=None):
        """Switch ``process`` on or off for ``companies`` (the first company by default) at the frozen time,
        through the settings as an administrator would."""
        for company in companies or self.company:
            settings = self.env["res.config.settings"].with_company(company).create({})
            settings[PROCESS_SWITCHES[process]] = on
            settings.execute()

    def _rules(self, process):
        return (
            self.env["base.automation"]
            .with_context(active_test=False)
            .search([("crm_process", "=", process)])
        )

    def _activities(self, records, xmlid):
        activity_type = self.env.ref(xmlid)
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )

    def _done_messages(self, record, xmlid):
        return record.message_ids.filtered(lambda m: m.mail_activity_type_id == self.env.ref(xmlid))

    def _invoice(self, user=None, company=None, partner=None, amount=100.0, post=True):
        company = company or self.company
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or self.client).id,
                    "invoice_date": fields.Date.context_today(self.env.user),
                    "invoice_user_id": (user or self.salesman_1).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": False}
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def _pay(self, moves, amount=None):
        vals = {"amount": amount} if amount else {}
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(vals)
            ._create_payments()
        )

    def _order(self, user=None, company=None, lead=None, product=None, qty=1.0):
        company = company or self.company
        return (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": self.client.id,
                    "user_id": (user or self.salesman_1).id,
                    "company_id": company.id,
                    "opportunity_id": lead.id if lead else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": (product or self.product_a).id,
                                "product_uom_qty": qty,
                                "price_unit": 100.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )

    def _lead(self, user=None, company=None, stage=None, partner=None, **vals):
        company = company or self.company
        return (
            self.env["crm.lead"]
            .with_company(company)
            .create(
                {
                    "name": vals.pop("name", "Process Deal"),
                    "type": "opportunity",
                    "partner_id": (partner or self.client_contact).id,
                    "user_id": (user or self.salesman_1).id,
                    "team_id": self.team.id if company == self.company else False,
                    "company_id": company.id,
                    "stage_id": (stage or self.env.ref("crm.stage_lead1")).id,
                    **vals,
                }
            )
        )
