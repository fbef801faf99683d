# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .plan_common import PlanCommon

MAY = date(2026, 5, 1)


@tagged("post_install", "-at_install")
class TestPlanCron(PlanCommon):
    """The nightly refresh goes company by company: one company's failure is logged and leaves the others'
    figures refreshed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_2 = cls.env["crm.team"].create({"name": "Plan Team 2", "company_id": cls.company_2.id})
        cls.plan = cls._plan(MAY, [(cls.salesman_1, 1000.0)])
        cls.plan_2 = (
            cls.env["crm.sales.plan"]
            .with_company(cls.company_2)
            .create(
                {
                    "team_id": cls.team_2.id,
                    "company_id": cls.company_2.id,
                    "date_from": MAY,
                    "line_ids": [Command.create({"kpi_id": cls.kpi_revenue.id, "target": 1000.0})],
                }
            )
        )
        cls.plan_2.action_open()
        cls._invoice(cls.salesman_1, [400.00], date(2026, 5, 12))

    def test_one_company_failing_does_not_hold_back_the_others(self):
        kpi_class = type(self.env["crm.kpi"])
        compute = kpi_class._compute_actuals
        company_2 = self.company_2

        def failing_for_company_2(kpi, keys, company):
            if company == company_2:
                raise ValueError("broken figures")
            return compute(kpi, keys, company)

        line = self._line(self.plan, self.salesman_1)
        line_2 = self.plan_2.line_ids
        self.assertEqual((line.actual, line_2.actual), (0.0, 0.0))
        with (
            freeze_time("2026-05-15 08:00:00"),
            patch.object(kpi_class, "_compute_actuals", failing_for_company_2),
            self.assertLogs("odoo.addons.crm_custom.models.crm_sales_plan", "ERROR") as logs,
        ):
            self.env["crm.sales.plan"]._cron_refresh_and_check()
        self.env.invalidate_all()
        self.assertAlmostEqual(line.actual, 400.00, places=2, msg="the first company's figures are refreshed")
        self.assertEqual(line_2.actual, 0.0, "the failing company's are left as they were")
        self.assertEqual(len(logs.output), 1)
        self.assertIn(f"company {company_2.id} could not be refreshed", logs.output[0])
