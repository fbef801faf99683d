# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestSalesPlan(PlanCommon):
    """Periods, team line versus members, copy to the next period, forecasts."""

    def test_periods(self):
        plan = self._plan(date(2026, 2, 1), [], state="draft")
        self.assertEqual(plan.date_to, date(2026, 2, 28))
        self.assertEqual(plan.name, "Plan Team 2026-02")
        plan.period_type = "quarter"
        self.assertEqual(plan.date_to, date(2026, 4, 30))
        plan.period_type = "year"
        self.assertEqual(plan.date_to, date(2027, 1, 31))
        self.assertEqual(plan.name, "Plan Team 2026")

    def test_period_must_start_on_first_day(self):
        with self.assertRaises(ValidationError):
            self._plan(date(2026, 2, 3), [], state="draft")

    def test_same_period_twice_refused(self):
        self._plan(date(2026, 2, 1), [], state="draft")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self._plan(date(2026, 2, 1), [], state="draft")

    def test_line_twice_refused(self):
        with self.assertRaises(ValidationError):
            self._plan(date(2026, 2, 1), [(self.salesman_1, 1.0), (self.salesman_1, 2.0)], state="draft")

    def test_team_target_and_members_sum(self):
        plan = self._plan(
            date(2026, 2, 1), [(self.salesman_1, 1000.0), (self.salesman_2, 500.0), (False, 2000.0)]
        )
        team_line = self._line(plan, False)
        self.assertEqual(team_line.members_target, 1500.0)
        self.assertTrue(team_line.members_target_differs)
        plan.action_set_team_targets_from_members()
        self.assertEqual(team_line.target, 1500.0)
        self.assertFalse(team_line.members_target_differs)

    def test_form_creates_plan(self):
        with Form(self.env["crm.sales.plan"].with_user(self.manager)) as form:
            form.team_id = self.team
            form.date_from = date(2026, 6, 1)
            with form.line_ids.new() as line:
                line.user_id = self.salesman_1
                line.kpi_id = self.kpi_revenue
                line.target = 100
        plan = form.record
        self.assertEqual(plan.line_ids.weight, self.kpi_revenue.weight)
        self.assertEqual(plan.state, "draft")

    def test_closed_plan_is_frozen(self):
        plan = self._plan(date(2026, 2, 1), [(self.salesman_1, 1.0)], state="closed")
        with self.assertRaises(UserError):
            plan.date_from = date(2026, 3, 1)
        with self.assertRaises(UserError):
            plan.unlink()
        with self.assertRaises(UserError):
            plan.action_close()
        plan.action_reopen()
        self.assertEqual(plan.state, "open")
        self.assertFalse(plan.statement_ids)

    def test_copy_next_quarter(self):
        plan = self.env["crm.sales.plan"].create(
            {
                "team_id": self.team.id,
                "period_type": "quarter",
                "date_from": date(2026, 10, 1),
                "line_ids": [Command.create({"user_id": self.salesman_1.id, "kpi_id": self.kpi_revenue.id})],
            }
        )
        new = self.env["crm.sales.plan"].browse(plan.action_copy_next_period()["res_id"])
        self.assertEqual((new.date_from, new.date_to), (date(2027, 1, 1), date(2027, 3, 31)))
        self.assertEqual(new.line_ids.user_id, self.salesman_1)

    def test_forecasts(self):
        self._invoice(self.salesman_1, [1000.00], "2026-03-05")
        self.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": self.salesman_1.id,
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                    "expected_revenue": amount,
                    "date_deadline": deadline,
                }
                for name, amount, deadline in [
                    ("In period", 400.0, date(2026, 3, 25)),
                    ("Next month", 800.0, date(2026, 4, 5)),
                    ("Overdue", 300.0, date(2026, 3, 2)),
                ]
            ]
        )
        plan = self._plan(date(2026, 3, 1), [(self.salesman_1, 3000.0)])
        line = self._line(plan, self.salesman_1)
        with freeze_time("2026-03-10"):
            line.invalidate_recordset(["forecast_run_rate", "forecast_pipeline"])
            # 1000 in 10 days of 31 -> 3100; pipeline: actual + deals due from today to the 31st
            self.assertAlmostEqual(line.forecast_run_rate, 3100.0, places=2)
            self.assertAlmostEqual(line.forecast_pipeline, 1400.0, places=2)

    def test_plan_settings_per_company(self):
        # settings are an administrator's screen; the accounting test user is not one
        settings = self.env["res.config.settings"].sudo().with_company(self.company).create({})
        self.assertEqual(settings.company_id, self.company)
        settings.crm_plan_revenue_paid_only = True
        settings.crm_plan_unrealistic_share = 60.0
        settings.crm_plan_unrealistic_months = 4
        settings.execute()
        self.assertTrue(self.company.crm_plan_revenue_paid_only)
        self.assertEqual(self.company.crm_plan_unrealistic_share, 60.0)
        self.assertEqual(self.company.crm_plan_unrealistic_months, 4)
        self.assertFalse(self.company_2.crm_plan_revenue_paid_only, "the other company keeps its settings")
        self.assertEqual(self.company_2.crm_plan_unrealistic_months, 3)
