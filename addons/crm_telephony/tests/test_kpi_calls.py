# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@tagged("post_install", "-at_install")
class TestKpiCalls(TransactionCase):
    """The telephony KPIs count the company's calls of the period from crm_phonecall, per user and team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "KPI Calls Other Co"})
        cls.anna = new_test_user(cls.env, login="kpi_anna", groups="sales_team.group_sale_salesman")
        cls.boris = new_test_user(cls.env, login="kpi_boris", groups="sales_team.group_sale_salesman")
        cls.env.user.groups_id += cls.env.ref("sales_team.group_sale_manager")
        cls.team = cls.env["crm.team"].create(
            {"name": "KPI Calls Team", "member_ids": [Command.set((cls.anna + cls.boris).ids)]}
        )
        cls.pbx = cls.env["crm.pbx"].create({"name": "KPI PBX", "company_id": cls.company.id})
        cls.other_pbx = cls.env["crm.pbx"].create({"name": "KPI PBX 2", "company_id": cls.other_company.id})
        cls.kpis = {
            code: cls.env["crm.kpi"].search([("code", "=", code)])
            for code in ("calls_in", "calls_out", "calls_missed", "talk_time")
        }
        call = cls._call
        call(cls.anna, "in", "answered", "2026-03-02 09:00:00", talk=120)
        call(cls.anna, "in", "answered", "2026-03-31 23:30:00", talk=30)
        call(cls.anna, "in", "missed", "2026-03-05 10:00:00")
        call(cls.anna, "in", "voicemail", "2026-03-06 10:00:00")
        call(cls.anna, "out", "answered", "2026-03-07 11:00:00", talk=300)
        call(cls.anna, "out", "no_answer", "2026-03-08 11:00:00")
        call(cls.boris, "in", "busy", "2026-03-09 12:00:00")
        call(cls.boris, "out", "answered", "2026-03-10 12:00:00", talk=45)
        # none of these count in March for this company
        call(cls.anna, "in", "answered", "2026-04-01 00:00:00", talk=999)
        call(cls.anna, "in", "answered", "2026-02-28 23:59:59", talk=999)
        call(cls.anna, "out", False, "2026-03-20 10:00:00", state="open")  # scheduled, not made
        call(cls.anna, "in", "answered", "2026-03-11 10:00:00", talk=999, state="cancel")
        call(cls.anna, "in", "answered", "2026-03-12 10:00:00", talk=999, company=cls.other_company)

    @classmethod
    def _call(cls, user, direction, outcome, when, talk=0, state="done", company=None):
        """A call reported by a PBX (written in superuser mode, as the webhook does)."""
        company = company or cls.company
        return cls.env["crm.phonecall"].create(
            {
                "name": f"{direction} {outcome} {when}",
                "pbx_id": (cls.pbx if company == cls.company else cls.other_pbx).id,
                "user_id": user.id,
                "team_id": cls.team.id,
                "company_id": company.id,
                "direction": direction,
                "outcome": outcome,
                "state": state,
                "date": datetime.fromisoformat(when),
                "talk_seconds": talk,
            }
        )

    def _actual(self, code, user):
        key = (user.id if user else False, self.team.id, *MARCH)
        return self.kpis[code]._compute_actuals([key], self.company)[key]

    def test_registered_in_the_registry(self):
        self.assertTrue(all(self.kpis.values()), "the four telephony KPIs exist")
        self.assertEqual(self.kpis["talk_time"].unit, "seconds")

    def test_calls_per_salesperson(self):
        self.assertEqual(self._actual("calls_in", self.anna), 4)
        self.assertEqual(self._actual("calls_out", self.anna), 2)
        self.assertEqual(self._actual("calls_missed", self.anna), 2)
        self.assertEqual(self._actual("talk_time", self.anna), 450)
        self.assertEqual(self._actual("calls_missed", self.boris), 1)
        self.assertEqual(self._actual("talk_time", self.boris), 45)

    def test_team_line(self):
        self.assertEqual(self._actual("calls_in", False), 5)
        self.assertEqual(self._actual("calls_out", False), 3)
        self.assertEqual(self._actual("calls_missed", False), 3)
        self.assertEqual(self._actual("talk_time", False), 495)

    def test_plan_lines_use_them(self):
        plan = self.env["crm.sales.plan"].create(
            {
                "team_id": self.team.id,
                "period_type": "month",
                "date_from": MARCH[0],
                "line_ids": [
                    Command.create(
                        {"user_id": self.anna.id, "kpi_id": self.kpis["calls_out"].id, "target": 4}
                    ),
                    Command.create(
                        {"user_id": self.anna.id, "kpi_id": self.kpis["talk_time"].id, "target": 900}
                    ),
                ],
            }
        )
        plan.action_refresh_actuals()
        by_code = {line.kpi_id.code: line for line in plan.line_ids}
        self.assertEqual(by_code["calls_out"].actual, 2)
        self.assertEqual(by_code["calls_out"].achievement, 50)
        self.assertEqual(by_code["talk_time"].actual, 450)
        self.assertEqual(by_code["talk_time"].achievement, 50)

    def _logged(self, author, user, direction="out", when="2026-03-15 10:00:00", company=None):
        """A call logged by hand by ``author`` for ``user`` (OCA's form or "Log a call"), on a client of the
        author's, in the author's current company (the default)."""
        client = self.env["res.partner"].create({"name": f"Client of {author.login}", "user_id": author.id})
        return (
            self.env["crm.phonecall"]
            .with_user(author)
            .create(
                {
                    "name": f"Logged by {author.login}",
                    "partner_id": client.id,
                    "user_id": user.id,
                    "team_id": self.team.id,
                    "direction": direction,
                    "state": "done",
                    "date": datetime.fromisoformat(when),
                    **({"company_id": company.id} if company else {}),
                }
            )
        )

    def test_call_logged_by_its_own_user_counts(self):
        """Logged by hand, without a company: the call is in the user's current company and counts."""
        self.assertEqual(self._logged(self.anna, self.anna, "out").company_id, self.company)
        self._logged(self.anna, self.anna, "in")
        self.assertEqual(self._actual("calls_out", self.anna), 3)
        self.assertEqual(self._actual("calls_in", self.anna), 5)

    def test_call_logged_for_somebody_else_counts_for_nobody(self):
        """Boris logs calls for Anna, in the company (as an RPC call can): they do not raise Anna's figures
        (nor his)."""
        self._logged(self.boris, self.anna, "out", company=self.company)
        self._logged(self.boris, self.anna, "in", company=self.company)
        self.assertEqual(self._actual("calls_out", self.anna), 2)
        self.assertEqual(self._actual("calls_in", self.anna), 4)
        self.assertEqual(self._actual("calls_out", self.boris), 1)
        self.assertEqual(self._actual("calls_out", False), 3, "team line")

    def test_reassigned_call_counts_for_nobody(self):
        """A call Boris logged, reassigned to Anna (by Boris, or by a manager), counts for neither."""
        call = self._logged(self.boris, self.boris, "out")
        self.assertEqual(self._actual("calls_out", self.boris), 2)
        call.with_user(self.boris).user_id = self.anna
        self.assertEqual(self._actual("calls_out", self.anna), 2)
        self.assertEqual(self._actual("calls_out", self.boris), 1)

    def test_salesperson_cannot_take_over_a_pbx_call(self):
        call = self.env["crm.phonecall"].search([("user_id", "=", self.boris.id), ("direction", "=", "out")])
        call.partner_id = self.env["res.partner"].create({"name": "Anna's client", "user_id": self.anna.id})
        with self.assertRaises(AccessError):
            call.with_user(self.anna).user_id = self.anna
        with self.assertRaises(AccessError):
            call.with_user(self.anna).write({"talk_seconds": 3600})
        self.assertEqual(self._actual("calls_out", self.anna), 2)
        self.assertEqual(self._actual("talk_time", self.anna), 450)

    def test_salesperson_cannot_edit_telephony_kpi(self):
        with self.assertRaises(AccessError):
            self.kpis["calls_in"].with_user(self.anna).write({"weight": 5})
        self.assertEqual(self.kpis["calls_in"].weight, 1)

    def test_upgrade_reloads_the_final_definitions(self):
        """The migration to 18.0.1.1.0 reloads the KPI descriptions (noupdate data) in English and Russian:
        what a new install has, i.e. the definitions of docs/metrics.md with both the company's timezone
        and the calls that count (from a PBX or logged by their own user)."""
        kpis = self.env["crm.kpi"].search([("code", "in", list(self.kpis))])
        kpis |= self.env["crm.kpi"].search([("code", "in", ("deals_won", "meetings", "leads_new"))])

        def texts(kpi):
            return (
                kpi.with_context(lang="en_US").description,
                kpi.with_context(lang="ru_RU").description,
            )

        installed = {kpi: texts(kpi) for kpi in kpis}
        for kpi in kpis:
            kpi.with_context(lang="en_US").description = "A definition of an older version"
            kpi.update_field_translations("description", {"ru_RU": "Определение прежней версии"})
        for module in ("crm_custom", "crm_telephony"):
            self.env["crm.kpi"]._reload_descriptions(module)
        for kpi in kpis:
            with self.subTest(kpi=kpi.code):
                self.assertEqual(texts(kpi), installed[kpi])
                english, russian = texts(kpi)
                self.assertIn("company's timezone", english)
                self.assertIn("часовом поясе компании", russian)
                self.assertNotEqual(english, russian, "translated")
        for code in self.kpis:
            english, russian = texts(self.kpis[code])
            self.assertIn(
                "Only calls reported by a PBX, or logged by hand by their own user, count.", english
            )
            self.assertIn("АТС", russian)
