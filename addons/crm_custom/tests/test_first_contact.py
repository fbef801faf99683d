# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .intake_common import setup_intake

# Friday 6 March 2026, 17:30 in Moscow (UTC+3): half an hour before the end of the working day.
FRIDAY_1730 = datetime(2026, 3, 6, 14, 30)


@contextmanager
def at(env, moment):
    """Freeze both Python's clock and the transaction's (create dates) at ``moment`` (naive UTC)."""
    with freeze_time(moment), patch.object(env.cr, "now", lambda: moment):
        yield


@tagged("post_install", "-at_install")
class TestFirstContact(TransactionCase):
    """Every new lead's First Contact activity, due within the company's SLA in working hours; the first
    contact recorded from calls, e-mails and messages; the waiting list and the SLA figure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_intake(cls)
        cls.first_contact = cls.env.ref("crm_custom.mail_activity_type_first_contact")
        cls.Lead = cls.env["crm.lead"].with_context(mail_create_nolog=True)

    def new_leads(self, moment, *users, **vals):
        with at(self.env, moment):
            return self.Lead.create(
                [
                    dict({"name": f"Lead {i}", "user_id": user.id, "team_id": self.team.id}, **vals)
                    for i, user in enumerate(users)
                ]
            )

    def fc_activities(self, leads):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("activity_type_id", "=", self.first_contact.id),
            ]
        )

    # -- the activity and its deadline ---------------------------------------------------------------
    def test_deadline_counts_working_hours_only(self):
        """Friday 17:30 + 1 working hour = Monday 9:30 (Moscow); the activity is due that Monday."""
        lead = self.new_leads(FRIDAY_1730, self.alice)
        self.assertEqual(lead.first_contact_deadline, datetime(2026, 3, 9, 6, 30))
        activity = self.fc_activities(lead)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.alice)
        self.assertEqual(activity.date_deadline, date(2026, 3, 9))
        self.assertTrue(activity.automated)

    def test_public_holiday_is_not_a_working_hour(self):
        """Monday 9 March 2026 is a public holiday in Russia (for 8 March): the deadline moves to Tuesday."""
        self.env["resource.calendar.leaves"].create(
            {
                "name": "International Women's Day (moved)",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 21, 0),
                "date_to": datetime(2026, 3, 9, 20, 59, 59),
            }
        )
        lead = self.new_leads(FRIDAY_1730, self.alice)
        self.assertEqual(lead.first_contact_deadline, datetime(2026, 3, 10, 6, 30))

    def test_sla_is_a_company_setting(self):
        self.company.crm_first_contact_sla = 4.0
        lead = self.new_leads(datetime(2026, 3, 3, 7, 0), self.alice)  # Tuesday 10:00 Moscow
        self.assertEqual(lead.first_contact_deadline, datetime(2026, 3, 3, 11, 0))

    def test_batch_gets_one_activity_per_assigned_lead(self):
        leads = self.new_leads(FRIDAY_1730, self.alice, self.bob, self.alice)
        unassigned = self.new_leads(FRIDAY_1730, self.env["res.users"])
        activities = self.fc_activities(leads)
        self.assertEqual(len(activities), 3)
        self.assertEqual(sorted(activities.mapped("res_id")), sorted(leads.ids))
        self.assertEqual(set(activities.mapped("user_id")), {self.alice, self.bob})
        self.assertTrue(unassigned.first_contact_deadline, "the SLA runs from creation, assigned or not")
        self.assertFalse(self.fc_activities(unassigned))

    def test_assignment_later_gives_the_activity_and_a_new_salesperson_takes_it_over(self):
        lead = self.new_leads(FRIDAY_1730, self.env["res.users"])
        lead.user_id = self.bob
        activity = self.fc_activities(lead)
        self.assertEqual(activity.user_id, self.bob)
        self.assertEqual(activity.date_deadline, date(2026, 3, 9))
        lead.user_id = self.alice
        self.assertEqual(self.fc_activities(lead), activity)
        self.assertEqual(activity.user_id, self.alice)

    def test_round_robin_and_rule_based_assignment_give_activities_in_one_batch(self):
        leads = self.new_leads(FRIDAY_1730, *[self.env["res.users"]] * 4)
        leads[:2]._handle_salesmen_assignment(user_ids=(self.alice | self.bob).ids)
        self.assertEqual(self.fc_activities(leads[:2]).user_id, self.alice | self.bob)
        # the team's rule-based assignment writes lead by lead; the activities come once at the end
        self.env["crm.team.member"].search(
            [("crm_team_id", "=", self.team.id)]
        ).assignment_max = 300  # 10 a day
        self.team._action_assign_leads(force_quota=True)
        self.assertEqual(leads[2:].user_id, self.alice)
        self.assertEqual(self.fc_activities(leads[2:]).user_id, self.alice)
        self.assertEqual(len(self.fc_activities(leads)), 4)
        self.assertNotIn("crm_first_contact_deferred", self.env.cr.cache)

    def test_archived_and_won_leads_get_no_activity(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        won = self.new_leads(FRIDAY_1730, self.alice, stage_id=won_stage.id, type="opportunity")
        archived = self.new_leads(FRIDAY_1730, self.alice, active=False)
        self.assertFalse(self.fc_activities(won | archived))
        self.assertFalse(archived.first_contact_deadline)
        self.assertFalse(won.first_contact_deadline, "not waiting for a first contact")

    def test_sla_switched_off_gives_no_deadline_nor_activity(self):
        """First Contact SLA off (the neutral value of the peer suites): new leads as in Odoo."""
        self.company.crm_first_contact = False
        lead = self.new_leads(FRIDAY_1730, self.alice)
        later = self.new_leads(FRIDAY_1730, self.env["res.users"])
        later.user_id = self.bob
        self.assertFalse(any((lead | later).mapped("first_contact_deadline")))
        self.assertFalse(self.fc_activities(lead | later))
        lead.with_user(self.alice).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertFalse(lead.first_contact_date, "nothing is timed")

    def test_won_deal_stops_waiting(self):
        """A deal won before any recorded contact is no longer waiting: its First Contact activity goes
        (not done: no contact was recorded), as for a lead created won."""
        lead = self.new_leads(FRIDAY_1730, self.alice, type="opportunity")
        self.assertEqual(len(self.fc_activities(lead)), 1)
        lead.action_set_won()
        self.assertFalse(self.fc_activities(lead))
        self.assertFalse(lead.first_contact_deadline)
        self.assertFalse(
            lead.message_ids.filtered(lambda m: m.mail_activity_type_id == self.first_contact),
            "removed, not marked done",
        )
        contacted = self.new_leads(FRIDAY_1730, self.alice, type="opportunity")
        contacted._first_contact_register(datetime(2026, 3, 9, 6, 0))
        contacted.action_set_won()
        self.assertEqual(contacted.first_contact_date, datetime(2026, 3, 9, 6, 0), "the figure stays")
        self.assertTrue(contacted.first_contact_deadline)

    def test_automation_skip_is_honoured(self):
        with at(self.env, FRIDAY_1730):
            lead = self.Lead.with_context(mail_activity_automation_skip=True).create(
                {"name": "Imported", "user_id": self.alice.id}
            )
        self.assertTrue(lead.first_contact_deadline)
        self.assertFalse(self.fc_activities(lead))

    # -- what counts as the first contact ----------------------------------------------------------
    def test_message_to_the_client_is_the_first_contact(self):
        """Monday 10:00 Moscow: 0.5 working hour on Friday + 1 on Monday = 1.5 hours; the activity is done."""
        lead = self.new_leads(FRIDAY_1730, self.alice)
        with at(self.env, datetime(2026, 3, 9, 7, 0)):
            lead.with_user(self.alice).message_post(
                body="Добрый день!", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(lead.first_contact_date, datetime(2026, 3, 9, 7, 0))
        self.assertEqual(lead.first_contact_hours, 1.5)
        self.assertFalse(self.fc_activities(lead), "the First Contact activity is marked done")
        self.assertFalse(lead.first_contact_overdue)

    def test_notes_client_mails_and_odoobot_are_not_a_contact(self):
        lead = self.new_leads(FRIDAY_1730, self.alice)
        lead.with_user(self.alice).message_post(body="Internal note", subtype_xmlid="mail.mt_note")
        lead.message_post(body="Bot line", message_type="comment", subtype_xmlid="mail.mt_comment")
        lead.message_post(
            body="Client writes",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=self.client_contact.id,
        )
        self.assertFalse(lead.first_contact_date)
        self.assertEqual(len(self.fc_activities(lead)), 1)

    def test_logged_call_is_the_first_contact(self):
        lead = self.new_leads(FRIDAY_1730, self.alice)
        call = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.alice.id)
        with at(self.env, datetime(2026, 3, 9, 6, 15)):
            call.with_user(self.alice).action_feedback(feedback="Поговорили, ждёт КП")
        self.assertEqual(lead.first_contact_date, datetime(2026, 3, 9, 6, 15))
        self.assertEqual(lead.first_contact_hours, 0.75)
        self.assertFalse(self.fc_activities(lead))

    def test_first_contact_activity_done_is_the_first_contact(self):
        lead = self.new_leads(FRIDAY_1730, self.alice)
        with at(self.env, datetime(2026, 3, 6, 14, 50)):
            self.fc_activities(lead).with_user(self.alice).action_feedback(feedback="Написал в WhatsApp")
        self.assertEqual(lead.first_contact_date, datetime(2026, 3, 6, 14, 50))
        self.assertEqual(lead.first_contact_hours, round(20 / 60, 2))
        self.assertFalse(self.fc_activities(lead))

    def test_only_the_first_contact_counts(self):
        lead = self.new_leads(FRIDAY_1730, self.alice)
        with at(self.env, datetime(2026, 3, 9, 7, 0)):
            lead.with_user(self.alice).message_post(
                body="First", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        with at(self.env, datetime(2026, 3, 10, 7, 0)):
            lead.with_user(self.leader).message_post(
                body="Second", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(lead.first_contact_date, datetime(2026, 3, 9, 7, 0))

    def test_merged_leads_keep_one_activity_and_the_earliest_contact(self):
        head, other = self.new_leads(FRIDAY_1730, self.alice, self.alice)
        bot = self.env["crm.messenger.bot"].create({"name": "Merge bot"})
        chat = self.env["crm.messenger.chat"].create(
            {"bot_id": bot.id, "external_chat_id": "42", "lead_id": other.id}
        )
        head = (head | other)._merge_opportunity()
        self.assertEqual(len(self.fc_activities(head)), 1)
        self.assertEqual(chat.lead_id, head)
        contacted = self.new_leads(FRIDAY_1730, self.bob)
        contacted._first_contact_register(datetime(2026, 3, 9, 6, 0))
        head = (head | contacted)._merge_opportunity()
        self.assertEqual(head.first_contact_date, datetime(2026, 3, 9, 6, 0))
        self.assertFalse(self.fc_activities(head))

    def test_employee_forwarding_is_not_a_known_client(self):
        """Internal users' partners are not clients: their requests do not go to their own card."""
        intake = self.env["crm.lead.intake"]
        self.alice.partner_id.email = "alice@ourcompany.example"
        self.assertIsNone(intake._intake_find_card(self.company, email="alice@ourcompany.example"))
        self.assertEqual(
            intake._intake_find_card(self.company, email="info@vasilek.example"), self.quiet_client
        )

    # -- the waiting list and the SLA figure ------------------------------------------------------
    def test_waiting_list_overdue_first(self):
        older = self.new_leads(FRIDAY_1730, self.alice)
        newer = self.new_leads(datetime(2026, 3, 9, 7, 0), self.bob)
        contacted = self.new_leads(FRIDAY_1730, self.bob)
        contacted._first_contact_register(datetime(2026, 3, 9, 6, 0))
        action = self.env.ref("crm_custom.crm_lead_first_contact_action")
        with freeze_time(datetime(2026, 3, 9, 7, 30)):  # Monday 10:30: the older lead is overdue
            waiting = self.env["crm.lead"].search(
                [*safe_eval(action.domain), ("id", "in", (older | newer | contacted).ids)],
                order="first_contact_deadline, id",
            )
            self.assertEqual(waiting, older | newer)
            self.assertEqual(waiting.mapped("first_contact_overdue"), [True, False])
            self.assertEqual(
                self.env["crm.lead"].search(
                    [("first_contact_overdue", "=", True), ("id", "in", waiting.ids)]
                ),
                older,
            )

    def test_median_hours_per_salesperson(self):
        """Alice's leads contacted after 1, 2 and 10 working hours: median 2; Bob's 1 and 4 (and one not
        contacted): median 2.5."""
        monday_9 = datetime(2026, 3, 9, 6, 0)  # Monday 9:00 Moscow
        alice_leads = self.new_leads(monday_9, self.alice, self.alice, self.alice)
        bob_leads = self.new_leads(monday_9, self.bob, self.bob, self.bob)
        contacts = [
            (alice_leads[0], datetime(2026, 3, 9, 7, 0)),
            (alice_leads[1], datetime(2026, 3, 9, 8, 0)),
            (alice_leads[2], datetime(2026, 3, 10, 7, 0)),  # 9 hours on Monday + 1 on Tuesday
            (bob_leads[0], datetime(2026, 3, 9, 7, 0)),
            (bob_leads[1], datetime(2026, 3, 9, 10, 0)),
        ]
        for lead, moment in contacts:
            lead._first_contact_register(moment)
        self.assertEqual(alice_leads.mapped("first_contact_hours"), [1.0, 2.0, 10.0])
        groups = self.env["crm.first.contact.report"]._read_group(
            [("lead_id", "in", (alice_leads | bob_leads).ids)],
            ["user_id"],
            ["first_contact_hours:median", "lead_count:sum", "contacted_count:sum", "within_sla_count:sum"],
        )
        figures = {user: rest for user, *rest in groups}
        self.assertEqual(figures[self.alice], [2.0, 3, 3, 1])
        self.assertEqual(figures[self.bob], [2.5, 3, 2, 1])
        # the pivot view asks for the field's own aggregate
        fields_info = self.env["crm.first.contact.report"].fields_get(["first_contact_hours"], ["aggregator"])
        self.assertEqual(fields_info["first_contact_hours"]["aggregator"], "median")

    def test_salesperson_sees_own_sla_rows_only(self):
        alice_lead = self.new_leads(FRIDAY_1730, self.alice)
        bob_lead = self.new_leads(FRIDAY_1730, self.bob)
        rows = (
            self.env["crm.first.contact.report"]
            .with_user(self.alice)
            .search([("lead_id", "in", (alice_lead | bob_lead).ids)])
        )
        self.assertEqual(rows.lead_id, alice_lead)
        leader_rows = (
            self.env["crm.first.contact.report"]
            .with_user(self.leader)
            .search([("lead_id", "in", (alice_lead | bob_lead).ids)])
        )
        self.assertEqual(leader_rows.lead_id, alice_lead | bob_lead)

    # -- system fields -------------------------------------------------------------------------------
    def test_salesperson_cannot_forge_the_first_contact(self):
        lead = self.new_leads(FRIDAY_1730, self.alice)
        own = lead.with_user(self.alice)
        for vals in (
            {"first_contact_date": datetime(2026, 3, 6, 14, 31)},
            {"first_contact_hours": 0.01},
            {"first_contact_deadline": datetime(2026, 12, 31)},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                own.write(vals)
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.alice).create(
                {"name": "Forged", "first_contact_date": datetime(2026, 3, 6)}
            )
        own.write({"description": "ordinary edit"})
        self.assertFalse(lead.first_contact_date)
