# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command, _lt
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .process_common import ProcessCommon


@tagged("post_install", "-at_install")
class TestReaderLanguage(TransactionCase):
    """Texts built from labels are rendered when read, in the reader's language; what the system writes for
    someone (an activity, a chatter note) is written in theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.crm_duplicate_guard = "off"
        cls.russian = new_test_user(
            cls.env, login="reader_ru", groups="sales_team.group_sale_salesman", lang="ru_RU"
        )
        cls.english = new_test_user(
            cls.env, login="reader_en", groups="sales_team.group_sale_salesman", lang="en_US"
        )
        cls.env["crm.card.score.rule"].search([]).active = False
        cls.env["crm.mandatory.field"].search([]).active = False
        Rule = cls.env["crm.card.score.rule"]
        cls.segment_rule = Rule.create(
            {
                "name": "Client segment",
                "target": "company",
                "field_id": cls.env["ir.model.fields"]._get("res.partner", "segment_id").id,
            }
        )
        cls.segment_rule.with_context(lang="ru_RU").name = "Сегмент клиента"
        cls.phone_rule = Rule.create(
            {"name": "Phone", "target": "company", "domain": "[('phone', '!=', False)]", "weight": 30}
        )
        cls.phone_rule.with_context(lang="ru_RU").name = "Телефон"

    def read_as(self, user, record, fname):
        return record.with_user(user).with_context(lang=user.lang)[fname]

    def test_card_banner_in_each_readers_language(self):
        """The card stores the keys of the items it misses; each reader reads them in their language,
        whoever computed them."""
        card = (
            self.env["res.partner"]
            .with_context(lang="ru_RU")
            .create({"name": "Bilingual LLC", "is_company": True})
        )
        self.assertEqual(card.card_missing_keys, f",{self.segment_rule.id},{self.phone_rule.id},")
        self.assertEqual(self.read_as(self.english, card, "card_missing"), "Client segment\nPhone")
        self.assertEqual(self.read_as(self.russian, card, "card_missing"), "Сегмент клиента\nТелефон")
        card.with_context(lang="en_US").phone = "+7 495 111-22-33"
        self.assertEqual(self.read_as(self.russian, card, "card_missing"), "Сегмент клиента")
        self.assertEqual(card.card_missing_keys, f",{self.segment_rule.id},")

    def test_cards_are_searched_by_the_missing_item_in_any_language(self):
        Partner = self.env["res.partner"]
        incomplete = Partner.create({"name": "No Phone LLC", "is_company": True})
        complete = Partner.create(
            {
                "name": "Complete LLC",
                "is_company": True,
                "phone": "+7 495 000-00-01",
                "segment_id": self.env["crm.client.segment"].create({"name": "Retail"}).id,
            }
        )
        cards = incomplete | complete
        for lang, label in (("ru_RU", "телефон"), ("en_US", "phone"), ("ru_RU", "phone")):
            found = Partner.with_context(lang=lang).search(
                [("id", "in", cards.ids), ("card_missing", "ilike", label)]
            )
            self.assertEqual(found, incomplete, (lang, label))
        self.assertEqual(
            Partner.search([("id", "in", cards.ids), ("card_missing", "not ilike", "Phone")]), complete
        )
        self.assertEqual(Partner.search([("id", "in", cards.ids), ("card_missing", "=", False)]), complete)
        self.assertEqual(Partner.search([("id", "in", cards.ids), ("card_missing", "!=", False)]), incomplete)
        self.assertFalse(Partner.search([("id", "in", cards.ids), ("card_missing", "ilike", "no such item")]))

    def test_mandatory_fields_rule_and_refusal_in_the_users_language(self):
        fields_ = self.env["ir.model.fields"]
        rule = self.env["crm.mandatory.field"].create(
            {
                "target": "company",
                "field_ids": [
                    Command.set(
                        [fields_._get("res.partner", "phone").id, fields_._get("res.partner", "email").id]
                    )
                ],
            }
        )
        self.assertEqual(rule.with_context(lang="en_US").name, "Email or Phone")
        self.assertEqual(rule.with_context(lang="ru_RU").name, "Телефон или Электронная почта")
        self.assertEqual(self.env["crm.mandatory.field"].search([("name", "ilike", "Phone")]), rule)
        with self.assertRaisesRegex(ValidationError, "Телефон или Электронная почта"):
            self.env["res.partner"].with_user(self.russian).with_context(lang="ru_RU").create(
                {"name": "Silent LLC", "is_company": True}
            )
        with self.assertRaisesRegex(ValidationError, "Email or Phone"):
            self.env["res.partner"].with_user(self.english).with_context(lang="en_US").create(
                {"name": "Silent LLC", "is_company": True}
            )

    def test_plan_name_in_the_readers_language(self):
        team = self.env["crm.team"].create({"name": "Sales West"})
        team.with_context(lang="ru_RU").name = "Продажи Запад"
        Plan = self.env["crm.sales.plan"]
        month = Plan.create({"team_id": team.id, "date_from": "2026-02-01"})
        quarter = Plan.create({"team_id": team.id, "period_type": "quarter", "date_from": "2026-04-01"})
        self.assertEqual(month.with_context(lang="en_US").name, "Sales West 2026-02")
        self.assertEqual(month.with_context(lang="ru_RU").name, "Продажи Запад 2026-02")
        self.assertEqual(quarter.with_context(lang="en_US").display_name, "Sales West 2026 Q2")
        self.assertEqual(quarter.with_context(lang="ru_RU").display_name, "Продажи Запад 2 кв. 2026")
        plans = month | quarter
        self.assertEqual(Plan.with_context(lang="ru_RU").search([("name", "ilike", "запад 2 кв")]), quarter)
        self.assertEqual(Plan.search([("id", "in", plans.ids), ("name", "ilike", "2026-02")]), month)
        self.assertEqual(Plan.search([("id", "in", plans.ids), ("name", "not ilike", "2026-02")]), quarter)

    def test_first_contact_activity_in_the_salespersons_language(self):
        """A new lead's First Contact to-do is written in its salesperson's language (one creation for
        leads of salespeople of both languages)."""
        leads = self.env["crm.lead"].create(
            [
                {"name": "Russian lead", "user_id": self.russian.id},
                {"name": "English lead", "user_id": self.english.id},
            ]
        )
        first_contact = self.env.ref("crm_custom.mail_activity_type_first_contact")
        summaries = {
            activity.user_id: activity.summary
            for activity in leads._first_contact_activities()
            if activity.activity_type_id == first_contact
        }
        self.assertEqual(
            summaries,
            {
                self.russian: first_contact.with_context(lang="ru_RU").summary,
                self.english: first_contact.with_context(lang="en_US").summary,
            },
        )
        self.assertNotEqual(summaries[self.russian], summaries[self.english])
        # the first contact closes it with a feedback line in the salesperson's language
        leads._first_contact_register()
        done = leads[0].message_ids.filtered(lambda m: m.mail_activity_type_id == first_contact)
        self.assertIn("Первый контакт состоялся.", done.body)
        done = leads[1].message_ids.filtered(lambda m: m.mail_activity_type_id == first_contact)
        self.assertIn("First contact made.", done.body)

    def test_first_contact_activity_follows_the_new_salespersons_language(self):
        first_contact = self.env.ref("crm_custom.mail_activity_type_first_contact")
        lead = self.env["crm.lead"].create({"name": "Handed lead", "user_id": self.english.id})
        edited = self.env["crm.lead"].create({"name": "Edited lead", "user_id": self.english.id})
        edited._first_contact_activities().summary = "Call before noon"
        (lead | edited).user_id = self.russian
        activity = lead._first_contact_activities()
        self.assertEqual(activity.user_id, self.russian)
        self.assertEqual(activity.summary, first_contact.with_context(lang="ru_RU").summary)
        self.assertEqual(
            edited._first_contact_activities().summary, "Call before noon", "an edited title stays"
        )

    def test_feedback_of_activities_in_each_users_language(self):
        leads = self.env["crm.lead"].create(
            [{"name": "R", "user_id": self.russian.id}, {"name": "E", "user_id": self.english.id}]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        activities = self.env["mail.activity"]
        for lead in leads:
            activities |= lead.activity_schedule(activity_type_id=todo.id, user_id=lead.user_id.id)
        activities._crm_feedback(_lt("Next step planned."))
        self.assertIn("Следующий шаг запланирован.", leads[0].message_ids[0].body)
        self.assertIn("Next step planned.", leads[1].message_ids[0].body)

    def test_hand_over_notes_in_the_readers_language(self):
        team = self.env["crm.team"].create({"name": "Night Shift"})
        team.with_context(lang="ru_RU").name = "Ночная смена"
        handover = self.env["crm.handover"].create({"user_id": self.english.id, "mode": "user"})
        line = self.env["crm.handover.line"].create(
            {
                "handover_id": handover.id,
                "kind": "team_member",
                "res_model": "res.users",
                "res_id": self.english.id,
                "note_values": {"team_id": team.id},
            }
        )
        self.assertEqual(line.with_context(lang="en_US").note, "Removed from Night Shift")
        self.assertEqual(line.with_context(lang="ru_RU").note, "Исключён(а) из команды Ночная смена")
        legacy = line.copy({"note_values": False, "note_text": "Removed from Old Team"})
        self.assertEqual(legacy.with_context(lang="ru_RU").note, "Removed from Old Team", "kept as written")

    def test_install_language_names_data_records(self):
        """Names that are not translatable are written once, in the language of the install."""
        source = self.env.ref("crm_custom.utm_source_exhibition")
        Lang = self.env["res.lang"]
        self.assertEqual(Lang.with_context(lang="ru_RU")._crm_install_lang(), "ru_RU")
        self.assertEqual(Lang.with_context(lang="en_US")._crm_install_lang(), "en_US")
        Lang.with_context(lang="en_US")._crm_localise_names(["crm_custom.utm_source_exhibition"])
        self.assertEqual(source.name, "Exhibition", "an English install keeps the English names")
        Lang.with_context(lang="ru_RU")._crm_localise_names(["crm_custom.utm_source_exhibition"])
        self.assertEqual(source.name, "Выставка")
        # from the command line (no language in the context): the main administrator's language
        self.env.ref("base.user_admin").lang = "ru_RU"
        self.assertEqual(Lang.with_context(lang=None)._crm_install_lang(), "ru_RU")


@tagged("post_install", "-at_install")
class TestReaderLanguageProcesses(ProcessCommon):
    """The processes' activities, notes and digests are written in their reader's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman_1.lang = "ru_RU"
        cls.salesman_2.lang = "en_US"

    @freeze_time("2026-03-06 10:00:00")
    def test_payment_call_in_the_salespersons_language(self):
        """The automation rule's activity takes the activity type's title in the invoice salesperson's
        language (the rule's own title is the type's, in the language of whoever wrote the rule); its
        feedback when the invoice is paid too."""
        self._switch("payment_call")
        payment_call = "crm_custom.mail_activity_type_payment_call"
        activity_type = self.env.ref(payment_call)
        self.assertNotEqual(
            activity_type.with_context(lang="ru_RU").summary, activity_type.with_context(lang="en_US").summary
        )
        for user in (self.salesman_1, self.salesman_2):
            invoice = self._invoice(user=user)
            activity = self._activities(invoice, payment_call)
            self.assertEqual(activity.user_id, user)
            self.assertEqual(activity.summary, activity_type.with_context(lang=user.lang).summary)
            self._pay(invoice)
            feedback = self.env.ref("crm_custom.automation_payment_call_close_action").with_context(
                lang=user.lang
            )
            self.assertIn(feedback.crm_close_feedback, self._done_messages(invoice, payment_call).body)

    def test_card_quality_digest_one_mail_per_language(self):
        self.manager.lang = "ru_RU"
        english_manager = self._user("process_manager_en", "sales_team.group_sale_manager")
        (self.manager | english_manager).write({"email": "manager@example.com"})
        self.company.crm_card_quality_digest = True
        Line = self.env["crm.card.quality.line"]
        self.env["crm.card.score.rule"].create(
            {
                "name": "Phone",
                "target": "company",
                "domain": "[('phone', '!=', False)]",
                "company_id": self.company.id,
            }
        )
        self.client.user_id = self.salesman_1
        Line._take_snapshot()
        mails = Line._send_digest()
        ours = mails.filtered(lambda m: self.company.name in m.subject)
        by_reader = {mail.recipient_ids: mail.subject for mail in ours}
        self.assertIn(self.manager.partner_id, ours.recipient_ids)
        russian = next(
            subject for readers, subject in by_reader.items() if self.manager.partner_id in readers
        )
        english = next(
            subject for readers, subject in by_reader.items() if english_manager.partner_id in readers
        )
        self.assertTrue(russian.startswith("Качество карточек"), russian)
        self.assertTrue(english.startswith("Daily card quality"), english)
