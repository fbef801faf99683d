# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .process_common import ProcessCommon

RAW_REPLY = """Return-Path: <{email}>
From: Boris Buyer <{email}>
To: sales@example.com
Subject: Re: {subject}
Date: Fri, 06 Mar 2026 10:00:00 +0000
Message-ID: <reply-{uid}@client.example.com>
In-Reply-To: {parent}
References: {parent}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

We accept the offer. Please send the invoice.
"""

RAW_NEW = """Return-Path: <{email}>
From: Boris Buyer <{email}>
To: sales@example.com
Subject: New order request
Date: Fri, 06 Mar 2026 11:00:00 +0000
Message-ID: <new-{uid}@client.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

We need 20 more units.
"""


@tagged("post_install", "-at_install")
class TestPortfolioAccess(ProcessCommon):
    """Portfolio access: salespeople see their clients (and unassigned ones) with their contacts and leads,
    team leaders their teams', managers, accounting and administrators everything; accounting, payments and
    the mail gateway keep working on every client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_portfolio_access = True
        cls.outsider = cls._user("portfolio_outsider", "sales_team.group_sale_salesman")
        cls.other_leader = cls._user("portfolio_other_leader", "sales_team.group_sale_salesman")
        cls.env["crm.team"].create(
            {
                "name": "Outside Team",
                "company_id": cls.company.id,
                "user_id": cls.other_leader.id,
                "member_ids": [Command.set(cls.outsider.ids)],
            }
        )
        cls.accountant = cls._user("portfolio_accountant", "account.group_account_invoice")
        cls.selling_accountant = cls._user(
            "portfolio_selling_accountant", "account.group_account_invoice,sales_team.group_sale_salesman"
        )
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "Mine Ltd", "is_company": True, "user_id": cls.salesman_1.id})
        cls.mine_contact = Partner.create({"name": "Mine Buyer", "parent_id": cls.mine.id})
        cls.theirs = Partner.create({"name": "Theirs Ltd", "is_company": True, "user_id": cls.outsider.id})
        cls.theirs_contact = Partner.create(
            {"name": "Boris Buyer", "parent_id": cls.theirs.id, "email": "boris@theirs.example.com"}
        )
        cls.pool = Partner.create({"name": "Nobody's Ltd", "is_company": True})
        Lead = cls.env["crm.lead"]
        cls.my_lead = Lead.create(
            {
                "name": "My deal",
                "partner_id": cls.mine_contact.id,
                "user_id": cls.salesman_1.id,
                "team_id": cls.team.id,
            }
        )
        cls.their_lead = Lead.create(
            {"name": "Their deal", "partner_id": cls.theirs.id, "user_id": cls.outsider.id}
        )
        cls.their_unassigned_lead = Lead.create(
            {"name": "Their unassigned lead", "partner_id": cls.theirs_contact.id, "user_id": False}
        )
        cls.pool_lead = Lead.create({"name": "Pool lead", "user_id": False})

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_salesperson_sees_only_own_and_unassigned_clients(self):
        partners = self.mine | self.mine_contact | self.theirs | self.theirs_contact | self.pool
        self.assertEqual(self._visible(self.salesman_1, partners), self.mine | self.mine_contact | self.pool)
        for record in (self.theirs, self.theirs_contact):
            with self.assertRaises(AccessError):
                record.with_user(self.salesman_1).read(["name", "phone"])
            with self.assertRaises(AccessError):
                record.with_user(self.salesman_1).write({"phone": "+1 555 0100"})
        self.assertTrue(self.salesman_1.partner_id.with_user(self.salesman_1).read(["name"]))
        self.assertTrue(
            self.outsider.partner_id.with_user(self.salesman_1).read(["name"]), "colleagues stay visible"
        )

    def test_salesperson_refused_on_another_clients_leads(self):
        leads = self.my_lead | self.their_lead | self.their_unassigned_lead | self.pool_lead
        self.assertEqual(self._visible(self.salesman_1, leads), self.my_lead | self.pool_lead)
        for lead in (self.their_lead, self.their_unassigned_lead):
            with self.assertRaises(AccessError):
                lead.with_user(self.salesman_1).read(["name", "expected_revenue"])

    def test_team_leader_sees_the_team(self):
        partners = self.mine | self.mine_contact | self.theirs | self.theirs_contact
        self.assertEqual(self._visible(self.leader, partners), self.mine | self.mine_contact)
        self.assertIn(self.my_lead, self._visible(self.leader, self.my_lead | self.their_lead))
        with self.assertRaises(AccessError):
            self.their_lead.with_user(self.leader).read(["name"])
        self.assertIn(self.their_lead, self._visible(self.other_leader, self.their_lead))

    def test_managers_accounting_see_everything_and_setting_off(self):
        partners = self.mine | self.theirs | self.theirs_contact | self.pool
        for user in (self.manager, self.accountant, self.selling_accountant):
            self.assertEqual(self._visible(user, partners), partners, user.login)
        self.company.crm_portfolio_access = False
        self.assertEqual(self._visible(self.salesman_1, partners), partners, "off: Odoo's own access")

    def test_accountant_invoices_and_registers_payment_on_any_client(self):
        for accountant in (self.accountant, self.selling_accountant):
            invoice = (
                self.env["account.move"]
                .with_user(accountant)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.theirs_contact.id,
                        "invoice_line_ids": [
                            Command.create({"name": "Units", "quantity": 2, "price_unit": 50.0})
                        ],
                    }
                )
            )
            invoice.action_post()
            self.assertEqual(invoice.state, "posted")
            (
                self.env["account.payment.register"]
                .with_user(accountant)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({})
                ._create_payments()
            )
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), accountant.login)

    def test_no_feedback_on_another_clients_card(self):
        with self.assertRaises(AccessError):
            self.env["crm.client.feedback"].with_user(self.salesman_1).create(
                {"partner_id": self.theirs_contact.id, "rating": "1", "company_id": self.company.id}
            )
        self.assertFalse(self.theirs.crm_feedback_alert)

    def test_salesperson_sells_to_own_client(self):
        order = (
            self.env["sale.order"]
            .with_user(self.salesman_1)
            .create(
                {
                    "partner_id": self.mine_contact.id,
                    "order_line": [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman_1).create({"partner_id": self.theirs.id}).read(
                ["partner_id"]
            )

    def test_mail_gateway_routes_replies_and_new_mail_of_any_client(self):
        sent = self.their_lead.message_post(
            body="Our offer", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        partners_before = self.env["res.partner"].search_count([])
        raw = RAW_REPLY.format(
            email=self.theirs_contact.email,
            subject=self.their_lead.name,
            parent=sent.message_id,
            uid=self.their_lead.id,
        )
        thread_id = self.env["mail.thread"].message_process("crm.lead", raw)
        self.assertEqual(thread_id, self.their_lead.id)
        reply = self.their_lead.message_ids.filtered(lambda m: "We accept the offer" in (m.body or ""))
        self.assertEqual(reply.author_id, self.theirs_contact, "the client's contact is recognised")
        new_id = self.env["mail.thread"].message_process(
            "crm.lead", RAW_NEW.format(email=self.theirs_contact.email, uid=self.their_lead.id)
        )
        new_lead = self.env["crm.lead"].browse(new_id)
        self.assertEqual(new_lead.partner_id, self.theirs_contact)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before, "no duplicate partner")
        # the salesperson of the lead reads the client's reply in the chatter
        messages = self.their_lead.with_user(self.outsider).message_ids
        self.assertIn(reply, messages)
        self.assertTrue(reply.with_user(self.outsider).read(["body", "author_id"]))
