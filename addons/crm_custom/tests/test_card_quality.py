# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCardQuality(TransactionCase):
    """Mandatory fields policy and card completeness score, per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_duplicate_guard = "off"
        cls.other_company = cls.env["res.company"].create({"name": "Quality Branch"})
        cls.salesman = new_test_user(
            cls.env, login="quality_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(cls.env, login="quality_manager", groups="sales_team.group_sale_manager")
        cls.Partner = cls.env["res.partner"]
        cls.existing = cls.Partner.create({"name": "Legacy Contact", "phone": "+7 495 100-00-00"})
        cls.Mandatory = cls.env["crm.mandatory.field"]
        cls.Rule = cls.env["crm.card.score.rule"]
        # demo data ships a checklist; these tests define their own
        cls.Rule.search([]).active = False
        cls.Mandatory.search([]).active = False

    def field(self, model, name):
        return self.env["ir.model.fields"]._get(model, name)

    # -- mandatory fields policy ----------------------------------------------------------------------
    def _phone_or_email_for_contacts(self):
        return self.Mandatory.create(
            {
                "target": "contact",
                "field_ids": [
                    Command.set(
                        [self.field("res.partner", "phone").id, self.field("res.partner", "email").id]
                    )
                ],
            }
        )

    def test_contact_without_phone_or_email_refused_and_named(self):
        rule = self._phone_or_email_for_contacts()
        self.assertEqual(rule.name, "Email or Phone")
        with self.assertRaises(ValidationError) as caught:
            self.Partner.create({"name": "Nobody Reachable"})
        self.assertIn('"Nobody Reachable": fill in Email or Phone.', str(caught.exception))
        self.assertFalse(self.Partner.search([("name", "=", "Nobody Reachable")]))
        reachable = self.Partner.create({"name": "Reachable", "email": "r@example.com"})
        self.assertTrue(reachable)

    def test_policy_applies_to_its_kind_of_card_and_company_only(self):
        self._phone_or_email_for_contacts()
        company_card = self.Partner.create({"name": "Faceless LLC", "is_company": True})
        delivery = self.Partner.create({"name": "Dock 3", "type": "delivery", "parent_id": company_card.id})
        other = self.Partner.create({"name": "Elsewhere", "company_id": self.other_company.id})
        self.assertTrue(company_card and delivery and other)

    def test_existing_incomplete_card_stays_editable(self):
        self.Mandatory.create(
            {"target": "contact", "field_ids": [Command.set(self.field("res.partner", "email").ids)]}
        )
        self.existing.write({"function": "Buyer", "phone": "+7 495 100-00-01"})
        self.assertEqual(self.existing.function, "Buyer")
        self.existing.email = "legacy@example.com"
        with self.assertRaises(ValidationError) as caught:
            self.existing.email = False
        self.assertIn("Email", str(caught.exception))
        self.assertEqual(self.existing.email, "legacy@example.com")

    def test_lead_policy(self):
        self.Mandatory.create(
            {"target": "lead", "field_ids": [Command.set(self.field("crm.lead", "email_from").ids)]}
        )
        with self.assertRaises(ValidationError):
            self.env["crm.lead"].with_user(self.salesman).create({"name": "Anonymous inquiry"})
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create({"name": "Known", "email_from": "k@example.com"})
        )
        self.assertTrue(lead)

    def test_import_reports_each_row_missing_the_field(self):
        self._phone_or_email_for_contacts()
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": b"name,email\nImport A,a@example.com\nImport B,\nImport C,\n",
                "file_type": "text/csv",
                "file_name": "contacts.csv",
            }
        )
        result = wizard.execute_import(
            ["name", "email"], ["name", "email"], {"quoting": '"', "separator": ",", "has_headers": True}
        )
        rows = sorted(
            m["rows"]["from"] for m in result["messages"] if m["type"] == "error" and "Import" in m["message"]
        )
        self.assertIn(1, rows)
        self.assertIn(2, rows)
        self.assertFalse(result["ids"])
        self.assertFalse(self.Partner.search([("name", "=like", "Import %")]))

    def test_field_of_another_model_refused(self):
        with self.assertRaises(ValidationError):
            self.Mandatory.create(
                {"target": "lead", "field_ids": [Command.set(self.field("res.partner", "vat").ids)]}
            )

    def test_salesperson_cannot_change_policy(self):
        with self.assertRaises(AccessError):
            self.Mandatory.with_user(self.salesman).create(
                {"target": "contact", "field_ids": [Command.set(self.field("res.partner", "email").ids)]}
            )

    def test_policy_of_another_company_is_hidden(self):
        rule = self.Mandatory.create(
            {
                "target": "contact",
                "company_id": self.other_company.id,
                "field_ids": [Command.set(self.field("res.partner", "email").ids)],
            }
        )
        self.assertNotIn(rule, self.Mandatory.with_user(self.manager).search([]))
        with self.assertRaises(AccessError):
            rule.with_user(self.manager).read(["name"])

    # -- completeness score -----------------------------------------------------------------------------
    def _company_rules(self):
        return self.Rule.create(
            [
                {
                    "name": "Tax ID",
                    "target": "company",
                    "field_id": self.field("res.partner", "vat").id,
                    "weight": 30,
                },
                {
                    "name": "Segment",
                    "target": "company",
                    "field_id": self.field("res.partner", "segment_id").id,
                    "weight": 20,
                },
                {"name": "Phone", "target": "company", "domain": "[('phone', '!=', False)]", "weight": 50},
            ]
        )

    def test_score_and_missing_items_follow_the_card(self):
        self._company_rules()
        card = self.Partner.create({"name": "Half Done LLC", "is_company": True, "vat": "7701234567"})
        self.assertEqual(card.card_score, 30)
        self.assertEqual(card.card_missing, "Segment\nPhone")
        card.phone = "+7 495 200-00-00"
        self.assertEqual(card.card_score, 80)
        self.assertEqual(card.card_missing, "Segment")
        card.segment_id = self.env["crm.client.segment"].create({"name": "Wholesale"})
        self.assertEqual(card.card_score, 100)
        self.assertFalse(card.card_missing)

    def test_contacts_are_scored_by_contact_rules_only(self):
        self._company_rules()
        contact = self.Partner.create({"name": "Unscored Person"})
        self.assertEqual(contact.card_score, 100, "no contact rule: nothing is missing")

    def test_new_rule_applies_in_the_nightly_job(self):
        card = self.Partner.create({"name": "Before Rules", "is_company": True})
        self.assertEqual(card.card_score, 100)
        self.Rule.create(
            {"name": "Website", "target": "company", "field_id": self.field("res.partner", "website").id}
        )
        self.assertEqual(card.card_score, 100, "rules change cards only through the nightly job")
        self.Partner._cron_refresh_card_scores()
        self.assertEqual(card.card_score, 0)
        self.assertEqual(card.card_missing, "Website")

    def test_lead_score_with_condition(self):
        self.Rule.create(
            [
                {"name": "Revenue estimated", "target": "lead", "domain": "[('expected_revenue', '>', 0)]"},
                {"name": "Customer", "target": "lead", "field_id": self.field("crm.lead", "partner_id").id},
            ]
        )
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create({"name": "Sized deal", "expected_revenue": 5000})
        )
        self.assertEqual(lead.card_score, 50)
        self.assertEqual(lead.card_missing, "Customer")

    def test_rule_needs_a_valid_condition(self):
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "Nothing", "target": "company"})
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "Broken", "target": "company", "domain": "[('no_such_field', '=', 1)]"})

    def test_salesperson_cannot_edit_rules(self):
        rule = self.Rule.create(
            {"name": "Website", "target": "company", "domain": "[('website', '!=', False)]"}
        )
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman).write({"weight": 1})
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.salesman).create({"name": "Mine", "target": "lead", "domain": "[]"})
        self.assertEqual(rule.weight, 10)
