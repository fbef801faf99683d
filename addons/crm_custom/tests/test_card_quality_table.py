# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCardQualityTable(TransactionCase):
    """Daily card-quality table per salesperson: 1/0 per card and rule, totals and trend against yesterday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.crm_duplicate_guard = "off"
        cls.env["crm.card.score.rule"].search([]).active = False
        fields = cls.env["ir.model.fields"]
        cls.rule_vat = cls.env["crm.card.score.rule"].create(
            {
                "name": "Tax ID",
                "target": "company",
                "field_id": fields._get("res.partner", "vat").id,
                "weight": 50,
            }
        )
        cls.rule_phone = cls.env["crm.card.score.rule"].create(
            {"name": "Phone", "target": "company", "domain": "[('phone', '!=', False)]", "weight": 50}
        )
        cls.anna = new_test_user(cls.env, login="table_anna", groups="sales_team.group_sale_salesman")
        cls.boris = new_test_user(cls.env, login="table_boris", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(cls.env, login="table_manager", groups="sales_team.group_sale_manager")
        Partner = cls.env["res.partner"]
        base = {"is_company": True, "company_id": cls.company.id}
        cls.full = Partner.create(
            {**base, "name": "Full Card", "user_id": cls.anna.id, "vat": "1", "phone": "1"}
        )
        cls.half = Partner.create({**base, "name": "Half Card", "user_id": cls.anna.id, "vat": "2"})
        cls.empty = Partner.create({**base, "name": "Empty Card", "user_id": cls.boris.id})
        cls.nobody = Partner.create({**base, "name": "Unassigned Card"})
        cls.Line = cls.env["crm.card.quality.line"]
        cls.Trend = cls.env["crm.card.quality.trend"]

    def _mine(self):
        return self.Line.search([("user_id", "in", (self.anna | self.boris).ids)])

    def _trend(self, user, date):
        return self.Trend.search([("user_id", "=", user.id), ("date", "=", date)])

    def test_table_totals_and_trend(self):
        with freeze_time("2026-07-01"):
            self.Line._take_snapshot()
        lines = self._mine()
        self.assertEqual(len(lines), 6, "3 cards of the two salespeople x 2 rules")
        self.assertNotIn("Unassigned Card", lines.mapped("card_name"))
        by_card_rule = {(line.card_name, line.rule_id.name): line.passed for line in lines}
        self.assertEqual(
            by_card_rule,
            {
                ("Full Card", "Tax ID"): 1,
                ("Full Card", "Phone"): 1,
                ("Half Card", "Tax ID"): 1,
                ("Half Card", "Phone"): 0,
                ("Empty Card", "Tax ID"): 0,
                ("Empty Card", "Phone"): 0,
            },
        )
        per_card = dict(self.Line._read_group([("id", "in", lines.ids)], ["card_name"], ["passed:sum"]))
        self.assertEqual(per_card, {"Full Card": 2, "Half Card": 1, "Empty Card": 0})
        anna = self._trend(self.anna, "2026-07-01")
        self.assertEqual((anna.cards, anna.items_met, anna.items_total), (2, 3, 4))
        self.assertAlmostEqual(anna.score, 75.0)
        self.assertFalse(anna.previous_score)

        self.half.phone = "2"
        with freeze_time("2026-07-02"):
            self.Line._take_snapshot()
            self.Line._take_snapshot()  # a second run the same day replaces the first
        self.assertEqual(len(self._mine()), 12)
        anna = self._trend(self.anna, "2026-07-02")
        self.assertAlmostEqual(anna.score, 100.0)
        self.assertAlmostEqual(anna.previous_score, 75.0)
        self.assertAlmostEqual(anna.trend, 25.0)
        boris = self._trend(self.boris, "2026-07-02")
        self.assertAlmostEqual(boris.score, 0.0)
        self.assertAlmostEqual(boris.trend, 0.0)

    def test_sales_manager_reads_salesperson_refused(self):
        self.Line._take_snapshot()
        self.assertTrue(self.Line.with_user(self.manager).search([("user_id", "=", self.anna.id)]))
        self.assertTrue(self.Trend.with_user(self.manager).search([("user_id", "=", self.anna.id)]))
        with self.assertRaises(AccessError):
            self.Line.with_user(self.anna).search([])
        with self.assertRaises(AccessError):
            self.Trend.with_user(self.anna).search([])

    def test_other_company_manager_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Table Branch"})
        outsider = new_test_user(
            self.env,
            login="table_outsider",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.Line._take_snapshot()
        self.assertTrue(self._mine())
        self.assertFalse(self.Line.with_user(outsider).search([("user_id", "=", self.anna.id)]))
        self.assertFalse(self.Trend.with_user(outsider).search([("user_id", "=", self.anna.id)]))

    def test_digest_mails_sales_managers_when_enabled(self):
        with freeze_time("2026-07-03"):
            self.Line._take_snapshot()
            self.assertFalse(self.Line._send_digest(), "no digest unless the company asks for it")
            self.company.crm_card_quality_digest = True
            self.manager.email = "table.manager@example.com"
            mails = self.Line._send_digest()
        self.assertEqual(len(mails), 1)
        self.assertIn(self.manager.partner_id, mails.recipient_ids)
        self.assertNotIn(self.anna.partner_id, mails.recipient_ids, "salespeople do not get the digest")
        self.assertIn("table_anna", mails.body_html)
        self.assertIn("75.0", mails.body_html)
        self.assertIn("2026-07-03", mails.subject)
