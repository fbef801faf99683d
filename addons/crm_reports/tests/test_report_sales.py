# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ReportsCommon

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@tagged("post_install", "-at_install")
class TestReportSales(ReportsCommon):
    """The sales report, the activity report's revenue, plan vs fact and their Excel files all equal the
    journal items accounting sees for the same filter, to the cent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        code = "EUR" if cls.company.currency_id.name != "EUR" else "USD"
        # a rate that does not divide evenly: 1,000.00 foreign = 736.43 in the company currency
        cls.foreign = cls.setup_other_currency(code, rates=[("2026-01-01", 1.3579)])
        s1, s2 = cls.salesman_1, cls.salesman_2
        cls._invoice(s1, [1000.00, 250.50], "2026-03-05")
        cls._invoice(s1, [200.00], "2026-03-25", move_type="out_refund")
        cls.foreign_invoice = cls._invoice(s1, [1000.00], "2026-03-10", currency=cls.foreign)
        cls._invoice(s1, [700.00], "2026-03-11", post=False)  # draft
        cls._invoice(s1, [800.00], "2026-03-12").button_cancel()  # cancelled
        cls._invoice(s1, [900.00], "2026-03-13", move_type="in_invoice")  # vendor bill
        cls._invoice(s1, [600.00], "2026-03-14", company=cls.company_2)  # the second company
        cls._invoice(s2, [350.00], "2026-03-15")
        # last month's invoice, reversed this month
        february = cls._invoice(s2, [500.00], "2026-02-20")
        cls._reverse(february, date(2026, 3, 5))
        cls._invoice(cls.env["res.users"], [120.00], "2026-03-18")  # the team's, without salesperson
        cls.product_invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-03-19",
                "invoice_user_id": s1.id,
                "team_id": cls.team.id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product_a.id, "quantity": 3, "price_unit": 40.00}),
                    Command.create({"product_id": cls.product_b.id, "quantity": 1, "price_unit": 15.25}),
                ],
            }
        )
        cls.product_invoice.action_post()
        cls.product_refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-03-20",
                "invoice_user_id": s1.id,
                "team_id": cls.team.id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.product_a.id, "quantity": 1, "price_unit": 40.00})
                ],
            }
        )
        cls.product_refund.action_post()

    def _journal(self, extra=(), period=MARCH, company=None):
        """The journal-item total accounting gets from account.move.line for the same filter."""
        domain = [
            ("company_id", "=", (company or self.company).id),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("display_type", "=", "product"),
            ("invoice_date", ">=", period[0]),
            ("invoice_date", "<=", period[1]),
            *extra,
        ]
        [[balance]] = self.env["account.move.line"]._read_group(domain, [], ["balance:sum"])
        return -(balance or 0.0)

    def _sales(self, extra=(), period=MARCH, company=None, user=None):
        domain = [
            ("company_id", "=", (company or self.company).id),
            ("date", ">=", period[0]),
            ("date", "<=", period[1]),
            *extra,
        ]
        return self._sum("crm.report.sales", "revenue", domain, user=user)

    def test_foreign_invoice_at_the_booked_rate(self):
        self.assertAlmostEqual(
            -sum(self.foreign_invoice.invoice_line_ids.mapped("balance")), 736.43, places=2
        )

    def test_sales_report_equals_journal_items(self):
        s1 = self.salesman_1
        # 1000 + 250.50 - 200 (credit note) + 736.43 (foreign) + 120 + 15.25 - 40 (products)
        self.assertAlmostEqual(self._sales([("user_id", "=", s1.id)]), 1882.18, places=2)
        # 350 - 500 (February's invoice reversed in March)
        self.assertAlmostEqual(self._sales([("user_id", "=", self.salesman_2.id)]), -150.00, places=2)
        self.assertAlmostEqual(self._sales([("user_id", "=", False)]), 120.00, places=2)
        self.assertAlmostEqual(self._sales(period=(date(2026, 2, 1), date(2026, 2, 28))), 500.00, places=2)
        filters = [
            ([], []),
            ([("user_id", "=", s1.id)], [("move_id.invoice_user_id", "=", s1.id)]),
            ([("team_id", "=", self.team.id)], [("move_id.team_id", "=", self.team.id)]),
            ([("product_id", "=", self.product_a.id)], [("product_id", "=", self.product_a.id)]),
            (
                [("partner_id", "=", self.customer.id)],
                [("move_id.commercial_partner_id", "=", self.customer.id)],
            ),
            ([("move_type", "=", "out_refund")], [("move_id.move_type", "=", "out_refund")]),
        ]
        for report_filter, journal_filter in filters:
            with self.subTest(report_filter=report_filter):
                self.assertAlmostEqual(self._sales(report_filter), self._journal(journal_filter), places=2)
        self.assertAlmostEqual(self._sales(), 1852.18, places=2)
        self.assertAlmostEqual(
            self._sales(company=self.company_2, user=self.company_2_user),
            self._journal(company=self.company_2),
            places=2,
        )
        self.assertAlmostEqual(
            self._sales(company=self.company_2, user=self.company_2_user), 600.00, places=2
        )

    def test_quantity_and_product_category(self):
        quantity = self._sum(
            "crm.report.sales", "quantity", [("product_id", "=", self.product_a.id), ("date", ">=", MARCH[0])]
        )
        self.assertEqual(quantity, 2.0, "3 invoiced, 1 credited")
        categ = self.product_a.categ_id
        self.assertAlmostEqual(
            self._sales([("product_categ_id", "=", categ.id)]),
            self._journal([("product_id.categ_id", "=", categ.id)]),
            places=2,
        )

    def test_activity_revenue_equals_journal_items(self):
        for user in (self.salesman_1, self.salesman_2):
            domain = [
                ("company_id", "=", self.company.id),
                ("user_id", "=", user.id),
                ("date", ">=", MARCH[0]),
                ("date", "<=", MARCH[1]),
            ]
            with self.subTest(user=user.login):
                self.assertAlmostEqual(
                    self._sum("crm.report.activity", "revenue", domain),
                    self._journal([("move_id.invoice_user_id", "=", user.id)]),
                    places=2,
                )
        team_domain = [
            ("company_id", "=", self.company.id),
            ("team_id", "=", self.team.id),
            ("date", ">=", MARCH[0]),
            ("date", "<=", MARCH[1]),
        ]
        self.assertAlmostEqual(
            self._sum("crm.report.activity", "revenue", team_domain),
            self._journal([("move_id.team_id", "=", self.team.id)]),
            places=2,
        )

    def test_plan_vs_fact_equals_journal_items_and_adds_up(self):
        plan = self._plan(MARCH[0], [(self.salesman_1, 2000.0), (self.salesman_2, 1000.0), (False, 3500.0)])
        report = self.env["crm.report.plan.fact"]
        rows = report.search([("plan_id", "=", plan.id)])
        by_user = {row.user_id: row for row in rows if row.line_kind == "salesperson"}
        [remainder] = rows.filtered(lambda row: row.line_kind == "remainder")
        self.assertAlmostEqual(
            by_user[self.salesman_1].actual,
            self._journal([("move_id.invoice_user_id", "=", self.salesman_1.id)]),
            places=2,
        )
        self.assertAlmostEqual(by_user[self.salesman_1].achievement, 94.109, places=3)
        team_journal = self._journal([("move_id.team_id", "=", self.team.id)])
        self.assertAlmostEqual(remainder.team_actual, team_journal, places=2)
        # the salespeople and the remainder add up to the team line, on screen (pivot by team)
        [[actual, team_actual, target, team_target]] = report._read_group(
            [("plan_id", "=", plan.id)],
            [],
            ["actual:sum", "team_actual:sum", "target:sum", "team_target:sum"],
        )
        self.assertAlmostEqual(actual, team_actual, places=2)
        self.assertAlmostEqual(target, team_target, places=2)
        # the remainder is the team's invoice without a salesperson of the team
        self.assertAlmostEqual(remainder.actual, 120.00, places=2)
        self.assertAlmostEqual(remainder.target, 500.0, places=2)

    def test_excel_totals_equal_journal_items(self):
        content = self._export("sales", *MARCH, group_by="user_id")
        book = self._workbook(content)
        summary, details = book["Summary"], book["Details"]
        self.assertEqual(summary["A1"].value, "Sales")
        self.assertIn("Company: " + self.company.name, [cell.value for cell in summary["A"]])
        self.assertIn("Period: 2026-03-01 - 2026-03-31", [cell.value for cell in summary["A"]])
        total = self._row_with(summary, "Total")
        self.assertAlmostEqual(total[1], self._journal(), places=2)
        self.assertAlmostEqual(self._row_with(details, "Grand Total")[-1], self._journal(), places=2)
        salesman_row = self._row_with(summary, self.salesman_1.name)
        self.assertAlmostEqual(
            salesman_row[1], self._journal([("move_id.invoice_user_id", "=", self.salesman_1.id)]), places=2
        )
        # detail rows with a subtotal per salesperson: the subtotals add up to the grand total
        subtotals = [row[-1] for row in details.iter_rows(values_only=True) if row[0] == "Subtotal"]
        self.assertEqual(len(subtotals), 3, "salesperson 1, salesperson 2, no salesperson")
        self.assertAlmostEqual(sum(subtotals), self._journal(), places=2)
        formulas = self._workbook_formulas(content)["Details"]
        self.assertTrue(str(self._row_with(formulas, "Grand Total")[-1]).startswith("=SUBTOTAL(9,"))
        self.assertEqual(details.freeze_panes, "A5", "header row frozen")
        self.assertTrue(self._charts(content), "a native chart")

    def test_excel_of_activity_and_plan_equal_journal_items(self):
        self._plan(MARCH[0], [(self.salesman_1, 2000.0), (self.salesman_2, 1000.0), (False, 3500.0)])
        activity = self._workbook(self._export("activity", *MARCH, group_by="user_id"))["Summary"]
        header = self._row_with(activity, "Salesperson")
        total = self._row_with(activity, "Total")
        self.assertAlmostEqual(total[header.index("Revenue")], self._journal(), places=2)
        plan = self._workbook(self._export("plan", *MARCH, group_by="team_id"))["Summary"]
        header = self._row_with(plan, "Sales Team")
        team = self._row_with(plan, self.team.name)
        team_journal = self._journal([("move_id.team_id", "=", self.team.id)])
        self.assertAlmostEqual(team[header.index("Actual")], team_journal, places=2)
        self.assertAlmostEqual(team[header.index("Team Line Actual")], team_journal, places=2)
