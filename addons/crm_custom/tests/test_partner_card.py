# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPartnerCard(TransactionCase):
    """Client card: requisites, addresses, segment, client status and amount due."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_duplicate_guard = "off"
        cls.client = cls.env["res.partner"].create(
            {"name": "Sever Metal", "is_company": True, "company_id": cls.company.id}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Olga Sidorova", "parent_id": cls.client.id})
        cls.salesman = new_test_user(cls.env, login="card_salesman", groups="sales_team.group_sale_salesman")
        cls.reason = cls.env["crm.lost.reason"].create({"name": "No budget"})

    def _invoice(self, partner, date, amount=1000.0, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": date,
                "invoice_line_ids": [Command.create({"name": "Steel", "quantity": 1, "price_unit": amount})],
            }
        )
        move.action_post()
        return move

    # -- client status --------------------------------------------------------------------------------
    @freeze_time("2026-06-30")
    def test_status_prospect_then_active_then_dormant(self):
        self.assertEqual(self.client.client_status, "prospect")
        self._invoice(self.client, "2026-06-01")
        self.assertEqual(self.client.client_status, "active")
        self.assertFalse(self.contact.client_status, "only the client itself carries the status")
        with freeze_time("2026-12-29"):  # 211 days later, beyond the default 180
            self.env["res.partner"]._cron_compute_client_status()
            self.assertEqual(self.client.client_status, "dormant")
            self.assertEqual(
                self.env["res.partner"].search(
                    [("client_status", "=", "dormant"), ("id", "=", self.client.id)]
                ),
                self.client,
            )

    @freeze_time("2026-06-30")
    def test_invoice_of_a_contact_counts_for_the_client(self):
        self._invoice(self.contact, "2026-06-15")
        self.assertEqual(self.client.client_status, "active")

    @freeze_time("2026-06-30")
    def test_draft_invoice_does_not_count(self):
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.client.id,
                "invoice_date": "2026-06-20",
                "invoice_line_ids": [Command.create({"name": "Steel", "quantity": 1, "price_unit": 10})],
            }
        )
        self.assertEqual(self.client.client_status, "prospect")

    @freeze_time("2026-06-30")
    def test_lost_when_last_deal_lost_and_none_open(self):
        deal = self.env["crm.lead"].create(
            {"name": "Rolling mill", "type": "opportunity", "partner_id": self.client.id}
        )
        self.assertEqual(self.client.client_status, "prospect")
        deal.action_set_lost(lost_reason_id=self.reason.id)
        self.assertEqual(self.client.client_status, "lost")
        self.env["crm.lead"].create(
            {"name": "Second try", "type": "opportunity", "partner_id": self.contact.id}
        )
        self.assertEqual(self.client.client_status, "prospect")

    @freeze_time("2026-06-30")
    def test_period_setting_moves_clients(self):
        self._invoice(self.client, "2026-03-01")  # 121 days ago
        self.assertEqual(self.client.client_status, "active")
        self.company.crm_client_active_days = 90
        self.assertEqual(self.client.client_status, "dormant")
        self.company.crm_client_active_days = 180
        self.assertEqual(self.client.client_status, "active")

    # -- requisites, addresses, money -----------------------------------------------------------------
    def test_kpp_must_have_nine_characters(self):
        self.client.kpp = "770101001"
        with self.assertRaises(ValidationError) as caught:
            self.client.kpp = "7701"
        self.assertRegex(str(caught.exception), "KPP 7701")
        self.assertEqual(self.client.kpp, "770101001")

    def test_legal_and_actual_addresses_are_child_addresses(self):
        invoice_address = self.env["res.partner"].create(
            {"name": "HQ", "type": "invoice", "parent_id": self.client.id, "city": "Moscow"}
        )
        delivery = self.env["res.partner"].create(
            {"name": "Plant", "type": "delivery", "parent_id": self.client.id, "city": "Tula"}
        )
        self.assertEqual(self.client.legal_address_id, invoice_address)
        self.assertEqual(self.client.actual_address_id, delivery)
        self.assertIn("Tula", self.client.actual_address)
        self.assertEqual(
            self.contact.legal_address_id, invoice_address, "contacts show their client's addresses"
        )

    def test_amount_due_counts_posted_invoices_minus_credit_notes(self):
        self._invoice(self.client, "2026-06-01", 1000.0)
        self._invoice(self.contact, "2026-06-02", 250.0)
        self._invoice(self.client, "2026-06-03", 200.0, move_type="out_refund")
        self.assertAlmostEqual(self.client.amount_due, 1050.0)
        self.assertAlmostEqual(self.contact.amount_due, 1050.0)
        action = self.client.action_view_amount_due()
        self.assertEqual(len(self.env["account.move"].search(action["domain"])), 3)

    # -- segments ---------------------------------------------------------------------------------------
    def test_segment_on_card_and_security(self):
        segment = self.env["crm.client.segment"].create({"name": "Key accounts"})
        self.client.with_user(self.salesman).segment_id = segment
        self.assertEqual(self.client.segment_id, segment)
        with self.assertRaises(AccessError):
            self.env["crm.client.segment"].with_user(self.salesman).create({"name": "Retail"})
        with self.assertRaises(AccessError):
            segment.with_user(self.salesman).write({"name": "Renamed"})
        self.assertEqual(segment.name, "Key accounts")

    def test_segment_of_another_company_is_hidden(self):
        other = self.env["res.company"].create({"name": "Segment Branch"})
        hidden = self.env["crm.client.segment"].create({"name": "Branch only", "company_id": other.id})
        shared = self.env["crm.client.segment"].create({"name": "Everyone"})
        visible = self.env["crm.client.segment"].with_user(self.salesman).search([])
        self.assertIn(shared, visible)
        self.assertNotIn(hidden, visible)
        with self.assertRaises(AccessError):
            hidden.with_user(self.salesman).read(["name"])

    # -- lead card ----------------------------------------------------------------------------------------
    def test_lead_products_and_channels(self):
        product = self.env["product.product"].create({"name": "Boiler service", "type": "service"})
        source = self.env.ref("crm_custom.utm_source_exhibition")
        names = [
            self.env.ref(f"crm_custom.utm_source_{key}").name
            for key in ("phone", "email", "website_form", "messenger", "referral", "exhibition")
        ]
        self.assertEqual(
            names, ["Phone call", "E-mail", "Website form", "Messenger", "Referral", "Exhibition"]
        )
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {"name": "Met at the fair", "product_ids": [Command.set(product.ids)], "source_id": source.id}
            )
        )
        self.assertEqual(lead.product_ids, product)
        self.assertEqual(
            self.env["crm.lead"].search([("product_ids", "in", product.ids)]),
            lead,
        )

    def test_lead_products_of_another_company_refused(self):
        branch = self.env["res.company"].create({"name": "Products Branch"})
        theirs = self.env["product.product"].create({"name": "Branch boiler", "company_id": branch.id})
        shared = self.env["product.product"].create({"name": "Any company boiler", "company_id": False})
        lead = self.env["crm.lead"].create(
            {"name": "Boiler for us", "product_ids": [Command.set(shared.ids)]}
        )
        with self.assertRaisesRegex(ValidationError, "Branch boiler"), self.env.cr.savepoint():
            lead.write({"product_ids": [Command.link(theirs.id)]})
        lead.invalidate_recordset()
        self.assertEqual(lead.product_ids, shared)
        with self.assertRaisesRegex(ValidationError, "another company"):
            self.env["crm.lead"].create(
                {"name": "Mixed", "company_id": self.env.company.id, "product_ids": [Command.set(theirs.ids)]}
            )
