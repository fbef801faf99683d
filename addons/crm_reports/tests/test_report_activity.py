# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command
from odoo.tests import tagged

from .common import ReportsCommon, at

# report measure -> (KPI code, factor from the KPI's unit to the measure's)
MEASURES = {
    "calls_in": ("calls_in", 1),
    "calls_out": ("calls_out", 1),
    "calls_missed": ("calls_missed", 1),
    "talk_minutes": ("talk_time", 1 / 60),
    "meetings": ("meetings", 1),
    "proposals_sent": ("proposals_sent", 1),
    "deals_won": ("deals_won", 1),
    "leads_new": ("leads_new", 1),
    "revenue": ("revenue", 1),
}


@tagged("post_install", "-at_install")
class TestReportActivity(ReportsCommon):
    """Each figure of the activity report is what the KPI registry computes for a plan line of the same
    salesperson (or team) and period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s1, s2 = cls.salesman_1, cls.salesman_2
        call = cls._call
        call(s1, "in", "answered", "2026-03-02 09:00:00", talk=125)
        call(s1, "in", "missed", "2026-03-02 10:00:00")
        call(s1, "in", "voicemail", "2026-03-09 10:00:00")
        call(s1, "out", "answered", "2026-03-10 11:00:00", talk=300)
        call(s1, "out", "no_answer", "2026-03-11 11:00:00")
        call(s1, "out", False, "2026-03-12 11:00:00", state="open")  # planned, not made
        call(s1, "in", "answered", "2026-03-13 11:00:00", talk=50, state="cancel")
        call(s2, "in", "busy", "2026-03-03 12:00:00")
        call(s2, "out", "answered", "2026-03-04 12:00:00", talk=61)
        call(s1, "in", "answered", "2026-04-01 09:00:00", talk=10)  # next month
        Event = cls.env["calendar.event"].with_context(mail_create_nolog=True, no_mail_to_attendees=True)
        for start in (datetime(2026, 3, 2, 14), datetime(2026, 3, 20, 14)):
            Event.create(
                {
                    "name": "Customer visit",
                    "user_id": s1.id,
                    "start": start,
                    "stop": start.replace(hour=15),
                    "partner_ids": [Command.set((cls.customer | s1.partner_id).ids)],
                }
            )
        orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "team_id": cls.team.id,
                    "company_id": cls.company.id,
                    "order_line": [Command.create({"product_id": cls.product_a.id, "product_uom_qty": 1})],
                }
                for user in (s1, s1, s2)
            ]
        )
        with at(cls.env, "2026-03-02 16:00:00"):
            orders[0].action_quotation_sent()
        with at(cls.env, "2026-03-17 16:00:00"):
            orders[1:].action_quotation_sent()
        Lead = cls.env["crm.lead"]
        with at(cls.env, "2026-03-02 08:00:00"):
            deals = Lead.create(
                [
                    {
                        "name": f"Activity deal {n}",
                        "type": "opportunity",
                        "user_id": user.id,
                        "team_id": cls.team.id,
                        "company_id": cls.company.id,
                    }
                    for n, user in enumerate((s1, s1, s2, s2))
                ]
            )
        with at(cls.env, "2026-03-02 18:00:00"):
            deals[0].action_set_won()
        with at(cls.env, "2026-03-19 18:00:00"):
            deals[1:3].action_set_won()
        cls._invoice(s1, [1000.00], "2026-03-02")
        cls._invoice(s1, [150.00], "2026-03-25", move_type="out_refund")
        cls._invoice(s2, [420.00], "2026-03-26")

    @classmethod
    def _call(cls, user, direction, outcome, when, talk=0, state="done"):
        # outcome and talk time are system fields (the PBX's); logged by the salesperson, so they count
        calls = cls.env["crm.phonecall"].with_user(user).sudo()
        return calls.create(
            {
                "name": f"{direction} {outcome} {when}",
                "user_id": user.id,
                "team_id": cls.team.id,
                "company_id": cls.company.id,
                "direction": direction,
                "outcome": outcome,
                "state": state,
                "date": datetime.fromisoformat(when),
                "talk_seconds": talk,
            }
        )

    def _kpi(self, code, user, period):
        kpi = self.env["crm.kpi"].search([("code", "=", code)])
        key = (user.id if user else False, self.team.id, *period)
        return kpi._compute_actuals([key], self.company)[key]

    def test_every_measure_equals_the_kpi_registry(self):
        periods = {
            "march": (date(2026, 3, 1), date(2026, 3, 31)),
            "one day": (date(2026, 3, 2), date(2026, 3, 2)),
            "second half": (date(2026, 3, 16), date(2026, 3, 31)),
        }
        who = {"salesperson 1": self.salesman_1, "salesperson 2": self.salesman_2, "team line": False}
        checked_non_zero = set()
        for measure, (code, factor) in MEASURES.items():
            for period_name, period in periods.items():
                for who_name, user in who.items():
                    domain = [
                        ("company_id", "=", self.company.id),
                        ("date", ">=", period[0]),
                        ("date", "<=", period[1]),
                    ]
                    domain.append(("user_id", "=", user.id) if user else ("team_id", "=", self.team.id))
                    with self.subTest(measure=measure, period=period_name, who=who_name):
                        expected = self._kpi(code, user, period) * factor
                        self.assertAlmostEqual(
                            self._sum("crm.report.activity", measure, domain), expected, places=2
                        )
                        if expected:
                            checked_non_zero.add(measure)
        self.assertEqual(checked_non_zero, set(MEASURES), "every measure was compared on real figures")

    def test_hand_counted_figures(self):
        domain = [
            ("user_id", "=", self.salesman_1.id),
            ("date", ">=", "2026-03-01"),
            ("date", "<=", "2026-03-31"),
        ]
        expected = {
            "calls_in": 3,
            "calls_out": 2,
            "calls_missed": 2,
            "talk_minutes": 425 / 60,
            "meetings": 2,
            "proposals_sent": 2,
            "deals_won": 2,
            "leads_new": 2,
            "revenue": 850.00,
        }
        for measure, value in expected.items():
            with self.subTest(measure=measure):
                self.assertAlmostEqual(self._sum("crm.report.activity", measure, domain), value, places=2)
