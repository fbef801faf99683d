# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestPlanSecurity(PlanCommon):
    """Own lines for salespeople, the team for its leader, all for managers; accounting reads only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_leader = cls._user("plan_other_leader", "sales_team.group_sale_salesman")
        cls.other_team = cls.env["crm.team"].create(
            {"name": "Other Team", "company_id": cls.company.id, "user_id": cls.other_leader.id}
        )
        cls.plan = cls._plan(
            date(2026, 3, 1), [(cls.salesman_1, 1000.0), (cls.salesman_2, 1000.0), (False, 2000.0)]
        )
        cls.line_1 = cls.plan.line_ids.filtered(lambda line: line.user_id == cls.salesman_1)
        cls.line_2 = cls.plan.line_ids.filtered(lambda line: line.user_id == cls.salesman_2)
        cls.team_line = cls.plan.line_ids.filtered(lambda line: not line.user_id)
        cls.manager_2 = cls._user("plan_manager_2", "sales_team.group_sale_manager", company=cls.company_2)
        cls.plan_2 = cls.env["crm.sales.plan"].create(
            {
                "team_id": cls.env["crm.team"].create({"name": "Team 2", "company_id": cls.company_2.id}).id,
                "company_id": cls.company_2.id,
                "date_from": date(2026, 3, 1),
            }
        )

    def test_salesperson_reads_only_own_lines(self):
        lines = self.env["crm.sales.plan.line"].with_user(self.salesman_1).search([])
        self.assertEqual(lines, self.line_1)
        self.line_1.with_user(self.salesman_1).read(["target", "actual", "achievement"])
        with self.assertRaises(AccessError):
            self.line_2.with_user(self.salesman_1).read(["target"])
        with self.assertRaises(AccessError):
            self.team_line.with_user(self.salesman_1).read(["target"])

    def test_salesperson_cannot_edit_own_target(self):
        with self.assertRaises(AccessError):
            self.line_1.with_user(self.salesman_1).write({"target": 1.0})
        with self.assertRaises(AccessError):
            self.plan.with_user(self.salesman_1).action_close()
        with self.assertRaises(AccessError):
            self.plan.with_user(self.salesman_1).action_refresh_actuals()
        with self.assertRaises(AccessError):
            self.plan.with_user(self.leader).action_copy_next_period()
        self.assertFalse(self.env["crm.sales.plan"].search([("date_from", "=", date(2026, 4, 1))]))
        self.assertEqual(self.line_1.target, 1000.0)
        self.assertEqual(self.plan.state, "open")

    def test_leader_reads_team_not_other_team(self):
        lines = self.env["crm.sales.plan.line"].with_user(self.leader).search([])
        self.assertEqual(lines, self.plan.line_ids)
        with self.assertRaises(AccessError):
            self.line_1.with_user(self.leader).write({"target": 5.0})
        with self.assertRaises(AccessError):
            self.line_1.with_user(self.other_leader).read(["target"])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.other_leader).read(["name"])

    def test_manager_edits_all(self):
        self.line_2.with_user(self.manager).write({"target": 1500.0})
        self.assertEqual(self.line_2.target, 1500.0)
        self.plan.with_user(self.manager).write(
            {
                "line_ids": [
                    Command.create({"user_id": self.leader.id, "kpi_id": self.kpi_revenue.id, "target": 9})
                ]
            }
        )
        self.assertEqual(len(self.plan.line_ids), 4)

    def test_accountant_reads_all_cannot_edit(self):
        lines = self.env["crm.sales.plan.line"].with_user(self.accountant).search([])
        self.assertEqual(lines & self.plan.line_ids, self.plan.line_ids)
        self.assertTrue(lines.with_user(self.accountant).read(["target", "actual"]))
        with self.assertRaises(AccessError):
            self.line_1.with_user(self.accountant).write({"target": 1.0})
        with self.assertRaises(AccessError):
            self.env["crm.sales.plan"].with_user(self.accountant).create(
                {"team_id": self.team.id, "date_from": date(2026, 5, 1)}
            )
        with self.assertRaises(AccessError):
            self.plan.with_user(self.accountant).unlink()

    def test_other_company_refused(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.manager_2).read(["name"])
        with self.assertRaises(AccessError):
            self.plan_2.with_user(self.manager).read(["name"])
        self.assertEqual(self.env["crm.sales.plan"].with_user(self.manager_2).search([]), self.plan_2)

    def test_statements_follow_the_lines(self):
        self.plan.action_close()
        statement_2 = self.plan.statement_ids.filtered(lambda statement: statement.user_id == self.salesman_2)
        own = self.env["crm.motivation.statement"].with_user(self.salesman_1).search([])
        self.assertEqual(own.user_id, self.salesman_1)
        with self.assertRaises(AccessError):
            statement_2.with_user(self.salesman_1).read(["commission_amount"])
        with self.assertRaises(AccessError):
            own.with_user(self.salesman_1).write({"commission_amount": 1e6})
        with self.assertRaises(AccessError):
            statement_2.with_user(self.accountant).write({"commission_amount": 1e6})

    def test_salesperson_cannot_change_kpis_or_scheme(self):
        with self.assertRaises(AccessError):
            self.kpi_revenue.with_user(self.salesman_1).write({"weight": 10})
        with self.assertRaises(AccessError):
            self.env.ref("crm_custom.motivation_tier_commission_100").with_user(self.salesman_1).write(
                {"value": 50}
            )
