# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .marketing_common import MarketingCommon


@tagged("post_install", "-at_install")
class TestDealInvoiceLine(MarketingCommon):
    """The journal item -> opportunity attribution crm_custom keeps (``crm.deal.invoice.line``), through the
    real flows that change it, and what the channel report and the won deals' revenue read from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Attribution = cls.env["crm.deal.invoice.line"]
        cls.deal_1 = cls._won(cls._lead("Radio deal", cls.source_3))
        cls.deal_2 = cls._won(cls._lead("Fair deal", cls.source_2, user=cls.salesman_2))

    def _rows(self, deal=None):
        domain = [("opportunity_id", "=", deal.id)] if deal else []
        return {
            (row.move_line_id.id, row.opportunity_id.id, row.is_primary, round(row.balance, 2))
            for row in self.Attribution.search(domain)
        }

    def _channel_revenue(self, source):
        return self._sum("crm.report.channel", "revenue", [("source_id", "=", source.id)])

    def _won_revenue(self, user):
        return self._sum("crm.report.activity", "won_revenue", [("user_id", "=", user.id)])

    def _snapshot(self):
        return {
            (
                row.move_line_id.id,
                row.opportunity_id.id,
                row.is_primary,
                row.company_id.id,
                row.invoice_date,
                round(row.balance, 2),
            )
            for row in self.Attribution.search([])
        }

    def test_posting_resetting_and_cancelling(self):
        """Posted: the invoice's product line appears, credited to the deal, in the channel report and the
        won deals' revenue; reset to draft or cancelled, it is gone; posted again, back."""
        won_before = self._won_revenue(self.salesman_1)
        invoice = self._order_invoice(self.deal_1, 250.0, "2026-03-12")
        line = invoice.invoice_line_ids
        self.assertEqual(self._rows(self.deal_1), {(line.id, self.deal_1.id, True, -250.0)})
        self.assertAlmostEqual(self._channel_revenue(self.source_3), 250.0)
        self.assertAlmostEqual(self._won_revenue(self.salesman_1) - won_before, 250.0)

        invoice.button_draft()
        self.assertFalse(self._rows(self.deal_1), "a draft invoice is no revenue")
        self.assertAlmostEqual(self._channel_revenue(self.source_3), 0.0)
        self.assertAlmostEqual(self._won_revenue(self.salesman_1), won_before)

        invoice.action_post()
        self.assertEqual(len(self._rows(self.deal_1)), 1)
        invoice.button_cancel()
        self.assertFalse(self._rows(self.deal_1), "a cancelled invoice is no revenue")
        self.assertAlmostEqual(self._channel_revenue(self.source_3), 0.0)

    def test_credit_note_is_negative(self):
        invoice = self._order_invoice(self.deal_1, 1000.0, "2026-03-10")
        credit = self._credit_note(invoice, 300.0, "2026-03-20")
        self.assertIn((credit.invoice_line_ids.id, self.deal_1.id, True, 300.0), self._rows(self.deal_1))
        self.assertAlmostEqual(self._channel_revenue(self.source_3), 700.0)

    def test_order_moved_to_another_deal(self):
        """The order's opportunity changed: its invoiced revenue moves to the new deal's channel and
        salesperson."""
        invoice = self._order_invoice(self.deal_1, 400.0, "2026-03-10")
        order = invoice.invoice_line_ids.sale_line_ids.order_id
        won_2 = self._won_revenue(self.salesman_2)
        order.opportunity_id = self.deal_2
        self.assertFalse(self._rows(self.deal_1))
        self.assertEqual(
            self._rows(self.deal_2), {(invoice.invoice_line_ids.id, self.deal_2.id, True, -400.0)}
        )
        self.assertAlmostEqual(self._channel_revenue(self.source_3), 0.0)
        self.assertAlmostEqual(self._channel_revenue(self.source_2), 400.0)
        self.assertAlmostEqual(self._won_revenue(self.salesman_2) - won_2, 400.0)
        order.opportunity_id = False
        self.assertFalse(self._rows(self.deal_2), "an order without opportunity credits no deal")

    def test_item_of_two_deals(self):
        """A journal item invoiced from the orders of two deals counts once in the channel report (for the
        older deal) and once for each deal in the won deals' revenue; the older deal deleted, the other one
        is credited."""
        won_1, won_2 = self._won_revenue(self.salesman_1), self._won_revenue(self.salesman_2)
        invoice = self._order_invoice(self.deal_1, 600.0, "2026-03-10")
        other = self._order_invoice(self.deal_2, 50.0, "2026-03-10", post=False)
        line = invoice.invoice_line_ids
        line.sale_line_ids = [Command.link(other.invoice_line_ids.sale_line_ids.id)]
        self.assertEqual(self._rows(self.deal_1), {(line.id, self.deal_1.id, True, -600.0)})
        self.assertEqual(self._rows(self.deal_2), {(line.id, self.deal_2.id, False, -600.0)})
        self.assertAlmostEqual(self._channel_revenue(self.source_3), 600.0)
        self.assertAlmostEqual(self._channel_revenue(self.source_2), 0.0)
        self.assertAlmostEqual(self._won_revenue(self.salesman_1) - won_1, 600.0)
        self.assertAlmostEqual(self._won_revenue(self.salesman_2) - won_2, 600.0)
        self.deal_1.unlink()
        self.assertEqual(self._rows(self.deal_2), {(line.id, self.deal_2.id, True, -600.0)})
        self.assertAlmostEqual(self._channel_revenue(self.source_2), 600.0)

    def test_link_removed_from_the_order_line_side(self):
        invoice = self._order_invoice(self.deal_1, 120.0, "2026-03-10")
        sale_line = invoice.invoice_line_ids.sale_line_ids
        sale_line.invoice_lines = [Command.unlink(invoice.invoice_line_ids.id)]
        self.assertFalse(self._rows(self.deal_1))
        sale_line.invoice_lines = [Command.link(invoice.invoice_line_ids.id)]
        self.assertEqual(len(self._rows(self.deal_1)), 1)

    def test_equals_a_rebuild_after_mixed_operations(self):
        first = self._order_invoice(self.deal_1, 100.0, "2026-03-10")
        second = self._order_invoice(self.deal_2, 200.0, "2026-03-11")
        self._credit_note(first, 30.0, "2026-03-12")
        second.button_draft()
        second.invoice_line_ids.price_unit = 220.0
        second.action_post()
        third = self._order_invoice(self.deal_2, 70.0, "2026-03-13")
        third.invoice_line_ids.sale_line_ids.order_id.opportunity_id = self.deal_1
        first.invoice_line_ids.sale_line_ids = [Command.link(second.invoice_line_ids.sale_line_ids.id)]
        self._order_invoice(self.deal_1, 10.0, "2026-03-14").button_cancel()
        kept = self._snapshot()
        self.assertTrue(kept)
        self.Attribution._rebuild()
        self.assertEqual(self._snapshot(), kept)

    def test_system_only(self):
        """Nobody writes the attribution by hand: a salesperson has no access at all, and even the
        administrator's create, write and unlink are refused."""
        self._order_invoice(self.deal_1, 90.0, "2026-03-10")
        row = self.Attribution.search([("opportunity_id", "=", self.deal_1.id)])
        values = {
            "move_line_id": row.move_line_id.id,
            "opportunity_id": self.deal_2.id,
            "company_id": self.company.id,
            "balance": -1e9,
        }
        as_salesman = self.Attribution.with_user(self.salesman_1)
        with self.assertRaises(AccessError):
            as_salesman.create(values)
        with self.assertRaises(AccessError):
            row.with_user(self.salesman_1).write({"balance": -1e9})
        with self.assertRaises(AccessError):
            row.with_user(self.salesman_1).unlink()
        with self.assertRaises(AccessError):
            as_salesman.search([])
        for attempt in (
            lambda: self.Attribution.create(values),
            lambda: row.write({"balance": -1e9}),
            lambda: row.unlink(),
        ):
            with self.assertRaises(AccessError):
                attempt()
        self.assertEqual(row.balance, -90.0)

    def test_other_company_rows_are_not_visible(self):
        """An administrator of the second company only reads the second company's rows."""
        self._order_invoice(self.deal_1, 80.0, "2026-03-10")
        admin_2 = self._user("attribution_admin_2", "base.group_system", company=self.company_2)
        self.assertTrue(self.Attribution.search([("company_id", "=", self.company.id)]))
        self.assertFalse(self.Attribution.with_user(admin_2).search([("company_id", "=", self.company.id)]))
