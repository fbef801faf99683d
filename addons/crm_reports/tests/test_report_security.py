# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCommon, at

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
REPORTS = (
    "crm.report.lead.intake",
    "crm.report.funnel",
    "crm.report.sales",
    "crm.report.activity",
    "crm.report.plan.fact",
)


@tagged("post_install", "-at_install")
class TestReportSecurity(ReportsCommon):
    """A salesperson reads their own rows, a team leader their team's, an accountant every row of the company
    and writes none; another company's rows are never visible."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s1, s2 = cls.salesman_1, cls.salesman_2
        cls._invoice(s1, [100.00], "2026-03-03")
        cls._invoice(s2, [200.00], "2026-03-04")
        cls._invoice(cls.env["res.users"], [40.00], "2026-03-05")
        cls._invoice(cls.outsider, [800.00], "2026-03-06", team=cls.other_team)
        cls._invoice(s1, [600.00], "2026-03-07", company=cls.company_2)
        with at(cls.env, "2026-03-03 10:00:00"):
            cls.leads = cls.env["crm.lead"].create(
                [
                    {
                        "name": f"Secret {user.login}",
                        "type": "opportunity",
                        "user_id": user.id,
                        "team_id": team.id,
                        "company_id": cls.company.id,
                    }
                    for user, team in ((s1, cls.team), (s2, cls.team), (cls.outsider, cls.other_team))
                ]
            )
            cls.other_company_lead = cls.env["crm.lead"].create(
                {
                    "name": "Other company",
                    "type": "opportunity",
                    "user_id": cls.company_2_user.id,
                    "team_id": False,
                    "company_id": cls.company_2.id,
                }
            )
        cls._plan(MARCH[0], [(s1, 100.0), (s2, 100.0), (False, 400.0)])

    def _revenue(self, user, extra=()):
        domain = [("date", ">=", MARCH[0]), ("date", "<=", MARCH[1]), *extra]
        return self._sum("crm.report.sales", "revenue", domain, user=user)

    def _users(self, model, user):
        rows = self.env[model].with_user(user).search([])
        return rows.mapped("user_id")

    def test_salesperson_sees_own_rows_only(self):
        s1 = self.salesman_1
        self.assertEqual(self._revenue(s1), 100.00)
        for model in REPORTS:
            with self.subTest(model=model):
                rows = self.env[model].with_user(s1).search([])
                self.assertTrue(rows, "own rows are visible")
                self.assertEqual(rows.mapped("user_id"), s1)
                self.assertEqual(rows.mapped("company_id"), self.company)
        self.assertFalse(
            self.env["crm.report.plan.fact"].with_user(s1).search([("line_kind", "=", "remainder")]),
            "the team line's remainder belongs to the team leader",
        )

    def test_team_leader_sees_the_team(self):
        leader = self.leader
        self.assertEqual(
            self._revenue(leader), 340.00, "salespeople 1 and 2 and the team's unassigned invoice"
        )
        for model in REPORTS:
            with self.subTest(model=model):
                rows = self.env[model].with_user(leader).search([])
                self.assertTrue(rows)
                self.assertEqual(rows.mapped("team_id"), self.team)
        self.assertTrue(
            self.env["crm.report.plan.fact"].with_user(leader).search([("line_kind", "=", "remainder")])
        )
        self.assertNotIn(self.outsider, self._users("crm.report.sales", leader))

    def test_accountant_reads_everything_writes_nothing(self):
        accountant = self.accountant
        self.assertEqual(self._revenue(accountant), 1140.00)
        for model in REPORTS:
            with self.subTest(model=model):
                report = self.env[model].with_user(accountant)
                rows = report.search([])
                self.assertTrue(rows)
                self.assertEqual(rows.mapped("company_id"), self.company)
                with self.assertRaises(AccessError):
                    report.check_access("write")
                with self.assertRaises(AccessError):
                    rows[:1].write({"user_id": accountant.id})
                with self.assertRaises(AccessError):
                    report.create({})
                with self.assertRaises(AccessError):
                    rows[:1].unlink()

    def test_salesperson_cannot_write_reports_or_history(self):
        for model in (*REPORTS, "crm.lead.stage.history"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.salesman_1).check_access("write")

    def test_other_company_never_visible(self):
        for user in (self.salesman_1, self.leader, self.accountant, self.manager):
            for model in REPORTS:
                with self.subTest(user=user.login, model=model):
                    rows = self.env[model].with_user(user).search([("company_id", "=", self.company_2.id)])
                    self.assertFalse(rows)
        self.assertEqual(self._revenue(self.company_2_user), 600.00)
        self.assertFalse(
            self.env["crm.report.sales"]
            .with_user(self.company_2_user)
            .search([("company_id", "=", self.company.id)])
        )

    def test_excel_export_respects_the_rules(self):
        summary = self._workbook(self._export("sales", *MARCH, user=self.salesman_1))["Summary"]
        self.assertEqual(self._row_with(summary, "Total")[1], 100.00)
        # asking for a colleague's figures gives nothing
        summary = self._workbook(
            self._export("sales", *MARCH, user=self.salesman_1, user_ids=[(6, 0, self.salesman_2.ids)])
        )["Summary"]
        self.assertEqual(self._row_with(summary, "Total")[1], 0.0)
        summary = self._workbook(self._export("sales", *MARCH, user=self.accountant))["Summary"]
        self.assertEqual(self._row_with(summary, "Total")[1], 1140.00)

    def test_export_of_another_users_wizard_refused(self):
        wizard = (
            self.env["crm.report.export"]
            .with_user(self.salesman_2)
            .create({"report_type": "sales", "date_from": MARCH[0], "date_to": MARCH[1]})
        )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.salesman_1)._render_xlsx(
                "crm_reports.crm_report_xlsx", wizard.ids, data={}
            )
