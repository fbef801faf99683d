# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import freeze_time, tagged

from .process_common import ProcessCommon

FOLLOW_UP = "crm_custom.mail_activity_type_proposal_followup"


@tagged("post_install", "-at_install")
class TestProcessProposalFollowUp(ProcessCommon):
    """Follow up on the proposal: once per quotation sent, due 7 working days later, for the order's
    salesperson; gone when the customer confirms or the quotation is cancelled."""

    @freeze_time("2026-03-06 10:00:00")  # a Friday
    def test_created_once_on_time(self):
        self._switch("proposal_followup")
        order = self._order(user=self.salesman_2)
        self.assertFalse(self._activities(order, FOLLOW_UP), "a draft quotation is not a proposal yet")
        order.action_quotation_sent()
        activity = self._activities(order, FOLLOW_UP)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman_2)
        self.assertEqual(activity.date_deadline, date(2026, 3, 17), "7 working days after Friday")
        order.write({"state": "draft"})
        order.action_quotation_sent()
        self.assertEqual(self._activities(order, FOLLOW_UP), activity, "sent again: still one")

    @freeze_time("2026-03-06 10:00:00")
    def test_disappears_when_confirmed_or_cancelled(self):
        self._switch("proposal_followup")
        confirmed, cancelled = self._order(), self._order()
        (confirmed | cancelled).action_quotation_sent()
        self.assertEqual(len(self._activities(confirmed | cancelled, FOLLOW_UP)), 2)
        confirmed.action_confirm()
        self.assertFalse(self._activities(confirmed, FOLLOW_UP))
        self.assertFalse(self._done_messages(confirmed, FOLLOW_UP), "removed, not logged as done")
        cancelled._action_cancel()
        self.assertFalse(self._activities(cancelled, FOLLOW_UP))

    @freeze_time("2026-03-06 10:00:00")
    def test_other_company_off(self):
        self._switch("proposal_followup")
        order = self._order(company=self.company_2)
        order.action_quotation_sent()
        self.assertFalse(self._activities(order, FOLLOW_UP))
