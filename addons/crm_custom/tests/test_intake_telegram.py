# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import copy
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .intake_common import FakeTelegramServer, setup_intake

CONTROLLER = "odoo.addons.crm_custom.controllers.main"
TOKEN = "7000000001:AAH-test-token"
SECRET = "webhook-secret-of-the-test-bot"

# Updates as Telegram's Bot API delivers them to a webhook (recorded from a test bot, ids changed).
MARIA = {
    "id": 987654321,
    "is_bot": False,
    "first_name": "Мария",
    "last_name": "Кузнецова",
    "username": "maria_k",
}
MARIA_CHAT = {
    "id": 987654321,
    "first_name": "Мария",
    "last_name": "Кузнецова",
    "username": "maria_k",
    "type": "private",
}
TEXT_UPDATE = {
    "update_id": 345678901,
    "message": {
        "message_id": 12,
        "from": dict(MARIA, language_code="ru"),
        "chat": MARIA_CHAT,
        "date": 1772445600,
        "text": "Здравствуйте! Сколько стоит станок M20?",
    },
}
PHOTO_UPDATE = {
    "update_id": 345678902,
    "message": {
        "message_id": 13,
        "from": MARIA,
        "chat": MARIA_CHAT,
        "date": 1772445660,
        "photo": [
            {
                "file_id": "AgACAgIAAxkBAAMNsmall",
                "file_unique_id": "AQADs1",
                "file_size": 1402,
                "width": 90,
                "height": 67,
            },
            {
                "file_id": "AgACAgIAAxkBAAMNlarge",
                "file_unique_id": "AQADs2",
                "file_size": 48213,
                "width": 1280,
                "height": 960,
            },
        ],
        "caption": "Вот фото сломанной детали",
    },
}
IVAN = {"id": 555000111, "is_bot": False, "first_name": "Иван", "last_name": "Петров"}
CONTACT_UPDATE = {
    "update_id": 345678903,
    "message": {
        "message_id": 3,
        "from": IVAN,
        "chat": dict(IVAN, type="private"),
        "date": 1772445700,
        "contact": {
            "phone_number": "79123456789",
            "first_name": "Иван",
            "last_name": "Петров",
            "user_id": 555000111,
        },
    },
}
GROUP_UPDATE = {
    "update_id": 345678904,
    "message": {
        "message_id": 77,
        "from": MARIA,
        "chat": {"id": -100123456, "title": "Dealers", "type": "supergroup"},
        "date": 1772445800,
        "text": "hello all",
    },
}


def update(base, update_id=None, **message):
    result = copy.deepcopy(base)
    if update_id:
        result["update_id"] = update_id
    result["message"].update(message)
    return result


