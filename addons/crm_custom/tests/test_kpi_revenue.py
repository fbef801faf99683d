# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestKpiRevenue(PlanCommon):
    """Revenue equals the journal-item total accounting sees, to the cent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        code = "EUR" if cls.company.currency_id.name != "EUR" else "USD"
        # 1 company unit = 2 foreign units: 1000.00 foreign is 500.00 in the company currency.
        cls.foreign = cls.setup_other_currency(code, rates=[("2026-01-01", 2.0)])
        s1, s2 = cls.salesman_1, cls.salesman_2
        cls.invoice = cls._invoice(s1, [1000.00], "2026-03-05")
        cls._invoice(s1, [300.00, 200.00], "2026-03-20")
        cls.refund = cls._invoice(s1, [400.00], "2026-03-25", move_type="out_refund")
        cls._invoice(s1, [1000.00], "2026-03-10", currency=cls.foreign)
        # None of these is revenue of salesman 1 in March:
        cls._invoice(s1, [700.00], "2026-03-11", post=False)  # draft
        cls._invoice(s1, [800.00], "2026-03-12").button_cancel()  # posted, then cancelled
        cls._invoice(s1, [900.00], "2026-03-13", move_type="in_invoice")  # vendor bill
        cls._invoice(s1, [600.00], "2026-03-14", company=cls.company_2)  # another company
        cls._invoice(s1, [250.00], "2026-04-01")  # next month
        cls._invoice(s2, [350.00], "2026-03-15")  # the other salesperson (same team)

    def _journal_total(self, extra_domain, company=None):
        """The accounting journal-item total: what an accountant gets from account.move.line."""
        domain = [
            ("company_id", "=", (company or self.company).id),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("display_type", "=", "product"),
            ("invoice_date", ">=", date(2026, 3, 1)),
            ("invoice_date", "<=", date(2026, 3, 31)),
            *extra_domain,
        ]
        [[balance]] = self.env["account.move.line"]._read_group(domain, [], ["balance:sum"])
        return -(balance or 0.0)

    def _revenue(self, user, team=False, company=None):
        key = (user.id if user else False, team and team.id, date(2026, 3, 1), date(2026, 3, 31))
        return self.kpi_revenue._compute_actuals([key], company or self.company)[key]

    def test_salesperson_revenue_equals_books(self):
        # 1000 + 300 + 200 - 400 (credit note) + 1000 EUR / 2 = 1600.00
        revenue = self._revenue(self.salesman_1, self.team)
        self.assertAlmostEqual(revenue, 1600.00, places=2)
        self.assertAlmostEqual(
            revenue, self._journal_total([("move_id.invoice_user_id", "=", self.salesman_1.id)]), places=2
        )

    def test_team_line_revenue_equals_books(self):
        revenue = self._revenue(False, self.team)
        self.assertAlmostEqual(revenue, 1950.00, places=2)
        self.assertAlmostEqual(
            revenue, self._journal_total([("move_id.team_id", "=", self.team.id)]), places=2
        )

    def test_other_company_counts_only_its_moves(self):
        revenue = self._revenue(self.salesman_1, company=self.company_2)
        self.assertAlmostEqual(revenue, 600.00, places=2)
        self.assertAlmostEqual(
            revenue,
            self._journal_total(
                [("move_id.invoice_user_id", "=", self.salesman_1.id)], company=self.company_2
            ),
            places=2,
        )

    def test_plan_line_actual_and_achievement(self):
        plan = self._plan(
            date(2026, 3, 1), [(self.salesman_1, 2000.0), (self.salesman_2, 0.0), (False, 3900.0)]
        )
        self.assertAlmostEqual(self._line(plan, self.salesman_1).actual, 1600.00, places=2)
        self.assertAlmostEqual(self._line(plan, self.salesman_1).achievement, 80.0, places=4)
        self.assertAlmostEqual(self._line(plan, self.salesman_2).actual, 350.00, places=2)
        self.assertEqual(self._line(plan, self.salesman_2).achievement, 0.0, "no target, no achievement")
        self.assertAlmostEqual(self._line(plan, False).achievement, 50.0, places=4)

    def test_new_invoice_appears_after_refresh(self):
        plan = self._plan(date(2026, 3, 1), [(self.salesman_1, 2000.0)])
        self._invoice(self.salesman_1, [100.00], "2026-03-30")
        self.assertAlmostEqual(self._line(plan, self.salesman_1).actual, 1600.00, places=2)
        plan.action_refresh_actuals()
        self.assertAlmostEqual(self._line(plan, self.salesman_1).actual, 1700.00, places=2)

    def test_paid_only_setting(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"payment_date": "2026-03-28"})._create_payments()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.company.crm_plan_revenue_paid_only = True
        revenue = self._revenue(self.salesman_1, self.team)
        self.assertAlmostEqual(revenue, 1000.00, places=2, msg="only the paid invoice counts")
        self.assertAlmostEqual(
            revenue,
            self._journal_total(
                [
                    ("move_id.invoice_user_id", "=", self.salesman_1.id),
                    ("move_id.payment_state", "in", ("paid", "in_payment", "reversed")),
                ]
            ),
            places=2,
        )

    def test_paid_only_reversed_invoice_nets_to_zero(self):
        self.company.crm_plan_revenue_paid_only = True
        invoice = self._invoice(self.salesman_2, [800.00], "2026-03-21")
        self.assertAlmostEqual(
            self._revenue(self.salesman_2), 0.00, places=2, msg="unpaid invoices do not count"
        )
        credit_note = self._reverse(invoice, date(2026, 3, 22), modify=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(credit_note.invoice_user_id, self.salesman_2)
        self.assertAlmostEqual(
            self._revenue(self.salesman_2), 0.00, places=2, msg="invoice and credit note net out"
        )
        self.assertAlmostEqual(
            self._revenue(self.salesman_2),
            self._journal_total(
                [
                    ("move_id.invoice_user_id", "=", self.salesman_2.id),
                    ("move_id.payment_state", "in", ("paid", "in_payment", "reversed")),
                ]
            ),
            places=2,
        )
