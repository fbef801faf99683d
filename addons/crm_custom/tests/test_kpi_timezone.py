# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


@tagged("post_install", "-at_install")
class TestKpiTimezone(TransactionCase):
    """Plan KPIs count calendar days in the company's timezone: on a Moscow company, 01:30 on 1 December
    (22:30 UTC on 30 November) is December."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "KPI Moscow", "tz": "Europe/Moscow"})
        cls.company = cls.env["res.company"].create({"name": "KPI Moscow", "partner_id": partner.id})
        cls.user = new_test_user(
            cls.env,
            login="kpi_tz_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "KPI Moscow Team",
                "company_id": cls.company.id,
                "member_ids": [Command.set(cls.user.ids)],
            }
        )
        values = {"user_id": cls.user.id, "team_id": cls.team.id, "company_id": cls.company.id}
        with cls._at("2026-11-30 22:30:00"):  # 01:30 on 1 December in Moscow
            cls.night = cls.env["crm.lead"].create({"name": "Night", "type": "opportunity", **values})
            cls.night.action_set_won()
        with cls._at("2026-11-30 20:59:59"):  # 23:59:59 on 30 November in Moscow
            cls.env["crm.lead"].create({"name": "Evening", "type": "lead", **values})

    @classmethod
    @contextmanager
    def _at(cls, moment):
        with (
            freeze_time(moment),
            patch.object(cls.env.cr, "now", return_value=datetime.fromisoformat(moment)),
        ):
            yield

    def _actual(self, code, period, user=True):
        kpi = self.env["crm.kpi"].search([("code", "=", code)])
        key = (self.user.id if user else False, self.team.id, *period)
        return kpi._compute_actuals([key], self.company)[key]

    def test_reporting_timezone_defaults_to_the_company_address(self):
        self.assertEqual(self.company.crm_tz, "Europe/Moscow")
        self.assertEqual(self.env["res.company"].create({"name": "No address tz"}).crm_tz, "UTC")

    def test_month_boundary_in_moscow(self):
        self.assertEqual(self._actual("leads_new", DECEMBER), 1)
        self.assertEqual(self._actual("leads_new", NOVEMBER), 1)
        self.assertEqual(self._actual("deals_won", DECEMBER), 1)
        self.assertEqual(self._actual("deals_won", NOVEMBER), 0)
        self.assertEqual(self._actual("leads_new", DECEMBER, user=False), 1, "team line too")

    def test_utc_company_keeps_utc_days(self):
        self.company.crm_tz = "UTC"
        self.assertEqual(self._actual("leads_new", DECEMBER), 0)
        self.assertEqual(self._actual("leads_new", NOVEMBER), 2)

    def test_pacific_timezone_the_other_way(self):
        """West of UTC the day ends later: 22:30 UTC on 30 November is still 30 November in Los Angeles."""
        self.company.crm_tz = "America/Los_Angeles"
        self.assertEqual(self._actual("leads_new", NOVEMBER), 2)
        self.assertEqual(self._actual("leads_new", DECEMBER), 0)
