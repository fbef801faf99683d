# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .intake_common import setup_intake

# A new request from an unknown sender: Cyrillic subject (RFC 2047) and body (base64), a PDF attached.
NEW_REQUEST = """\
Return-Path: <sergey@newclient.example>
Message-ID: <new-request-1@newclient.example>
Date: Mon, 02 Mar 2026 10:00:00 +0300
From: =?utf-8?b?0KHQtdGA0LPQtdC5?= <Sergey@NewClient.example>
To: sales@crm-intake.example.com
Subject: =?utf-8?b?0JfQsNGP0LLQutCwINC90LAg0L/QvtGB0YLQsNCy0LrRgyDQvtCx0L7RgNGD0LQ=?=
 =?utf-8?b?0L7QstCw0L3QuNGP?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

0JfQtNGA0LDQstGB0YLQstGD0LnRgtC1IQrQndGD0LbQvdCwINC/0L7RgdGC0LDQstC60LAgMjAg0YHRgtCw0L3QutC+0LIg0LTQviDQutC+0L3RhtCwINC80LXRgdGP0YbQsC4K0JjQstCw0L0g0J/QtdGC0YDQvtCy

--BOUNDARY
Content-Type: application/pdf; name="=?utf-8?b?0J/RgNCw0LnRgS3Qu9C40YHRgi5wZGY=?="
Content-Disposition: attachment; filename="=?utf-8?b?0J/RgNCw0LnRgS3Qu9C40YHRgi5wZGY=?="
Content-Transfer-Encoding: base64

JVBERi0xLjQgdGVzdCBwcmljZSBsaXN0

--BOUNDARY--
"""

PLAIN = """\
Message-ID: <{msg_id}>
Date: Mon, 02 Mar 2026 11:00:00 +0300
From: {sender}
To: sales@crm-intake.example.com
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
{extra}
{body}
"""

BOUNCE = """\
Return-Path: <>
Message-ID: <bounce-1@mx.example>
Date: Mon, 02 Mar 2026 12:00:00 +0300
From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: sales@crm-intake.example.com
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="REPORT"

--REPORT
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--REPORT
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
Final-Recipient: rfc822; nobody@nowhere.example
Action: failed
Status: 5.1.1

--REPORT--
"""


