# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestPlanTrust(PlanCommon):
    """The plan's figures are the system's (a sales manager sets targets, not actuals nor commissions), and
    who needs coaching is for the team's leader and the sales managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        members = cls.salesman_1 | cls.salesman_2
        # salesman_2 misses January to March while salesman_1 hits: salesman_2 needs coaching in April
        for month in (1, 2, 3):
            start = date(2026, month, 1)
            cls._invoice(cls.salesman_1, [1500.00], start.replace(day=10))
            cls._plan(start, [(user, 1000.0) for user in members], state="closed")
        cls.april = cls._plan(date(2026, 4, 1), [(user, 1000.0) for user in members], state="draft")
        with freeze_time("2026-04-02 08:00:00"):
            cls.env["crm.sales.plan"]._cron_refresh_and_check()
        cls.march = cls.env["crm.sales.plan"].search(
            [("team_id", "=", cls.team.id), ("date_from", "=", date(2026, 3, 1))]
        )

    def test_coaching_list_hidden_from_the_plans_salespeople(self):
        self.assertEqual(self.april.coaching_user_ids, self.salesman_2)
        for salesperson in (self.salesman_1, self.salesman_2):
            plan = self.april.with_user(salesperson)
            plan.read(["name", "line_ids"])  # the plan itself stays readable (own lines)
            self.assertFalse(plan.read(["coaching_user_ids"])[0]["coaching_user_ids"])
            # no search reveals it either
            self.assertFalse(plan.search([("coaching_user_ids", "in", salesperson.ids)]))
            self.assertFalse(plan.search([("coaching_ids.user_id", "=", salesperson.id)]))
            self.assertFalse(self.env["crm.sales.plan.coaching"].with_user(salesperson).search([]))
            with self.assertRaises(AccessError):
                plan.read(["coaching_ids"])
            with self.assertRaises(AccessError):
                self.april.coaching_ids.with_user(salesperson).read(["user_id"])

    def test_coaching_list_shown_to_the_leader_and_managers(self):
        self.assertEqual(self.april.with_user(self.leader).coaching_user_ids, self.salesman_2)
        self.assertEqual(self.april.with_user(self.manager).coaching_user_ids, self.salesman_2)
        self.assertEqual(
            self.env["crm.sales.plan"].with_user(self.leader).search([("coaching_ids.user_id", "!=", False)]),
            self.april,
        )
        with self.assertRaises(AccessError):
            self.april.coaching_ids.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.env["crm.sales.plan.coaching"].with_user(self.manager).create(
                {"plan_id": self.april.id, "user_id": self.salesman_1.id}
            )

    def test_manager_cannot_forge_figures(self):
        line = self.march.line_ids.filtered(lambda line: line.user_id == self.salesman_2)
        statement = self.march.statement_ids.filtered(lambda st: st.user_id == self.salesman_2)
        self.assertEqual(line.closed_actual, 0.0)
        forged = [
            (line, {"closed_actual": 5000.0}),
            (line, {"actual": 5000.0}),
            (line, {"achievement": 500.0}),
            (statement, {"commission_amount": 1e6}),
            (statement, {"salary_coefficient": 2.0}),
            (statement, {"revenue": 5000.0}),
            (self.april, {"likely_unrealistic": True}),
            (self.march, {"closed_date": "2026-01-01 00:00:00"}),
            # a closed plan's statements may have been paid: its state moves by Close / Reopen only (a
            # draft closed plan could be deleted, an open plan closed without its statements)
            (self.march, {"state": "draft"}),
            (self.april, {"state": "closed"}),
            (self.april, {"state": "open"}),
            # what a KPI computes is code: another method (or any method of the model) is refused
            (self.kpi_revenue, {"compute_method": "_compute_actuals_deals_won"}),
            (self.kpi_revenue, {"compute_method": "unlink"}),
            (self.kpi_revenue, {"code": "deals_won_x"}),
        ]
        for record, vals in forged:
            with self.subTest(model=record._name, vals=vals), self.assertRaises(AccessError):
                record.with_user(self.manager).write(vals)
        with self.assertRaises(AccessError):
            self.env["crm.motivation.statement"].with_user(self.manager).create(
                {"plan_id": self.march.id, "user_id": self.manager.id, "commission_amount": 1e6}
            )
        with self.assertRaises(AccessError):
            self.env["crm.sales.plan"].with_user(self.manager).create(
                {"team_id": self.team.id, "date_from": date(2026, 6, 1), "state": "closed"}
            )
        with self.assertRaises(AccessError):
            self.env["crm.kpi"].with_user(self.manager).create(
                {"name": "Forged", "code": "forged", "compute_method": "_compute_actuals_revenue"}
            )
        self.assertEqual(line.closed_actual, 0.0)
        self.assertEqual(statement.commission_amount, 0.0)
        self.assertEqual(self.april.coaching_user_ids, self.salesman_2)
        self.assertEqual((self.march.state, self.april.state), ("closed", "draft"))
        self.assertEqual(self.kpi_revenue.compute_method, "_compute_actuals_revenue")

    def test_kpi_method_is_one_of_the_registry(self):
        """Even the system path names only a KPI method (``_compute_actuals_*``), never another method."""
        with self.assertRaises(ValidationError):
            self.kpi_revenue.sudo().write({"compute_method": "unlink"})
        self.assertEqual(self.kpi_revenue.compute_method, "_compute_actuals_revenue")

    def test_managers_still_run_the_plan(self):
        """Targets and weights stay the manager's; closing and reopening freeze and release the figures."""
        plan = self.april.with_user(self.manager)
        plan.line_ids.write({"target": 1200.0})
        plan.action_open()
        self._invoice(self.salesman_1, [800.00], date(2026, 4, 10))
        plan.action_close()
        line = plan.line_ids.filtered(lambda line: line.user_id == self.salesman_1)
        self.assertEqual(line.closed_actual, 800.0)
        self.assertTrue(plan.closed_date)
        plan.action_reopen()
        self.assertEqual(line.closed_actual, 0.0)
        self.assertFalse(plan.closed_date)
