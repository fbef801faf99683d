# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .process_common import ProcessCommon

ASK = "crm_custom.mail_activity_type_ask_feedback"


@tagged("post_install", "-at_install")
class TestProcessFeedback(ProcessCommon):
    """Ask for feedback: 15 working days after a deal is won or an order is delivered, once per client card;
    the feedback goes to the card's history, and a low rating flags the card and notifies the managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)

    def _check(self, when):
        with freeze_time(when):
            self.env["base.automation"]._check()

    def test_after_15_working_days_on_the_client_card(self):
        with freeze_time("2026-03-01 09:00:00"):
            self._switch("feedback")
        with freeze_time("2026-03-02 15:00:00"):  # a Monday afternoon
            lead = self._lead(user=self.salesman_2)
            lead.action_set_won()
        self._check("2026-03-20 16:00:00")
        self.assertFalse(self._activities(self.client, ASK), "14 working days later: not yet")
        self._check("2026-03-23 12:00:00")
        activity = self._activities(self.client, ASK)
        self.assertEqual(len(activity), 1, "on the client card, not on the deal or the contact")
        self.assertEqual(activity.user_id, self.salesman_2)
        self.assertEqual(activity.date_deadline, date(2026, 3, 23))
        self.assertFalse(self._activities(lead, ASK) | self._activities(self.client_contact, ASK))
        self._check("2026-03-24 12:00:00")
        self.assertEqual(self._activities(self.client, ASK), activity, "later runs: still one")

    def test_delivery_done_and_won_deal_ask_once(self):
        with freeze_time("2026-03-01 09:00:00"):
            self._switch("feedback")
        with freeze_time("2026-03-02 15:00:00"):
            lead = self._lead()
            lead.action_set_won()
            order = self._order(lead=lead, qty=2.0)
            order.action_confirm()
            self.assertFalse(order.crm_delivered_date)
        with freeze_time("2026-03-04 15:00:00"):
            order.order_line.qty_delivered = 1.0
            self.assertFalse(order.crm_delivered_date, "partly delivered")
            order.order_line.qty_delivered = 2.0
            self.assertEqual(str(order.crm_delivered_date), "2026-03-04 15:00:00")
        self._check("2026-03-23 12:00:00")  # the won deal's turn
        self.assertEqual(len(self._activities(self.client, ASK)), 1)
        self._check("2026-03-25 12:00:00")  # the delivery's turn: the card already has one open
        self.assertEqual(len(self._activities(self.client, ASK)), 1)

    def test_delivery_alone(self):
        with freeze_time("2026-03-01 09:00:00"):
            self._switch("feedback")
        with freeze_time("2026-03-04 15:00:00"):  # a Wednesday afternoon
            order = self._order(user=self.salesman_2)
            order.action_confirm()
            order.order_line.qty_delivered = 1.0
            self.env.flush_all()  # the delivery date is stamped when computed
        self._check("2026-03-24 16:00:00")
        self.assertFalse(self._activities(self.client, ASK))
        self._check("2026-03-25 12:00:00")
        self.assertEqual(self._activities(self.client, ASK).user_id, self.salesman_2)

    def test_company_switched_off(self):
        with freeze_time("2026-03-01 09:00:00"):
            self._switch("feedback")
        other_client = self.env["res.partner"].create({"name": "Other Company Client", "is_company": True})
        with freeze_time("2026-03-02 15:00:00"):
            lead = self._lead(company=self.company_2, partner=other_client)
            lead.action_set_won()
        self._check("2026-03-30 12:00:00")
        self.assertFalse(self._activities(other_client, ASK))

    def test_feedback_history_low_rating_flags_and_notifies(self):
        with freeze_time("2026-03-01 09:00:00"):
            self._switch("feedback")
        with freeze_time("2026-03-02 15:00:00"):
            lead = self._lead()
            lead.action_set_won()
        self._check("2026-03-23 12:00:00")
        with freeze_time("2026-03-24 12:00:00"):
            feedback = (
                self.env["crm.client.feedback"]
                .with_user(self.salesman_1)
                .create(
                    {
                        "partner_id": self.client_contact.id,
                        "rating": "2",
                        "comment": "Delivery was late.",
                        "lead_id": lead.id,
                        "company_id": self.company.id,
                        "user_id": self.manager.id,
                    }
                )
            )
        self.assertEqual(feedback.partner_id, self.client, "kept on the client's card")
        self.assertEqual(feedback.user_id, self.salesman_1, "recorded by the caller, whatever was sent")
        self.assertEqual(self.client.crm_feedback_ids, feedback)
        self.assertTrue(self.client.crm_feedback_alert)
        self.assertFalse(self._activities(self.client, ASK), "the request is done")
        self.assertEqual(len(self._done_messages(self.client, ASK)), 1)
        alert = self.client.message_ids.filtered(lambda m: "Low rating" in (m.body or ""))
        self.assertEqual(len(alert), 1)
        self.assertIn(self.manager.partner_id, alert.notified_partner_ids)
        self.assertNotIn(self.salesman_2.partner_id, alert.notified_partner_ids)
        with freeze_time("2026-04-24 12:00:00"):
            self.env["crm.client.feedback"].with_user(self.salesman_1).create(
                {"partner_id": self.client.id, "rating": "5", "company_id": self.company.id}
            )
        self.assertFalse(self.client.crm_feedback_alert, "the latest rating is good again")
        self.assertEqual(self.client.crm_feedback_rating, "5")

    def test_salesperson_cannot_rewrite_feedback(self):
        feedback = (
            self.env["crm.client.feedback"]
            .with_user(self.salesman_1)
            .create({"partner_id": self.client.id, "rating": "1", "company_id": self.company.id})
        )
        with self.assertRaises(AccessError):
            feedback.with_user(self.salesman_1).write({"rating": "5"})
        with self.assertRaises(AccessError):
            feedback.with_user(self.salesman_1).unlink()
        self.assertTrue(self.client.crm_feedback_alert)
        client = self.client.with_user(self.salesman_1)
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            client.write({"crm_feedback_alert": False})
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            # the context of an RPC call is user input: it opens nothing
            client.with_context(crm_feedback_refresh=True).write({"crm_feedback_alert": False})
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            self.client.write({"crm_feedback_rating": "5"})
        self.assertTrue(self.client.crm_feedback_alert)
        feedback.with_user(self.manager).write({"rating": "3"})
        self.assertFalse(self.client.crm_feedback_alert)
        self.assertEqual(self.client.crm_feedback_rating, "3")
        feedback.with_user(self.manager).unlink()
        self.assertFalse(self.client.crm_feedback_rating)

    def test_contact_merge_keeps_the_merged_history(self):
        """Odoo's contact merge: the merged clients' feedback moves to the one kept, whose last rating and
        flag (system fields) follow that history instead of being copied from the others."""
        twin = self.env["res.partner"].create({"name": "Process Client Twin", "is_company": True})
        Feedback = self.env["crm.client.feedback"].with_user(self.salesman_1)
        with freeze_time("2026-03-02 10:00:00"):
            Feedback.create({"partner_id": self.client.id, "rating": "5", "company_id": self.company.id})
        with freeze_time("2026-03-03 10:00:00"):
            Feedback.create({"partner_id": twin.id, "rating": "1", "company_id": self.company.id})
        self.assertEqual((self.client.crm_feedback_alert, twin.crm_feedback_alert), (False, True))
        # as the accounting user of the fixture (Odoo's merge reads every field of the contacts), not in
        # superuser mode: the system fields are checked
        self.assertFalse(self.env.su)
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.client | twin).ids, self.client, extra_checks=False)
        self.assertFalse(twin.exists())
        self.assertEqual(sorted(self.client.crm_feedback_ids.mapped("rating")), ["1", "5"])
        self.assertEqual(self.client.crm_feedback_rating, "1", "the latest feedback, now the client's")
        self.assertTrue(self.client.crm_feedback_alert)
