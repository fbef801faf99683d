# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's lead mining (crm_iap_mine, CRM settings > Lead Generation) under our policies.

The IAP service is replaced by Odoo's own test double of it (MockIAPReveal), as Odoo's tests do; the
request, the leads it creates and our checks on them are the real code.
"""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_iap_mine.tests.common import MockIAPReveal


@tagged("standard", "post_install")
class TestLeadMiningPolicies(MockIAPReveal):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.env["crm.mandatory.field"].search([]).active = False
        cls.manager = new_test_user(
            cls.env, login="mining_manager", groups="sales_team.group_sale_manager", lang="en_US"
        )
        cls.team = cls.env["crm.team"].create({"name": "Mining team", "use_leads": True})
        cls.existing = cls.env["res.partner"].create(
            {"name": "Known prospect", "email": "info@known.example.com"}
        )
        cls.env["crm.lead"].create({"name": "Known prospect request", "email_from": "info@known.example.com"})

    def _request(self, count):
        return (
            self.env["crm.iap.lead.mining.request"]
            .with_user(self.manager)
            .create(
                {
                    "lead_number": count,
                    "search_type": "companies",
                    "lead_type": "lead",
                    "team_id": self.team.id,
                    "user_id": self.manager.id,
                }
            )
        )

    def _mine(self, names, count=None, **company_data):
        request = self._request(count or len(names))
        with self.mock_IAP_mine(request, name_list=names, default_data=company_data or None):
            request.action_submit()
        return request

    def _policies(self, guard, lost_reason=True, mandatory=None):
        self.company.write({"crm_duplicate_guard": guard, "crm_lost_reason_required": lost_reason})
        if mandatory:
            self.env["crm.mandatory.field"].create(
                {
                    "target": "lead",
                    "field_ids": [Command.set(self.env["ir.model.fields"]._get("crm.lead", mandatory).ids)],
                }
            )

    def test_mining_with_neutral_policies(self):
        self._policies("off", lost_reason=False)
        request = self._mine(["Alpha", "Beta"])
        self.assertEqual(request.state, "done")
        self.assertEqual(len(self._new_leads), 2)
        self.assertFalse(self._new_leads.filtered("is_duplicate"))

    def test_mining_warn_flags_a_known_company(self):
        """Warn mode: the mined companies are created; one already known by its e-mail is flagged."""
        self._policies("warn")
        request = self._mine(["Known", "Zeta"], phone="+49 30 3333333")
        self.assertEqual(request.state, "done")
        known = self._new_leads.filtered(lambda lead: lead.name == "Known GmbH")
        self.assertEqual(known.email_normalized, "info@known.example.com")
        self.assertTrue(known.is_duplicate)
        self.assertIn("Known prospect request", known.duplicate_ids.mapped("name"))

    def test_mining_block_refuses_a_known_company_and_names_the_setting(self):
        self._policies("block")
        with self.assertRaisesRegex(ValidationError, "Duplicate Guard is Block") as caught:
            with self.env.cr.savepoint():
                self._mine(["Known"])
        self.assertIn("Known prospect request", str(caught.exception))
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Known GmbH")]))

    def test_mining_block_creates_new_companies(self):
        self._policies("block")
        request = self._mine(["Gamma"], phone="+49 30 1111111")
        self.assertEqual(request.state, "done")
        self.assertEqual(self._new_leads.mapped("name"), ["Gamma GmbH"])

    def test_mining_under_mandatory_fields(self):
        """Mined leads have a phone and no products: a rule on products refuses them and says which policy."""
        self._policies("off", mandatory="phone")
        request = self._mine(["Delta"], phone="+49 30 2222222")
        self.assertEqual(request.state, "done")
        self.assertTrue(self._new_leads.phone)
        self._policies("off", mandatory="product_ids")
        with self.assertRaisesRegex(ValidationError, "Mandatory Fields") as caught:
            with self.env.cr.savepoint():
                self._mine(["Epsilon"])
        self.assertIn("fill in Products of Interest", str(caught.exception))
