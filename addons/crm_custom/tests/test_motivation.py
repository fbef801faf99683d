# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields
from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestMotivation(PlanCommon):
    """Commission and salary coefficient by tier; a closed period keeps its numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tiers = [("commission", 0, 0), ("commission", 70, 3), ("commission", 100, 5)]
        tiers += [("coefficient", 0, 0.8), ("coefficient", 80, 1.0), ("coefficient", 100, 1.1)]
        cls.scheme = cls.env["crm.motivation.scheme"].create(
            {
                "name": "Test Scheme",
                "company_id": cls.company.id,
                "commission_tier_ids": [
                    Command.create({"kind": kind, "threshold": threshold, "value": value})
                    for kind, threshold, value in tiers
                ],
            }
        )
        today = fields.Date.today()
        cls.month = today.replace(day=1)
        # salesman 1: exactly 70 % of revenue, 4 of 5 new leads (80 %);
        # salesman 2: exactly 100 %, 1 of 2 leads.
        cls.invoice_1 = cls._invoice(cls.salesman_1, [700.00], cls.month)
        cls._invoice(cls.salesman_2, [500.00], cls.month)
        cls.env["crm.lead"].create(
            [
                {"name": f"L{n}", "user_id": user.id, "team_id": cls.team.id, "company_id": cls.company.id}
                for n, user in enumerate([cls.salesman_1] * 4 + [cls.salesman_2])
            ]
        )
        cls.plan = cls.env["crm.sales.plan"].create(
            {
                "team_id": cls.team.id,
                "date_from": cls.month,
                "line_ids": [
                    Command.create(
                        {"user_id": cls.salesman_1.id, "kpi_id": cls.kpi_revenue.id, "target": 1000}
                    ),
                    Command.create(
                        {"user_id": cls.salesman_1.id, "kpi_id": cls.kpi_leads_new.id, "target": 5}
                    ),
                    Command.create(
                        {"user_id": cls.salesman_2.id, "kpi_id": cls.kpi_revenue.id, "target": 500}
                    ),
                    Command.create(
                        {"user_id": cls.salesman_2.id, "kpi_id": cls.kpi_leads_new.id, "target": 2}
                    ),
                ],
            }
        )
        cls.plan.action_open()

    def _statement(self, user):
        return self.plan.statement_ids.filtered(lambda statement: statement.user_id == user)

    def test_tier_boundaries(self):
        tier = self.scheme._tier
        self.assertEqual(tier("commission", 69.9999).value, 0.0)
        self.assertEqual(tier("commission", 70.0).value, 3.0, "exactly 70 % is the 70-100 % tier")
        self.assertEqual(tier("commission", 99.9999).value, 3.0)
        self.assertEqual(tier("commission", 100.0).value, 5.0, "exactly 100 % is the top tier")
        self.assertEqual(tier("coefficient", 79.9).value, 0.8)
        self.assertEqual(tier("coefficient", 80.0).value, 1.0)
        self.assertEqual(tier("coefficient", 120.0).value, 1.1)

    def test_statements_at_closing(self):
        self.plan.action_close()
        first, second = self._statement(self.salesman_1), self._statement(self.salesman_2)
        self.assertEqual(len(self.plan.statement_ids), 2)
        self.assertAlmostEqual(first.revenue, 700.00, places=2)
        self.assertAlmostEqual(first.achievement, 70.0, places=4)
        self.assertEqual(first.commission_percent, 3.0)
        self.assertAlmostEqual(first.commission_amount, 21.00, places=2)
        self.assertAlmostEqual(first.activity_completion, 80.0, places=4)
        self.assertEqual(first.salary_coefficient, 1.0)
        # weights: revenue 2, new leads 1 -> (70 * 2 + 80) / 3
        self.assertAlmostEqual(first.weighted_achievement, 220.0 / 3, places=4)
        self.assertAlmostEqual(second.achievement, 100.0, places=4)
        self.assertEqual(second.commission_percent, 5.0)
        self.assertAlmostEqual(second.commission_amount, 25.00, places=2)
        self.assertAlmostEqual(second.activity_completion, 50.0, places=4)
        self.assertEqual(second.salary_coefficient, 0.8)
        self.assertFalse(first.has_drift)

    def test_closed_period_keeps_numbers_after_reversal(self):
        self.plan.action_close()
        statement = self._statement(self.salesman_1)
        line = self._line(self.plan, self.salesman_1)
        credit_note = self._reverse(self.invoice_1, self.month)
        self.assertEqual(credit_note.state, "posted")
        self.plan.action_refresh_actuals()  # must not touch a closed plan
        self.env["crm.sales.plan"]._cron_refresh_and_check()
        self.env.invalidate_all()
        self.assertAlmostEqual(line.actual, 700.00, places=2, msg="the frozen actual does not move")
        self.assertAlmostEqual(line.closed_actual, 700.00, places=2)
        self.assertAlmostEqual(line.live_actual, 0.00, places=2)
        self.assertAlmostEqual(line.drift, -700.00, places=2)
        self.assertAlmostEqual(statement.revenue, 700.00, places=2)
        self.assertAlmostEqual(statement.commission_amount, 21.00, places=2)
        self.assertAlmostEqual(statement.revenue_now, 0.00, places=2)
        self.assertAlmostEqual(statement.revenue_drift, -700.00, places=2)
        self.assertTrue(statement.has_drift)

    def test_default_scheme_of_main_company(self):
        scheme = self.env.ref("crm_custom.motivation_scheme_main").sudo()
        self.assertEqual(scheme.commission_tier_ids.mapped("threshold"), [0.0, 70.0, 100.0])
        self.assertEqual(scheme.coefficient_tier_ids.mapped("value"), [0.8, 1.0, 1.1])

    def test_no_scheme_means_no_commission(self):
        self.scheme.active = False
        self.plan.action_close()
        statement = self._statement(self.salesman_2)
        self.assertEqual(statement.commission_amount, 0.0)
        self.assertEqual(statement.salary_coefficient, 1.0)
