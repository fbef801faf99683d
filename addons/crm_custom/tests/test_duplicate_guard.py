# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDuplicateGuard(TransactionCase):
    """Partners and leads of one company are unique by E.164 phone/mobile, normalized e-mail and tax id."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.russia = cls.env.ref("base.ru")
        cls.other_company = cls.env["res.company"].create(
            {"name": "Other Branch", "country_id": cls.russia.id}
        )
        cls.salesman = new_test_user(
            cls.env,
            login="dup_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.Partner = cls.env["res.partner"]
        cls.existing = cls.Partner.create(
            {
                "name": "Romashka LLC",
                "is_company": True,
                "country_id": cls.russia.id,
                "company_id": cls.company.id,
                "phone": "+7 495 123-45-67",
                "mobile": "+7 912 345-67-89",
                "email": "Office@Romashka.example",
                "vat": "7707083893",
            }
        )

    def _set_mode(self, mode, company=None):
        (company or self.company).crm_duplicate_guard = mode

    def _new_partner(self, **vals):
        values = {"name": "New client", "country_id": self.russia.id, "company_id": self.company.id}
        values.update(vals)
        return self.Partner.create(values)

    # -- matching ----------------------------------------------------------------------------------
    def test_warn_flags_mobile_written_in_national_format(self):
        """8 (912) … and +7 912 … are the same E.164 number: saved, flagged and linked."""
        self._set_mode("warn")
        partner = self._new_partner(phone="8 (912) 345-67-89")
        self.assertTrue(partner.is_duplicate)
        self.assertEqual(partner.duplicate_ids, self.existing)
        self.assertEqual(partner.duplicate_count, 1)
        self.assertEqual(partner.action_view_duplicates()["domain"], [("id", "in", self.existing.ids)])

    def test_warn_matches_landline_of_a_card_that_also_has_a_mobile(self):
        """phone_sanitized holds the mobile; the landline is matched through phone_e164."""
        self._set_mode("warn")
        partner = self._new_partner(mobile="8 495 123 45 67")
        self.assertEqual(self.existing.phone_e164, "+74951234567")
        self.assertEqual(self.existing.phone_sanitized, "+79123456789")
        self.assertEqual(partner.duplicate_ids, self.existing)

    def test_unique_card_not_flagged(self):
        self._set_mode("warn")
        partner = self._new_partner(phone="+7 495 765-43-21", email="someone@else.example", vat="7736050003")
        self.assertFalse(partner.is_duplicate)
        self.assertFalse(partner.duplicate_ids)

    def test_block_refuses_same_email_and_names_existing(self):
        self._set_mode("block")
        with self.assertRaises(ValidationError) as caught:
            self._new_partner(name="Copy of Romashka", email="office@romashka.EXAMPLE")
        self.assertRegex(str(caught.exception), rf"Romashka LLC.*ID {self.existing.id}")
        self.assertFalse(self.Partner.search([("name", "=", "Copy of Romashka")]))

    def test_block_refuses_same_vat(self):
        self._set_mode("block")
        with self.assertRaises(ValidationError) as caught:
            self._new_partner(name="Romashka clone", is_company=True, vat="7707083893")
        self.assertRegex(str(caught.exception), "tax id 7707083893")
        self.assertFalse(self.Partner.search([("name", "=", "Romashka clone")]))

    def test_contacts_of_the_same_client_are_not_duplicates(self):
        """A contact inherits the company's tax id and often its switchboard number."""
        self._set_mode("block")
        contact = self._new_partner(name="Ivan Petrov", parent_id=self.existing.id, phone="+7 495 123-45-67")
        self.assertEqual(contact.vat, self.existing.vat)
        self.assertFalse(contact.duplicate_ids)

    def test_other_company_is_not_matched(self):
        self._set_mode("block")
        self._set_mode("block", self.other_company)
        partner = self._new_partner(company_id=self.other_company.id, phone="+7 912 345-67-89")
        self.assertFalse(partner.duplicate_ids)

    def test_archived_card_is_not_matched(self):
        self._set_mode("block")
        self.existing.active = False
        partner = self._new_partner(phone="+7 912 345-67-89")
        self.assertFalse(partner.duplicate_ids)

    def test_off_mode_saves_without_flag(self):
        self._set_mode("off")
        partner = self._new_partner(email="office@romashka.example")
        self.assertFalse(partner.is_duplicate)
        # the card still shows the live match, the guard just does not act
        self.assertEqual(partner.duplicate_ids, self.existing)

    def test_write_of_a_key_is_guarded_other_fields_are_not(self):
        self._set_mode("warn")
        partner = self._new_partner(phone="+7 912 345-67-89")
        self._set_mode("block")
        partner.write({"comment": "still editable"})
        self.assertEqual(partner.comment, "<p>still editable</p>")
        unique = self._new_partner(name="Unique", phone="+7 495 000-00-01")
        with self.assertRaises(ValidationError) as caught:
            unique.write({"email": "office@romashka.example"})
        self.assertRegex(str(caught.exception), "Romashka LLC")
        self.assertEqual(unique.email, False)

    def test_warn_flag_cleared_when_key_changes(self):
        self._set_mode("warn")
        partner = self._new_partner(phone="+7 912 345-67-89")
        self.assertTrue(partner.is_duplicate)
        partner.phone = "+7 912 000-00-00"
        self.assertFalse(partner.is_duplicate)

    def test_batch_create_flags_duplicates_inside_the_batch(self):
        self._set_mode("warn")
        first, second = self.Partner.create(
            [
                {"name": "Twin A", "email": "twin@example.com", "company_id": self.company.id},
                {"name": "Twin B", "email": "TWIN@example.com", "company_id": self.company.id},
            ]
        )
        self.assertEqual(first.duplicate_ids, second)
        self.assertEqual(second.duplicate_ids, first)
        self.assertTrue(first.is_duplicate and second.is_duplicate)

    # -- indexes -----------------------------------------------------------------------------------
    def test_lookup_columns_are_indexed(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'res_partner' AND indexdef LIKE %s",
            ["%phone_sanitized%"],
        )
        definitions = [row[0] for row in self.env.cr.fetchall()]
        self.assertTrue(
            any("btree (phone_sanitized)" in definition for definition in definitions), definitions
        )
        for column in ("phone_e164", "email_normalized"):
            self.env.cr.execute(
                "SELECT 1 FROM pg_indexes WHERE tablename = 'res_partner' AND indexdef LIKE %s",
                [f"%btree ({column})%"],
            )
            self.assertTrue(self.env.cr.fetchone(), column)

    def test_lookup_plan_uses_indexes(self):
        """With sequential scans priced out, the lookup query is answered from the phone indexes."""
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self._set_mode("off")
        partner = self._new_partner(phone="+7 912 345-67-89")
        # fresh statistics: on a just-installed database the planner may believe one company is rare
        self.env.flush_all()
        self.env.cr.execute("ANALYZE res_partner")
        query, params, _branches = partner._duplicate_query()
        self.env.cr.execute("EXPLAIN " + query, params)
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertNotIn("Seq Scan on res_partner", plan)
        self.assertTrue(
            "res_partner__phone_sanitized_index" in plan or "res_partner__phone_e164_index" in plan, plan
        )

    # -- leads -------------------------------------------------------------------------------------
    def test_lead_warn_and_same_client_exception(self):
        self._set_mode("warn")
        Lead = self.env["crm.lead"]
        first = Lead.create({"name": "Boiler", "email_from": "buyer@client.example", "partner_id": False})
        other = Lead.create({"name": "Heat pump", "email_from": "Buyer@Client.example"})
        self.assertTrue(other.is_duplicate)
        self.assertEqual(other.duplicate_ids, first)
        client = self._new_partner(name="Client", email="client@own.example", phone="+7 900 111-22-33")
        deal_a = Lead.create({"name": "Deal A", "partner_id": client.id, "type": "opportunity"})
        deal_b = Lead.create({"name": "Deal B", "partner_id": client.id, "type": "opportunity"})
        self.assertFalse(deal_b.is_duplicate, "a second deal of the same client is not a duplicate")
        self.assertFalse(deal_a.duplicate_ids)

    def test_salesperson_sees_only_duplicates_they_may_open(self):
        """Own-documents salespeople get the flag but no link to another salesperson's lead."""
        self._set_mode("warn")
        other_seller = new_test_user(
            self.env, login="dup_other_seller", groups="sales_team.group_sale_salesman"
        )
        theirs = self.env["crm.lead"].create(
            {"name": "Theirs", "email_from": "shared@lead.example", "user_id": other_seller.id}
        )
        mine = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create({"name": "Mine", "email_from": "shared@lead.example", "user_id": self.salesman.id})
        )
        self.assertTrue(mine.is_duplicate)
        self.assertFalse(mine.duplicate_ids)
        self.assertEqual(mine.sudo().duplicate_ids, theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["name"])

    def test_lead_block_for_salesperson(self):
        self._set_mode("block")
        self.env["crm.lead"].create(
            {"name": "Original", "phone": "+7 912 555-44-33", "country_id": self.russia.id}
        )
        Lead = self.env["crm.lead"].with_user(self.salesman)
        with self.assertRaises(ValidationError) as caught:
            Lead.create({"name": "Second try", "mobile": "89125554433", "country_id": self.russia.id})
        self.assertRegex(str(caught.exception), "Original")
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Second try")]))

    # -- settings ----------------------------------------------------------------------------------
    def test_setting_per_company_and_refused_to_salesperson(self):
        settings = self.env["res.config.settings"].create({})
        settings.crm_duplicate_guard = "block"
        settings.execute()
        self.assertEqual(self.company.crm_duplicate_guard, "block")
        self.assertEqual(self.other_company.crm_duplicate_guard, "warn")
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesman).write({"crm_duplicate_guard": "off"})
        self.assertEqual(self.company.crm_duplicate_guard, "block")