@tagged("post_install", "-at_install")
class TestEmailIntake(TransactionCase):
    """E-mails to the sales team's alias through the real mail gateway (message_process on raw RFC 822)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_intake(cls)
        domain = cls.env["mail.alias.domain"].create({"name": "crm-intake.example.com"})
        cls.company.alias_domain_id = domain
        cls.team.write({"alias_name": "sales", "alias_domain_id": domain.id})
        cls.Lead = cls.env["crm.lead"].with_context(active_test=False)
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.first_contact = cls.env.ref("crm_custom.mail_activity_type_first_contact")

    def process(self, raw):
        # fetched mail is processed with administrative rights, as fetchmail does
        return self.env["mail.thread"].sudo().message_process(None, raw)

    def plain(self, sender, subject="Question", body="Hello", msg_id="msg-1@client.example", extra=""):
        return PLAIN.format(sender=sender, subject=subject, body=body, msg_id=msg_id, extra=extra)

    def leads_after(self, before):
        return self.Lead.search([("id", ">", before)])

    def last_lead_id(self):
        return self.Lead.search([], order="id desc", limit=1).id

    def test_unknown_sender_creates_lead_with_body_attachment_source_and_owner(self):
        """Cyrillic subject (RFC 2047) and body, a PDF: one lead, source E-mail, the team's member, the
        attachment on the lead, a First Contact activity for the salesperson."""
        before = self.last_lead_id()
        self.process(NEW_REQUEST)
        lead = self.leads_after(before)
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.name, "Заявка на поставку оборудования")
        self.assertEqual(lead.email_normalized, "sergey@newclient.example")
        self.assertIn("Нужна поставка 20 станков", lead.description)
        self.assertEqual(lead.source_id, self.env.ref("crm_custom.utm_source_email"))
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_email"))
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.user_id, self.alice, "the team's assignment rules chose its member")
        self.assertFalse(lead.partner_id)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(attachment.name, "Прайс-лист.pdf")
        self.assertEqual(attachment.raw, b"%PDF-1.4 test price list")
        email = lead.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(email), 1)
        self.assertIn("Нужна поставка 20 станков", email.body)
        self.assertEqual(email.attachment_ids, attachment)
        activity = lead.activity_ids
        self.assertEqual(activity.activity_type_id, self.first_contact)
        self.assertEqual(activity.user_id, self.alice)

    def test_known_contact_goes_to_clients_most_recent_open_opportunity(self):
        """The client's contact writes (e-mail in another case): no lead; the message and a to-do for the
        deal's salesperson on the client's open opportunity."""
        older = self.env["crm.lead"].create(
            {
                "name": "Romashka: older deal",
                "type": "opportunity",
                "partner_id": self.client.id,
                "user_id": self.alice.id,
                "company_id": self.company.id,
            }
        )
        # the deal was updated last (one transaction gives every record the same write date otherwise)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET write_date = write_date - interval '1 day' WHERE id = %s", [older.id]
        )
        self.env.invalidate_all()
        before = self.last_lead_id()
        self.process(
            self.plain("Ivan Petrov <IVAN@Romashka.Example>", subject="Ещё 5 станков", body="Добавьте")
        )
        self.assertFalse(self.leads_after(before), "no duplicate lead for a known client")
        message = self.deal.message_ids.filtered(lambda m: m.subject == "Ещё 5 станков")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.client_contact)
        self.assertFalse(older.message_ids.filtered(lambda m: m.subject == "Ещё 5 станков"))
        todo = self.deal.activity_ids.filtered(lambda a: a.activity_type_id == self.todo)
        self.assertEqual(todo.user_id, self.bob)
        self.assertIn("Ещё 5 станков", todo.summary)

    def test_known_client_without_deal_goes_to_partner_card(self):
        """A client without an open deal: the partner card gets the message and its salesperson a to-do."""
        before = self.last_lead_id()
        self.process(self.plain("info@vasilek.example", subject="Price list?", msg_id="vasilek-1@x"))
        self.assertFalse(self.leads_after(before))
        message = self.quiet_client.message_ids.filtered(lambda m: m.subject == "Price list?")
        self.assertEqual(len(message), 1)
        todo = self.quiet_client.activity_ids
        self.assertEqual(todo.user_id, self.bob)
        self.assertEqual(todo.activity_type_id, self.todo)

    def test_sender_of_an_open_lead_goes_to_that_lead(self):
        lead = self.env["crm.lead"].create(
            {"name": "Web request", "email_from": "anna@startup.example", "user_id": self.alice.id}
        )
        before = self.last_lead_id()
        self.process(self.plain('"Anna" <Anna@Startup.example>', subject="Follow-up", msg_id="anna-2@x"))
        self.assertFalse(self.leads_after(before))
        self.assertTrue(lead.message_ids.filtered(lambda m: m.subject == "Follow-up"))
        self.assertTrue(lead.activity_ids.filtered(lambda a: a.activity_type_id == self.todo))

    def test_reply_keeps_its_thread(self):
        """A reply (In-Reply-To a message of a lead) goes to that lead, whoever sends it: no new lead and no
        new to-do (the followers are notified as usual)."""
        lead = self.env["crm.lead"].create({"name": "Thread lead", "email_from": "first@one.example"})
        sent = lead.message_post(body="Our offer", message_type="comment", subtype_xmlid="mail.mt_comment")
        activities = lead.activity_ids
        before = self.last_lead_id()
        self.process(
            self.plain(
                "colleague@other.example",
                subject="Re: Our offer",
                msg_id="reply-1@other.example",
                extra=f"In-Reply-To: {sent.message_id}\nReferences: {sent.message_id}",
            )
        )
        self.assertFalse(self.leads_after(before))
        self.assertTrue(lead.message_ids.filtered(lambda m: m.subject == "Re: Our offer"))
        self.assertEqual(lead.activity_ids, activities)

    @mute_logger("odoo.addons.crm_custom.models.mail_thread")
    def test_out_of_office_creates_nothing(self):
        """Auto-Submitted: auto-replied from an unknown sender: no lead, no message, no activity."""
        before = self.last_lead_id()
        messages = self.env["mail.message"].search_count([])
        self.process(
            self.plain(
                "robot@autoreply.example",
                subject="Out of office: Заявка",
                msg_id="ooo-1@autoreply.example",
                extra="Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All",
                body="I am out of the office until Monday.",
            )
        )
        self.assertFalse(self.leads_after(before))
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    @mute_logger("odoo.addons.crm_custom.models.mail_thread")
    def test_x_autoreply_and_bulk_create_nothing(self):
        before = self.last_lead_id()
        self.process(self.plain("a@robot.example", msg_id="auto-1@x", extra="X-Autoreply: yes"))
        self.process(self.plain("b@robot.example", msg_id="auto-2@x", extra="Precedence: bulk"))
        self.assertFalse(self.leads_after(before))

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_bounce_creates_nothing(self):
        """A delivery status notification from MAILER-DAEMON is a bounce: no lead, no message."""
        before = self.last_lead_id()
        messages = self.env["mail.message"].search_count([])
        self.process(BOUNCE)
        self.assertFalse(self.leads_after(before))
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    def test_setting_off_keeps_odoos_behaviour(self):
        """Compatibility: with the company setting off, a known client's e-mail makes a lead, as in Odoo."""
        self.company.crm_intake_email_to_card = False
        before = self.last_lead_id()
        self.process(self.plain("info@vasilek.example", subject="As Odoo does", msg_id="odoo-1@x"))
        lead = self.leads_after(before)
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.partner_id, self.quiet_client)
        self.assertFalse(self.quiet_client.activity_ids)

    def test_team_shared_by_companies_keeps_the_contacts_company(self):
        """A team without company: another company's contact gets a lead of its company (Odoo's rule)."""
        other = self.env["res.company"].create({"name": "Other Branch", "country_id": self.russia.id})
        contact = self.env["res.partner"].create(
            {"name": "Branch client", "email": "branch@client.example", "company_id": other.id}
        )
        self.env["crm.team"].create(
            {
                "name": "Shared team",
                "company_id": False,
                "alias_name": "shared",
                "alias_domain_id": self.company.alias_domain_id.id,
            }
        )
        before = self.last_lead_id()
        raw = self.plain("branch@client.example", subject="Shared team", msg_id="shared-1@x")
        self.process(raw.replace("To: sales@", "To: shared@"))
        lead = self.leads_after(before)
        self.assertEqual(lead.partner_id, contact)
        self.assertEqual(lead.company_id, other)

    def test_team_shared_by_companies_assigns_a_member_of_the_contacts_company(self):
        """A team without company whose people work in other companies: the lead keeps the contact's
        company (Odoo's rule) and goes to a member allowed in it; with none, to nobody (not to a leader of
        another company: the lead would mix companies), and Odoo's assignment takes it later."""
        other = self.env["res.company"].create({"name": "Other Branch", "country_id": self.russia.id})
        contact = self.env["res.partner"].create(
            {"name": "Branch client", "email": "branch@client.example", "company_id": other.id}
        )
        both = new_test_user(
            self.env,
            login="intake_both_companies",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | other).ids)],
        )
        team = self.env["crm.team"].create(
            {
                "name": "Shared team",
                "company_id": False,
                "user_id": self.leader.id,
                "alias_name": "shared",
                "alias_domain_id": self.company.alias_domain_id.id,
                "member_ids": [Command.set((self.alice | both).ids)],
            }
        )
        raw = self.plain("branch@client.example", subject="Shared team", msg_id="shared-1@x")
        before = self.last_lead_id()
        self.process(raw.replace("To: sales@", "To: shared@"))
        lead = self.leads_after(before)
        self.assertEqual((lead.partner_id, lead.company_id, lead.user_id), (contact, other, both))
        team.member_ids = self.alice
        raw = self.plain("branch@client.example", subject="Shared again", msg_id="shared-2@x")
        before = self.last_lead_id()
        self.process(raw.replace("To: sales@", "To: shared@"))
        lead = self.leads_after(before)
        self.assertEqual((lead.partner_id, lead.company_id), (contact, other))
        self.assertFalse(lead.user_id)

    def test_other_companys_client_is_unknown_here(self):
        """The duplicate guard's scope: a partner of another company does not make the sender known."""
        other = self.env["res.company"].create({"name": "Other Branch", "country_id": self.russia.id})
        stranger = self.env["res.partner"].create(
            {"name": "Elsewhere", "email": "elsewhere@client.example", "company_id": other.id}
        )
        before = self.last_lead_id()
        self.process(self.plain("elsewhere@client.example", subject="Hello here", msg_id="else-1@x"))
        lead = self.leads_after(before)
        self.assertEqual(len(lead), 1)
        self.assertFalse(lead.partner_id, "the other company's contact is not linked")
        self.assertFalse(stranger.message_ids.filtered(lambda m: m.subject == "Hello here"))
