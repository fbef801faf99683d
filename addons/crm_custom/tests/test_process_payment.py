# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .process_common import ProcessCommon

PAYMENT_CALL = "crm_custom.mail_activity_type_payment_call"


@tagged("post_install", "-at_install")
class TestProcessPaymentCall(ProcessCommon):
    """Call about payment: created once when a customer invoice is posted, due 2 working days later, for
    the invoice's salesperson; marked done when the invoice is paid, reversed or cancelled."""

    @freeze_time("2026-03-06 10:00:00")  # a Friday
    def test_created_once_on_time_for_the_salesperson(self):
        self._switch("payment_call")
        invoice = self._invoice(user=self.salesman_2)
        activity = self._activities(invoice, PAYMENT_CALL)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman_2, "the invoice's salesperson, not the poster")
        self.assertEqual(activity.date_deadline, date(2026, 3, 10), "Friday + 2 working days = Tuesday")
        invoice.button_draft()
        invoice.action_post()
        invoice.write({"state": "posted"})
        self.assertEqual(self._activities(invoice, PAYMENT_CALL), activity, "posted again: still one")

    @freeze_time("2026-03-06 10:00:00")
    def test_public_holiday_is_skipped(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )
        self._switch("payment_call")
        invoice = self._invoice()
        self.assertEqual(self._activities(invoice, PAYMENT_CALL).date_deadline, date(2026, 3, 11))

    @freeze_time("2026-03-06 10:00:00")
    def test_done_when_paid(self):
        self._switch("payment_call")
        invoice = self._invoice()
        self._pay(invoice, amount=40.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(len(self._activities(invoice, PAYMENT_CALL)), 1, "a partial payment keeps the call")
        self._pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(self._activities(invoice, PAYMENT_CALL))
        self.assertEqual(len(self._done_messages(invoice, PAYMENT_CALL)), 1, "logged as done, not deleted")

    @freeze_time("2026-03-06 10:00:00")
    def test_done_when_reversed_or_cancelled(self):
        self._switch("payment_call")
        reversed_invoice, cancelled_invoice = self._invoice(), self._invoice()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=reversed_invoice.ids)
            .create({"journal_id": reversed_invoice.journal_id.id, "reason": "Returned"})
        )
        reversal.modify_moves()
        self.assertEqual(reversed_invoice.payment_state, "reversed")
        self.assertFalse(self._activities(reversed_invoice, PAYMENT_CALL))
        self.assertEqual(len(self._done_messages(reversed_invoice, PAYMENT_CALL)), 1)
        cancelled_invoice.button_draft()
        cancelled_invoice.button_cancel()
        self.assertFalse(self._activities(cancelled_invoice, PAYMENT_CALL))
        self.assertEqual(len(self._done_messages(cancelled_invoice, PAYMENT_CALL)), 1)

    @freeze_time("2026-03-06 10:00:00")
    def test_switched_per_company(self):
        self._switch("payment_call", companies=self.company + self.company_2)
        self._switch("payment_call", on=False, companies=self.company_2)
        self.assertTrue(all(self._rules("payment_call").mapped("active")), "still on in the first company")
        self.assertEqual(len(self._activities(self._invoice(), PAYMENT_CALL)), 1)
        self.assertFalse(self._activities(self._invoice(company=self.company_2), PAYMENT_CALL))
        self._switch("payment_call", on=False)
        self.assertFalse(any(self._rules("payment_call").mapped("active")), "off everywhere: rules archived")
        self.assertFalse(self._activities(self._invoice(), PAYMENT_CALL))

    @freeze_time("2026-03-06 10:00:00")
    def test_other_moves_ignored(self):
        self._switch("payment_call")
        bill = self.init_invoice("in_invoice", partner=self.client, amounts=[50.0], post=True)
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "account.move"), ("res_id", "=", bill.id)])
        )


@tagged("post_install", "-at_install")
class TestProcessPaymentThanks(ProcessCommon):
    """Thank for the payment: one e-mail in the customer's language when an invoice is paid in full, and
    the invoice's deal moved to the company's Paid Stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.paid_stage = cls.env["crm.stage"].create({"name": "Paid", "sequence": 90, "is_won": True})

    def _thanks(self, invoice):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "account.move"),
                ("res_id", "=", invoice.id),
                ("recipient_ids", "in", self.client.ids),
            ]
        )

    @freeze_time("2026-03-06 10:00:00")
    def test_once_when_paid_in_full(self):
        self._switch("payment_thanks")
        invoice = self._invoice()
        self._pay(invoice, amount=30.0)
        self.assertFalse(self._thanks(invoice), "not paid in full yet")
        payment = self._pay(invoice)
        mail = self._thanks(invoice)
        self.assertEqual(len(mail), 1)
        self.assertIn("thank you for your payment", mail.subject)
        self.assertIn(invoice.name, mail.body_html)
        self.assertTrue(invoice.crm_payment_thanked)
        # the payment undone and registered again: no second e-mail
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "partial")
        self._pay(invoice)
        self.assertEqual(len(self._thanks(invoice)), 1)
        # an accountant may write invoices, not the flag: cleared, it would send the e-mail again
        accountant = self._user("process_accountant", "account.group_account_invoice")
        invoice.with_user(accountant).write({"ref": "PO 42", "crm_payment_thanked": True})
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            invoice.with_user(accountant).write({"crm_payment_thanked": False})
        self.assertTrue(invoice.crm_payment_thanked)

    @freeze_time("2026-03-06 10:00:00")
    def test_in_the_customers_language(self):
        self.client.lang = "ru_RU"
        self._switch("payment_thanks")
        invoice = self._invoice()
        self._pay(invoice)
        mail = self._thanks(invoice)
        self.assertEqual(len(mail), 1)
        self.assertIn("спасибо", mail.subject.lower())
        self.assertIn("Благодарим", mail.body_html)

    @freeze_time("2026-03-06 10:00:00")
    def test_deal_moves_to_paid_stage(self):
        self._switch("payment_thanks")
        self.company.crm_paid_stage_id = self.paid_stage
        lead = self._lead()
        order = self._order(
            lead=lead, product=self.env["product.product"].create({"name": "Consulting", "type": "service"})
        )
        order.action_confirm()
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertNotEqual(lead.stage_id, self.paid_stage)
        self._pay(invoice)
        self.assertEqual(lead.stage_id, self.paid_stage)

    @freeze_time("2026-03-06 10:00:00")
    def test_no_paid_stage_no_move_and_off_no_mail(self):
        self._switch("payment_thanks")
        lead = self._lead()
        stage = lead.stage_id
        order = self._order(lead=lead)
        order.action_confirm()
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice)
        self.assertEqual(lead.stage_id, stage, "no Paid Stage set: the deal stays")
        self.assertEqual(len(self._thanks(invoice)), 1)
        other = self._invoice(company=self.company_2)
        self._pay(other)
        self.assertFalse(self._thanks(other), "off in the second company")

    def test_settings_set_the_paid_stage_per_company(self):
        self.env["res.config.settings"].with_company(self.company_2).create(
            {"crm_process_payment_thanks": True, "crm_paid_stage_id": self.paid_stage.id}
        ).execute()
        self.assertEqual(self.company_2.crm_paid_stage_id, self.paid_stage)
        self.assertFalse(self.company.crm_paid_stage_id)
        self.assertTrue(self._rules("payment_thanks").active)
