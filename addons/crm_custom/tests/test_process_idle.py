# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .process_common import ProcessCommon

REMINDER = "crm_custom.mail_activity_type_plan_next_step"
FIRST_CONTACT = "crm_custom.mail_activity_type_first_contact"


@tagged("post_install", "-at_install")
class TestProcessIdle(ProcessCommon):
    """Deals without planned activity: a reminder to the salesperson after the company's idle days, once;
    done as soon as a next step is planned, removed when the deal is won; a daily digest to team leaders."""

    def _lead_since(self, since, **kwargs):
        """An opportunity whose creation, conversion and last stage change are ``since`` (the database's
        clock is not frozen by freezegun), and whose first contact was made then: its First Contact
        activity, an open activity, is no longer there (see test_open_first_contact_is_planned)."""
        lead = self._lead(**kwargs)
        lead._first_contact_activities().unlink()
        lead.sudo().first_contact_date = since
        return self._backdate(lead, since)

    def _backdate(self, lead, since):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_conversion = %s, date_last_stage_update = %s "
            "WHERE id = %s",
            (since, since, since, lead.id),
        )
        lead.invalidate_recordset()
        return lead

    def _check(self, when):
        with freeze_time(when):
            self.env["base.automation"]._check()

    def _digest(self, when):
        with freeze_time(when):
            return self.env["crm.lead"]._cron_idle_digest()

    def test_reminder_once_after_idle_days_and_done_when_planned(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
        self.assertEqual(str(self.company.crm_idle_start), "2026-03-02 09:00:00")
        lead = self._lead_since(datetime(2026, 2, 1), user=self.salesman_2)
        self.assertEqual(str(lead.crm_idle_deadline), "2026-03-09 09:00:00", "counted from the switch-on")
        self._check("2026-03-09 08:00:00")
        self.assertFalse(self._activities(lead, REMINDER))
        self._check("2026-03-09 10:00:00")
        reminder = self._activities(lead, REMINDER)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.salesman_2)
        self.assertEqual(reminder.date_deadline, date(2026, 3, 9))
        self._check("2026-03-10 10:00:00")
        self.assertEqual(self._activities(lead, REMINDER), reminder, "still idle: still one reminder")
        with freeze_time("2026-03-10 11:00:00"):
            lead.with_user(self.salesman_2).activity_schedule(
                "mail.mail_activity_data_call", user_id=self.salesman_2.id, summary="Call the buyer"
            )
        self.assertFalse(self._activities(lead, REMINDER), "a next step is planned: the reminder is done")
        self.assertEqual(len(self._done_messages(lead, REMINDER)), 1)

    def test_idle_days_per_company_setting_and_done_activity_resets(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
            self.company.crm_idle_days = 3
        lead = self._lead_since(datetime(2026, 2, 1))
        self.assertEqual(str(lead.crm_idle_deadline), "2026-03-05 09:00:00")
        with freeze_time("2026-03-04 12:00:00"):
            lead.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.salesman_1.id
            ).action_feedback()
        lead.invalidate_recordset(["crm_idle_deadline"])
        self.assertEqual(
            str(lead.crm_idle_deadline), "2026-03-07 12:00:00", "3 days after the last done activity"
        )
        self._check("2026-03-05 10:00:00")
        self.assertFalse(self._activities(lead, REMINDER))
        self._check("2026-03-07 13:00:00")
        self.assertEqual(len(self._activities(lead, REMINDER)), 1)

    def test_won_deal_loses_its_reminder(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
        lead = self._lead_since(datetime(2026, 2, 1))
        self._check("2026-03-09 10:00:00")
        self.assertEqual(len(self._activities(lead, REMINDER)), 1)
        lead.action_set_won()
        self.assertFalse(self._activities(lead, REMINDER))
        self.assertFalse(self._done_messages(lead, REMINDER), "removed, not done")

    def test_open_first_contact_is_planned(self):
        """A new deal's First Contact activity (lead intake) is a planned activity: the deal is not idle
        while it is open, and counts as idle again from the moment the first contact is done."""
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
            lead = self._backdate(self._lead(), datetime(2026, 3, 2, 9))
        self.assertEqual(len(self._activities(lead, FIRST_CONTACT)), 1)
        self._check("2026-03-20 10:00:00")
        self.assertFalse(self._activities(lead, REMINDER), "the First Contact activity is planned")
        with freeze_time("2026-03-20 11:00:00"):
            self._activities(lead, FIRST_CONTACT).with_user(self.salesman_1).action_feedback("Called")
        lead.invalidate_recordset(["crm_idle_deadline"])
        self.assertEqual(str(lead.crm_idle_deadline), "2026-03-27 11:00:00")
        self._check("2026-03-27 12:00:00")
        self.assertEqual(len(self._activities(lead, REMINDER)), 1)

    def test_other_company_off_and_leads_ignored(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
        other = self._lead_since(datetime(2026, 2, 1), company=self.company_2)
        plain_lead = self._lead_since(datetime(2026, 2, 1), type="lead")
        self._check("2026-03-20 10:00:00")
        self.assertFalse(self._activities(other | plain_lead, REMINDER))

    def test_daily_digest_to_team_leader(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
        idle_1 = self._lead_since(datetime(2026, 2, 1), name="Idle One", user=self.salesman_1)
        idle_2 = self._lead_since(datetime(2026, 2, 1), name="Idle Two", user=self.salesman_2)
        busy = self._lead_since(datetime(2026, 2, 1), name="Busy One")
        busy.activity_schedule("mail.mail_activity_data_call", user_id=self.salesman_1.id)
        fresh = self._lead_since(datetime(2026, 3, 8), name="Fresh One")
        self._check("2026-03-09 10:00:00")  # reminders for the idle ones: they stay idle in the digest
        mails = self._digest("2026-03-10 05:00:00")
        mail = mails.filtered(lambda m: self.leader.partner_id in m.recipient_ids)
        self.assertEqual(len(mail), 1, "one digest per team leader")
        self.assertIn("Idle One", mail.body_html)
        self.assertIn("Idle Two", mail.body_html)
        self.assertNotIn("Busy One", mail.body_html)
        self.assertNotIn("Fresh One", mail.body_html)
        self.assertTrue(idle_1 and idle_2 and fresh)
        self._switch("idle", on=False)
        self.assertFalse(self._digest("2026-03-11 05:00:00"), "off: no digest")

    def test_digest_team_by_team(self):
        """A team leader's digest that cannot be written is logged; the other leaders still get theirs."""
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("idle")
        other_team = self.env["crm.team"].create(
            {"name": "Process Team B", "company_id": self.company.id, "user_id": self.manager.id}
        )
        self._lead_since(datetime(2026, 2, 1), name="Idle A", user=self.salesman_1)
        self._lead_since(datetime(2026, 2, 1), name="Idle B", team_id=other_team.id)
        lead_class = type(self.env["crm.lead"])
        digest_mail = lead_class._crm_idle_digest_mail
        leader = self.leader

        def failing_for_the_leader(leads, to, company):
            if to == leader:
                raise ValueError("broken digest")
            return digest_mail(leads, to, company)

        with (
            patch.object(lead_class, "_crm_idle_digest_mail", failing_for_the_leader),
            self.assertLogs("odoo.addons.crm_custom.models.crm_lead", "ERROR") as logs,
        ):
            mails = self._digest("2026-03-10 05:00:00")
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.manager.partner_id)
        self.assertIn("Idle B", mails.body_html)
        self.assertNotIn("Idle A", mails.body_html)
        self.assertEqual(len(logs.output), 1)
        self.assertIn(f"team {self.team.id} could not be sent its digest", logs.output[0])
