# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestPlanTour(PlanCommon, HttpCase):
    """A head of sales sets a monthly plan in the browser and sees the progress from the books."""

    def test_manager_sets_a_monthly_plan_and_sees_progress(self):
        month_start = self.company._crm_today().replace(day=1)
        self._invoice(self.salesman_1, [500.00], month_start)
        self._invoice(self.salesman_2, [300.00], month_start)  # another salesperson's: not counted
        Plan = self.env["crm.sales.plan"]
        self.assertFalse(Plan.search([("team_id", "=", self.team.id)]))
        self.start_tour(
            "/odoo/action-crm_custom.crm_sales_plan_action",
            "crm_custom_plan_progress_tour",
            login="plan_manager",
        )
        plan = Plan.search([("team_id", "=", self.team.id)])
        self.assertEqual(len(plan), 1)
        self.assertEqual((plan.state, plan.period_type, plan.date_from), ("open", "month", month_start))
        self.assertEqual(plan.create_uid, self.manager)
        line = plan.line_ids
        self.assertEqual((line.user_id, line.kpi_id), (self.salesman_1, self.kpi_revenue))
        self.assertEqual((line.target, line.actual, line.achievement), (1000.0, 500.0, 50.0))
