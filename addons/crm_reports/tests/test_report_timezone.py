# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import at

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


@tagged("post_install", "-at_install")
class TestReportTimezone(TransactionCase):
    """A lead created at 01:30 Moscow time on 1 December (22:30 UTC on 30 November) is a December lead in the
    plan KPIs, in the reports and in Odoo's own pivot for a Moscow user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Moscow Trading", "tz": "Europe/Moscow"})
        cls.moscow = cls.env["res.company"].create({"name": "Moscow Trading", "partner_id": partner.id})
        cls.user = new_test_user(
            cls.env,
            login="tz_moscow_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.moscow.id,
            company_ids=[Command.set(cls.moscow.ids)],
            tz="Europe/Moscow",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Moscow Team", "company_id": cls.moscow.id, "member_ids": [Command.set(cls.user.ids)]}
        )
        Lead = cls.env["crm.lead"].with_company(cls.moscow)
        values = {"user_id": cls.user.id, "team_id": cls.team.id, "company_id": cls.moscow.id, "type": "lead"}
        with at(cls.env, "2026-11-30 22:30:00"):  # 01:30 in Moscow on 1 December
            cls.lead = Lead.create({"name": "Night lead", **values})
        with at(cls.env, "2026-11-30 20:30:00"):  # 23:30 in Moscow on 30 November
            cls.evening_lead = Lead.create({"name": "Evening lead", **values})
        # outcome and talk time are system fields (the PBX's); logged by the salesperson, so they count
        cls.env["crm.phonecall"].with_user(cls.user).sudo().create(
            {
                "name": "Night call",
                "user_id": cls.user.id,
                "team_id": cls.team.id,
                "company_id": cls.moscow.id,
                "direction": "in",
                "outcome": "answered",
                "state": "done",
                "date": datetime(2026, 11, 30, 21, 30),  # 00:30 in Moscow on 1 December
                "talk_seconds": 60,
            }
        )

    def _kpi(self, code, period):
        kpi = self.env["crm.kpi"].search([("code", "=", code)])
        key = (self.user.id, self.team.id, *period)
        return kpi._compute_actuals([key], self.moscow)[key]

    def test_company_timezone_defaults_to_its_address(self):
        self.assertEqual(self.moscow.crm_tz, "Europe/Moscow")

    def test_kpis_count_the_moscow_day(self):
        self.assertEqual(self._kpi("leads_new", DECEMBER), 1)
        self.assertEqual(self._kpi("leads_new", NOVEMBER), 1, "the evening lead only")
        self.assertEqual(self._kpi("calls_in", DECEMBER), 1)
        self.assertEqual(self._kpi("calls_in", NOVEMBER), 0)

    def test_reports_count_the_moscow_day(self):
        intake = self.env["crm.report.lead.intake"].search([("lead_id", "=", self.lead.id)])
        self.assertEqual(intake.date, date(2026, 12, 1))
        activity = self.env["crm.report.activity"].with_company(self.moscow)
        [[leads, calls]] = activity._read_group(
            [("user_id", "=", self.user.id), ("date", ">=", DECEMBER[0]), ("date", "<=", DECEMBER[1])],
            [],
            ["leads_new:sum", "calls_in:sum"],
        )
        self.assertEqual((leads, calls), (1, 1))

    def test_odoo_pivot_of_a_moscow_user_agrees(self):
        groups = (
            self.env["crm.lead"]
            .with_context(tz="Europe/Moscow")
            ._read_group(
                [("id", "in", (self.lead | self.evening_lead).ids)], ["create_date:month"], ["__count"]
            )
        )
        self.assertEqual({month.month: count for month, count in groups}, {11: 1, 12: 1})

    def test_plan_line_of_december(self):
        plan = self.env["crm.sales.plan"].create(
            {
                "team_id": self.team.id,
                "company_id": self.moscow.id,
                "date_from": DECEMBER[0],
                "line_ids": [
                    Command.create(
                        {
                            "user_id": self.user.id,
                            "kpi_id": self.env.ref("crm_custom.kpi_leads_new").id,
                            "target": 5,
                        }
                    )
                ],
            }
        )
        plan.action_open()
        self.assertEqual(plan.line_ids.actual, 1)

    def test_the_setting_moves_the_boundary(self):
        self.moscow.crm_tz = "UTC"
        self.assertEqual(self._kpi("leads_new", DECEMBER), 0)
        intake = self.env["crm.report.lead.intake"].search([("lead_id", "=", self.lead.id)])
        self.assertEqual(intake.date, date(2026, 11, 30))