@tagged("post_install", "-at_install")
class TestTelegramIntake(HttpCase):
    """The Telegram webhook through the real test server, recorded updates, a fake Bot API on loopback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_intake(cls)
        cls.fake = FakeTelegramServer(
            TOKEN,
            results={
                "getFile": {
                    "file_id": "x",
                    "file_unique_id": "y",
                    "file_size": 17,
                    "file_path": "photos/file_7.jpg",
                },
                "getMe": {
                    "id": 7000000001,
                    "is_bot": True,
                    "first_name": "Sales",
                    "username": "acme_sales_bot",
                },
                "sendMessage": {"message_id": 99, "chat": MARIA_CHAT, "date": 1772446000, "text": "ok"},
            },
            files={"photos/file_7.jpg": b"\xff\xd8\xff fake jpeg"},
        )
        cls.fake.__enter__()
        cls.addClassCleanup(cls.fake.__exit__, None, None, None)
        cls.bot = cls.env["crm.messenger.bot"].create(
            {"name": "Sales bot", "team_id": cls.team.id, "token": TOKEN, "api_url": cls.fake.url}
        )
        cls.bot.sudo().write({"webhook_secret": SECRET})
        cls.messenger = cls.env.ref("crm_custom.utm_source_messenger")

    def setUp(self):
        super().setUp()
        self.fake.calls.clear()

    def deliver(self, payload, secret=SECRET, bot=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open(f"/crm_custom/v1/telegram/{(bot or self.bot).id}", data=data, headers=headers)

    def counts(self):
        self.env.invalidate_all()
        return {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in (
                "crm.lead",
                "mail.message",
                "mail.activity",
                "crm.messenger.chat",
                "crm.messenger.update",
            )
        }

    def chat(self, chat_id=MARIA_CHAT["id"]):
        return self.env["crm.messenger.chat"].search(
            [("bot_id", "=", self.bot.id), ("external_chat_id", "=", str(chat_id))]
        )

    def telegram_messages(self, card):
        return card.message_ids.filtered(lambda m: "Telegram" in (m.body or ""))

    # -- incoming ----------------------------------------------------------------------------------
    def test_new_chat_creates_a_lead_and_its_messages_land_in_the_chatter(self):
        reply = self.deliver(TEXT_UPDATE)
        self.assertEqual(reply.status_code, 200, reply.text)
        chat = self.chat()
        lead = chat.lead_id
        self.assertEqual(
            reply.json(), {"ok": True, "chat_id": chat.id, "lead_id": lead.id, "partner_id": None}
        )
        self.assertEqual(lead.name, "Telegram: Мария Кузнецова")
        self.assertEqual(lead.contact_name, "Мария Кузнецова")
        self.assertEqual(lead.source_id, self.messenger)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.user_id, self.alice)
        self.assertEqual(
            lead.activity_ids.activity_type_id, self.env.ref("crm_custom.mail_activity_type_first_contact")
        )
        self.assertEqual((chat.name, chat.username), ("Мария Кузнецова", "maria_k"))
        first = self.telegram_messages(lead)
        self.assertEqual(len(first), 1)
        self.assertIn("Сколько стоит станок M20?", first.body)
        self.assertIn(self.alice.partner_id, first.partner_ids, "the salesperson is notified")

        self.deliver(update(TEXT_UPDATE, 345678910, message_id=14, text="Жду ответа"))
        self.assertEqual(self.chat().lead_id, lead, "the chat keeps its lead")
        self.assertEqual(len(self.telegram_messages(lead)), 2)
        self.assertEqual(self.env["crm.lead"].search_count([("source_id", "=", self.messenger.id)]), 1)

    def test_repeated_update_is_processed_once(self):
        self.deliver(TEXT_UPDATE)
        before = self.counts()
        reply = self.deliver(TEXT_UPDATE)
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(reply.json(), {"ok": True, "duplicate": True})
        self.assertEqual(self.counts(), before)

    def test_photo_with_caption_is_downloaded_and_attached(self):
        self.deliver(TEXT_UPDATE)
        self.fake.calls.clear()
        self.deliver(PHOTO_UPDATE)
        self.assertEqual(
            self.fake.calls, [("getFile", {"file_id": "AgACAgIAAxkBAAMNlarge"})], "the largest size"
        )
        lead = self.chat().lead_id
        message = self.telegram_messages(lead).filtered(lambda m: "сломанной детали" in m.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids.name, "file_7.jpg")
        self.assertEqual(message.attachment_ids.raw, b"\xff\xd8\xff fake jpeg")

    def test_shared_contact_of_a_known_client_attaches_to_its_card(self):
        """A new chat whose shared contact has the client contact's mobile: no lead, the chat on the client's
        open deal, a to-do for the deal's salesperson."""
        before = self.counts()["crm.lead"]
        reply = self.deliver(CONTACT_UPDATE)
        self.assertEqual(reply.status_code, 200, reply.text)
        chat = self.chat(IVAN["id"])
        self.assertEqual(chat.lead_id, self.deal)
        self.assertEqual(chat.partner_id, self.client_contact)
        self.assertEqual(chat.phone, "+79123456789")
        self.assertEqual(self.counts()["crm.lead"], before)
        self.assertTrue(self.telegram_messages(self.deal).filtered(lambda m: "79123456789" in m.body))
        todo = self.deal.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(todo.user_id, self.bob)

    def test_group_chats_are_ignored(self):
        before = self.counts()
        reply = self.deliver(GROUP_UPDATE)
        self.assertEqual(reply.json(), {"ok": True, "ignored": True})
        after = self.counts()
        self.assertEqual(after["crm.lead"], before["crm.lead"])
        self.assertEqual(after["crm.messenger.chat"], before["crm.messenger.chat"])

    # -- refused --------------------------------------------------------------------------------------
    @mute_logger(CONTROLLER)
    def test_wrong_or_missing_secret_is_401_and_writes_nothing(self):
        before = self.counts()
        for secret in ("not-the-secret", None):
            with self.subTest(secret=secret):
                reply = self.deliver(TEXT_UPDATE, secret=secret)
                self.assertEqual(reply.status_code, 401)
                self.assertEqual(reply.json()["ok"], False)
        other = self.env["crm.messenger.bot"].create({"name": "Unconnected bot"})
        self.assertEqual(self.deliver(TEXT_UPDATE, bot=other).status_code, 401, "a bot without a secret")
        self.assertEqual(self.counts(), before)

    @mute_logger(CONTROLLER)
    def test_malformed_updates_are_400_and_write_nothing(self):
        before = self.counts()
        self.assertEqual(self.deliver(None, raw="{oops").status_code, 400)
        self.assertEqual(self.deliver({"message": TEXT_UPDATE["message"]}).status_code, 400)
        self.assertEqual(self.deliver({"update_id": 5, "message": "text"}).status_code, 400)
        self.assertEqual(self.counts(), before)

    # -- outgoing -------------------------------------------------------------------------------------
    def test_send_to_telegram_from_the_lead(self):
        """The salesperson answers from the lead: sendMessage to the chat, the answer in the chatter, the
        lead's first contact made."""
        self.deliver(TEXT_UPDATE)
        lead = self.chat().lead_id
        self.fake.calls.clear()
        wizard_form = Form(
            self.env["crm.messenger.send.wizard"]
            .with_user(self.alice)
            .with_context(active_model="crm.lead", active_id=lead.id)
        )
        wizard_form.body = "Добрый день! M20 стоит 1 200 000 ₽."
        wizard_form.save().action_send()
        self.assertEqual(
            self.fake.calls,
            [("sendMessage", {"chat_id": MARIA_CHAT["id"], "text": "Добрый день! M20 стоит 1 200 000 ₽."})],
        )
        sent = lead.message_ids.filtered(lambda m: "M20 стоит" in (m.body or ""))
        self.assertEqual(sent.author_id, self.alice.partner_id)
        self.assertTrue(lead.first_contact_date)
        self.assertFalse(lead.activity_ids, "the First Contact activity is done")

    def test_message_being_written_is_its_authors_only(self):
        self.deliver(TEXT_UPDATE)
        lead = self.chat().lead_id
        wizard = (
            self.env["crm.messenger.send.wizard"]
            .with_user(self.alice)
            .with_context(active_model="crm.lead", active_id=lead.id)
            .create({"body": "Черновик для клиента"})
        )
        self.fake.calls.clear()
        with self.assertRaises(AccessError):
            wizard.with_user(self.bob).read(["body"])
        with self.assertRaises(AccessError):
            wizard.with_user(self.bob).action_send()
        self.assertEqual(self.fake.calls, [], "nothing sent")

    def test_send_a_chatter_message_to_telegram(self):
        self.deliver(TEXT_UPDATE)
        lead = self.chat().lead_id
        mine = lead.with_user(self.alice).message_post(body="Перезвоню через час", message_type="comment")
        self.fake.calls.clear()
        self.env["crm.messenger.chat"].with_user(self.alice).action_send_chatter_message(mine.id)
        self.assertEqual(
            self.fake.calls, [("sendMessage", {"chat_id": MARIA_CHAT["id"], "text": "Перезвоню через час"})]
        )
        theirs = self.telegram_messages(lead)[-1]
        with self.assertRaises(UserError):
            self.env["crm.messenger.chat"].with_user(self.alice).action_send_chatter_message(theirs.id)

    def test_send_to_telegram_from_the_chatter_in_the_web_client(self):
        """The chatter's message action "Send to Telegram" (browser tour)."""
        self.deliver(TEXT_UPDATE)
        lead = self.chat().lead_id
        lead.with_user(self.alice).message_post(body="Tour answer to Telegram", message_type="comment")
        self.fake.calls.clear()
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_custom_send_telegram_tour", login="intake_alice")
        self.assertEqual(
            self.fake.calls,
            [("sendMessage", {"chat_id": MARIA_CHAT["id"], "text": "Tour answer to Telegram"})],
        )

    # -- configuration rights -------------------------------------------------------------------------
    def test_token_and_secret_are_for_system_administrators_only(self):
        bot = self.env["crm.messenger.bot"].with_user(self.manager).create({"name": "Manager's bot"})
        bot.team_id = self.team
        for fname in ("token", "webhook_secret", "api_url"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                bot.read([fname])
        with self.assertRaises(AccessError):
            bot.write({"token": "123:stolen"})
        with self.assertRaises(AccessError):
            bot.action_register_webhook()
        admin_bot = self.bot.with_user(self.admin)
        self.assertEqual(admin_bot.token, TOKEN)
        with self.assertRaises(AccessError):
            admin_bot.write({"webhook_secret": "chosen"})

    def test_connect_to_telegram_registers_the_webhook_with_a_new_secret(self):
        self.bot.with_user(self.admin).action_register_webhook()
        methods = self.fake.methods()
        self.assertEqual(methods, ["getMe", "setWebhook"])
        webhook = self.fake.calls[1][1]
        self.assertTrue(webhook["url"].endswith(f"/crm_custom/v1/telegram/{self.bot.id}"))
        self.assertEqual(webhook["secret_token"], self.bot.sudo().webhook_secret)
        self.assertNotEqual(webhook["secret_token"], SECRET)
        self.assertEqual(self.bot.bot_username, "acme_sales_bot")
        self.assertTrue(self.bot.webhook_registered)

    def test_other_companys_users_see_no_bot_chat_nor_update(self):
        self.deliver(TEXT_UPDATE)
        other = self.env["res.company"].create({"name": "Other Branch", "country_id": self.russia.id})
        outsider = new_test_user(
            self.env,
            login="tg_outsider",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.env["crm.messenger.bot"].with_user(outsider).search([("id", "=", self.bot.id)]))
        self.assertFalse(
            self.env["crm.messenger.chat"].with_user(outsider).search([("bot_id", "=", self.bot.id)])
        )
        with self.assertRaises(AccessError):
            self.env["crm.messenger.chat"].with_user(outsider).browse(self.chat().id).read(["name"])
        # processed updates: the system's log, not even sales managers read it
        with self.assertRaises(AccessError):
            self.env["crm.messenger.update"].with_user(self.manager).search([])

    def test_partner_form_without_sales_rights(self):
        """Accounting users open client cards: the Telegram button and the chats are not theirs."""
        accountant = new_test_user(self.env, login="tg_accountant", groups="account.group_account_invoice")
        arch = (
            self.env["res.partner"]
            .with_user(accountant)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("messenger_chat_ids", arch)
        self.assertNotIn("Send to Telegram", arch)
        salesman_arch = (
            self.env["res.partner"]
            .with_user(self.alice)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("messenger_chat_ids", salesman_arch)

    def test_chats_are_written_by_the_webhook_only(self):
        self.deliver(TEXT_UPDATE)
        chat = self.chat()
        for user in (self.alice, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                chat.with_user(user).write({"lead_id": self.deal.id})
        self.assertEqual(chat.with_user(self.alice).lead_id.name, "Telegram: Мария Кузнецова")
