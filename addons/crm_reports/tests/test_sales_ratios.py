# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import at
from .marketing_common import MarketingCommon

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
RATIOS = {
    "conversion_rate": "crm_custom.kpi_conversion_rate",
    "avg_deal_size": "crm_custom.kpi_avg_deal_size",
    "avg_sales_cycle": "crm_custom.kpi_avg_sales_cycle",
}


@tagged("post_install", "-at_install")
class TestSalesRatios(MarketingCommon):
    """Conversion rate, average deal size and average sales cycle: the KPIs of the registry, the measures of
    the activity report and the plan lines, computed by hand; a team's ratio is the ratio of the team's sums,
    not the sum nor the average of its members' ratios."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        s1, s2 = cls.salesman_1, cls.salesman_2
        # salesperson 1: A won after 10 days (invoiced 1,000, credited 100), B won after 13 days (invoiced in
        # April: the deal's revenue whatever the invoice date), C lost in March, D lost in February
        a = cls._won(cls._lead("A", created="2026-03-02 09:00:00"), when="2026-03-12 15:00:00")
        invoice = cls._order_invoice(a, 1000.0, "2026-03-15")
        cls._credit_note(invoice, 100.0, "2026-03-20")
        b = cls._won(cls._lead("B", created="2026-02-20 09:00:00"), when="2026-03-05 08:00:00")
        cls._order_invoice(b, 600.0, "2026-04-05")
        cls._lost(cls._lead("C", created="2026-03-01 09:00:00"), "2026-03-20 10:00:00")
        cls._lost(cls._lead("D", created="2026-02-01 09:00:00"), "2026-02-25 10:00:00")
        # salesperson 2: E won after 1 day, not invoiced; F lost
        cls._won(cls._lead("E", created="2026-03-03 09:00:00", user=s2), when="2026-03-04 09:00:00")
        cls._lost(cls._lead("F", created="2026-03-01 09:00:00", user=s2), "2026-03-10 10:00:00")
        # a lead (not an opportunity) lost: not a closed deal
        cls._lost(cls._lead("G", kind="lead", created="2026-03-01 09:00:00"), "2026-03-11 10:00:00")
        cls.expected = {
            s1: {"conversion_rate": 100.0 * 2 / 3, "avg_deal_size": 1500.0 / 2, "avg_sales_cycle": 23 / 2},
            s2: {"conversion_rate": 50.0, "avg_deal_size": 0.0, "avg_sales_cycle": 1.0},
            False: {"conversion_rate": 60.0, "avg_deal_size": 500.0, "avg_sales_cycle": 8.0},
        }

    @classmethod
    def _lost(cls, lead, when):
        with at(cls.env, when):
            lead.action_set_lost(lost_reason_id=cls.reason.id)
        return lead

    def _kpi(self, code, user):
        key = (user.id if user else False, self.team.id, *MARCH)
        return self.env.ref(RATIOS[code])._compute_actuals([key], self.company)[key]

    def test_kpis_computed_by_hand(self):
        for user, figures in self.expected.items():
            for code, value in figures.items():
                with self.subTest(user=user and user.login, kpi=code):
                    self.assertAlmostEqual(self._kpi(code, user), value, places=4)

    def test_team_ratio_is_not_a_sum_nor_an_average_of_members(self):
        members = [self.expected[self.salesman_1], self.expected[self.salesman_2]]
        for code in RATIOS:
            team = self.expected[False][code]
            self.assertNotAlmostEqual(team, sum(m[code] for m in members), places=2)
            self.assertNotAlmostEqual(team, sum(m[code] for m in members) / 2, places=2)

    def test_activity_report_equals_the_kpis(self):
        """The report's ratio measures, for a salesperson, for the team and per day, are the KPIs' own."""
        period = [("company_id", "=", self.company.id), ("date", ">=", MARCH[0]), ("date", "<=", MARCH[1])]
        for user, figures in self.expected.items():
            domain = period + [("user_id", "=", user.id) if user else ("team_id", "=", self.team.id)]
            for code, value in figures.items():
                with self.subTest(user=user and user.login, measure=code):
                    self.assertAlmostEqual(
                        self._sum("crm.report.activity", code, domain, aggregator="avg"), value
                    )
        # grouped by salesperson: each group its own ratio; the pivot's total is the team's, not an average
        report = self.env["crm.report.activity"]
        groups = dict(report._read_group(period, ["user_id"], ["conversion_rate:avg"]))
        self.assertAlmostEqual(groups[self.salesman_1], 200.0 / 3)
        self.assertAlmostEqual(groups[self.salesman_2], 50.0)
        [[total]] = report._read_group(period, [], ["conversion_rate:avg"])
        self.assertAlmostEqual(total, 60.0)
        # the parts are measures too
        self.assertEqual(self._sum("crm.report.activity", "deals_closed", period), 5)
        self.assertAlmostEqual(self._sum("crm.report.activity", "won_revenue", period), 1500.0)
        self.assertEqual(self._sum("crm.report.activity", "won_cycle_days", period), 24)

    def test_ratio_undefined_without_deals(self):
        """A day without closed deals has no conversion rate in the report (an empty cell, not 0 %); the KPI
        of a period without closed deals is 0."""
        domain = [("company_id", "=", self.company.id), ("date", "=", "2026-03-02")]
        rows = self.env["crm.report.activity"]._read_group(
            domain, [], ["conversion_rate:avg", "deals_closed:sum"]
        )
        self.assertEqual(rows, [(False, 0)])
        key = (self.salesman_1.id, self.team.id, date(2026, 1, 1), date(2026, 1, 31))
        self.assertEqual(
            self.env.ref(RATIOS["conversion_rate"])._compute_actuals([key], self.company)[key], 0.0
        )

    @freeze_time("2026-03-16 12:00:00")
    def test_plan_lines(self):
        """Ratio plan lines: the team line is the team's ratio; the remainder is not a difference; a ratio's
        forecast is its actual; a lower-is-better KPI's achievement is target / actual."""
        conversion = self.env.ref(RATIOS["conversion_rate"])
        cycle = self.env.ref(RATIOS["avg_sales_cycle"])
        self.assertTrue(conversion.is_ratio and cycle.is_ratio and cycle.lower_is_better)
        plan = self.env["crm.sales.plan"].create(
            {
                "team_id": self.team.id,
                "date_from": MARCH[0],
                "line_ids": [
                    Command.create(
                        {"user_id": user.id if user else False, "kpi_id": kpi.id, "target": target}
                    )
                    for user, kpi, target in (
                        (self.salesman_1, conversion, 50.0),
                        (self.salesman_2, conversion, 50.0),
                        (False, conversion, 50.0),
                        (self.salesman_1, cycle, 10.0),
                        (self.salesman_2, cycle, 10.0),
                    )
                ],
            }
        )
        plan.action_open()
        line_1, team = self._line(plan, self.salesman_1, conversion), self._line(plan, False, conversion)
        self.assertAlmostEqual(line_1.actual, 200.0 / 3, places=4)
        self.assertAlmostEqual(team.actual, 60.0, places=4)
        self.assertAlmostEqual(line_1.achievement, 100.0 * (200.0 / 3) / 50.0, places=2)
        self.assertAlmostEqual(line_1.forecast_run_rate, line_1.actual, msg="a ratio does not grow with time")
        self.assertFalse(team.members_target_differs, "a ratio's team target is not the members' sum")
        plan.action_set_team_targets_from_members()
        self.assertEqual(team.target, 50.0)
        remainder = self.env["crm.report.plan.fact"].search(
            [("plan_id", "=", plan.id), ("line_kind", "=", "remainder"), ("kpi_id", "=", conversion.id)]
        )
        self.assertEqual((remainder.target, remainder.actual), (0.0, 0.0), "a ratio has no remainder")
        self.assertAlmostEqual(remainder.team_actual, 60.0, places=4)
        slow, fast = self._line(plan, self.salesman_1, cycle), self._line(plan, self.salesman_2, cycle)
        self.assertAlmostEqual(slow.actual, 11.5)
        self.assertAlmostEqual(slow.achievement, 100.0 * 10.0 / 11.5, places=2, msg="slower than the target")
        self.assertAlmostEqual(fast.achievement, 1000.0, places=2, msg="ten times faster than the target")
