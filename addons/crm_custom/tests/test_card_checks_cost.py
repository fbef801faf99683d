# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo import Command
from odoo.tests import TransactionCase, tagged

from ..models.crm_card_score_rule import CrmCardScoreRule
from ..models.crm_duplicate_mixin import CrmDuplicateMixin


@tagged("post_install", "-at_install")
class TestCardChecksCost(TransactionCase):
    """The card checks cost (almost) nothing where they are not used: Odoo's own flows (lead assignment,
    mass convert) save cards one by one, and the checks must neither query per card nor run for fields
    no rule looks at. Odoo's query-budget tests run in the peer suites of scripts/test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_duplicate_guard = "warn"
        cls.env["crm.mandatory.field"].search([]).active = False
        cls.env["crm.card.score.rule"].search([]).active = False
        cls.env["crm.card.score.rule"].create(
            {
                "name": "Products",
                "target": "lead",
                "field_id": cls.env["ir.model.fields"]._get("crm.lead", "product_ids").id,
            }
        )
        cls.leads = cls.env["crm.lead"].create(
            [{"name": f"Cost lead {index}", "email_from": f"cost{index}@cost.example"} for index in range(5)]
        )
        cls.env.flush_all()

    def _pending(self, records, fname):
        return records & self.env.records_to_compute(records._fields[fname])

    def test_writing_a_field_no_rule_looks_at_schedules_nothing(self):
        self.leads.write({"description": "Called back", "priority": "2"})
        self.assertFalse(self._pending(self.leads, "card_score"))
        self.assertFalse(self._pending(self.leads, "is_duplicate"))
        self.leads.write({"product_ids": [Command.set(self.env["product.product"].search([], limit=1).ids)]})
        self.assertEqual(self._pending(self.leads, "card_score"), self.leads)
        self.leads.write({"email_from": "shared@cost.example"})
        self.assertEqual(self._pending(self.leads, "is_duplicate"), self.leads)
        self.assertTrue(all(self.leads.mapped("is_duplicate")))
        self.assertEqual(set(self.leads.mapped("card_score")), {100})

    def test_checks_of_a_write_no_rule_looks_at_cost_no_query(self):
        """What runs after Odoo's assignment writes the salesperson of a lead: no query at all."""
        self.leads._card_quality_after_write({"user_id": 1})  # rules read once into the registry cache
        with self.assertQueryCount(0):
            self.leads._card_quality_after_write({"user_id": 1, "team_id": 1})

    def test_cards_saved_one_by_one_are_checked_in_one_batch(self):
        """Ten leads created by ten calls: one duplicate lookup and one scoring query when the ORM flushes."""
        lookups = patch.object(
            CrmDuplicateMixin,
            "_duplicate_matches",
            autospec=True,
            side_effect=CrmDuplicateMixin._duplicate_matches,
        )
        scores = patch.object(CrmCardScoreRule, "_score", autospec=True, side_effect=CrmCardScoreRule._score)
        with lookups as lookup_calls, scores as score_calls:
            leads = self.env["crm.lead"]
            for index in range(10):
                leads |= self.env["crm.lead"].create(
                    {"name": f"One by one {index}", "email_from": "same@cost.example"}
                )
            self.assertEqual(lookup_calls.call_count, 0)
            self.env.flush_all()
        self.assertEqual(lookup_calls.call_count, 1)
        self.assertEqual(score_calls.call_count, 1)
        self.assertTrue(all(leads.mapped("is_duplicate")))
        self.assertEqual(set(leads.mapped("card_score")), {0})
        self.assertEqual(set(leads.mapped("card_missing")), {"Products"})
