# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestPlanRealism(PlanCommon):
    """Three consecutive months where most of the team missed flag the next plan; two do not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman_3 = cls._user("plan_salesman_3", "sales_team.group_sale_salesman")
        cls.salesman_4 = cls._user("plan_salesman_4", "sales_team.group_sale_salesman")
        cls.team.member_ids = [Command.link(cls.salesman_3.id), Command.link(cls.salesman_4.id)]
        cls.members = cls.salesman_1 | cls.salesman_2 | cls.salesman_3 | cls.salesman_4

    def _month(self, month, hitters):
        """A closed March-style plan: every member has 1000 of target, ``hitters`` invoice 1500."""
        start = date(2026, month, 1)
        for user in hitters:
            self._invoice(user, [1500.00], start.replace(day=10))
        return self._plan(start, [(user, 1000.0) for user in self.members], state="closed")

    def _april(self):
        return self._plan(date(2026, 4, 1), [(user, 1000.0) for user in self.members], state="draft")

    def test_three_missed_months_flag_next_plan(self):
        # 3 of 4 members (75 % > 70 %) miss in January, February and March.
        for month in (1, 2, 3):
            self._month(month, self.salesman_4)
        april = self._april()
        self.assertFalse(april.likely_unrealistic)
        with freeze_time("2026-04-02 08:00:00"):
            self.env["crm.sales.plan"]._cron_refresh_and_check()
        self.assertTrue(april.likely_unrealistic)
        self.assertFalse(april.coaching_user_ids, "the plan is the problem, not the people")
        activity = april.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.leader, "the team's sales manager is asked to review it")
        self.assertTrue(any("likely unrealistic" in message.body for message in april.message_ids))

    def test_two_missed_months_do_not_flag(self):
        self._month(1, self.members)  # everybody hits in January
        for month in (2, 3):
            self._month(month, self.salesman_4)
        april = self._april()
        with freeze_time("2026-04-02 08:00:00"):
            self.env["crm.sales.plan"]._cron_refresh_and_check()
        self.assertFalse(april.likely_unrealistic)
        self.assertFalse(april.activity_ids)
        self.assertFalse(april.coaching_user_ids, "nobody missed all three months")

    def test_few_repeated_missers_need_coaching(self):
        for month in (1, 2, 3):
            self._month(month, self.members - self.salesman_2)
        april = self._april()
        with freeze_time("2026-04-02 08:00:00"):
            self.env["crm.sales.plan"]._cron_refresh_and_check()
        self.assertFalse(april.likely_unrealistic)
        self.assertEqual(april.coaching_user_ids, self.salesman_2)

    def test_copy_to_next_period_runs_the_rule(self):
        for month in (1, 2, 3):
            march = self._month(month, self.env["res.users"])
        action = march.action_copy_next_period()
        april = self.env["crm.sales.plan"].browse(action["res_id"])
        self.assertEqual(april.date_from, date(2026, 4, 1))
        self.assertEqual(april.state, "draft")
        self.assertTrue(april.likely_unrealistic)
        self.assertEqual(sorted(april.line_ids.mapped("target")), [1000.0] * 4)
        self.assertFalse(any(april.line_ids.mapped("actual")))

    def test_share_threshold_is_a_setting(self):
        self.company.crm_plan_unrealistic_share = 80.0
        for month in (1, 2, 3):
            self._month(month, self.salesman_4)
        april = self._april()
        april._check_realism()
        self.assertFalse(april.likely_unrealistic, "75 % is not more than 80 %")
        self.company.crm_plan_unrealistic_months = 2
        self.company.crm_plan_unrealistic_share = 70.0
        april._check_realism()
        self.assertTrue(april.likely_unrealistic)
