# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.translate import code_translations

from .common import setup_telephony

RU_NUMBER, EN_NUMBER = "+14155550101", "+14155550102"


@tagged("post_install", "-at_install")
class TestRussianReader(HttpCase):
    """What the PBX events job writes for someone is written in their language: in one job run, the Russian
    salesperson's pop-up, call name, chatter line and call back are Russian and the English colleague's
    English; and a Russian salesperson's card banner and call list are Russian end to end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.alice.lang = "ru_RU"  # the salesperson of "Known Client" (RU_NUMBER), extension 701
        cls.bob_client = cls.env["res.partner"].create(
            {
                "name": "Bob's Client",
                "phone": EN_NUMBER,
                "country_id": cls.env.ref("base.us").id,
                "user_id": cls.bob.id,
                "customer_rank": 1,
            }
        )
        rule = cls.env["crm.card.score.rule"].create(
            {
                "name": "Job position",
                "target": "contact",
                "company_id": cls.company.id,
                "field_id": cls.env["ir.model.fields"]._get("res.partner", "function").id,
            }
        )
        rule.with_context(lang="ru_RU").name = "Должность"
        (cls.client | cls.bob_client)._card_refresh_score()

    def post(self, payload):
        return self.url_open(
            "/crm_telephony/v1/events",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )

    def call(self, call_id, number, extension, outcome, talk=0):
        base = {"call_id": call_id, "direction": "inbound", "from": number, "to": "+14155550000"}
        self.post(dict(base, event="call_started", timestamp="2026-03-02T10:00:00Z", extension=extension))
        self.post(
            dict(
                base, event="call_ended", timestamp="2026-03-02T10:01:00Z", talk_seconds=talk, outcome=outcome
            )
        )

    def run_job(self):
        self._wait_remaining_requests()
        self.env["crm.phonecall"]._cron_pbx_process_queue()
        self.env.invalidate_all()

    def calls(self, call_id):
        return self.env["crm.phonecall"].search(
            [("pbx_id", "=", self.pbx.id), ("external_call_id", "=", call_id)]
        )

    def popups(self, user):
        messages = self.env["bus.bus"].search([("message", "like", "web_notify")], order="id")
        return [
            json.loads(message.message)["payload"]
            for message in messages
            if json.loads(message.channel)[2] == user.partner_id.id
        ]

    def pbx_note(self, card):
        root = self.env.ref("base.partner_root")
        return card.message_ids.filtered(lambda m: m.author_id == root and m.body and "+1415555010" in m.body)

    def test_one_job_run_writes_for_each_reader_in_their_language(self):
        # the phones ring: the job pops the card up for each salesperson while they ring
        base = {"direction": "inbound", "to": "+14155550000", "timestamp": "2026-03-02T10:00:00Z"}
        self.post(dict(base, event="call_started", call_id="ru-1", extension="701", **{"from": RU_NUMBER}))
        self.post(dict(base, event="call_started", call_id="en-1", extension="702", **{"from": EN_NUMBER}))
        self.run_job()
        [ru_popup], [en_popup] = self.popups(self.alice), self.popups(self.bob)
        self.assertEqual(ru_popup["title"], f"Звонок с {RU_NUMBER}")
        self.assertEqual(ru_popup["action"]["context"]["params"]["button_name"], "Открыть карточку")
        self.assertEqual(en_popup["title"], f"Call from {EN_NUMBER}")
        self.assertEqual(en_popup["action"]["context"]["params"]["button_name"], "Open card")
        # nobody answers: one job run logs both calls and asks both salespeople to call back
        ended = {
            "event": "call_ended",
            "timestamp": "2026-03-02T10:01:00Z",
            "talk_seconds": 0,
            "outcome": "missed",
        }
        self.post(dict(base, **ended, call_id="ru-1", **{"from": RU_NUMBER}))
        self.post(dict(base, **ended, call_id="en-1", **{"from": EN_NUMBER}))
        self.run_job()
        ru_call, en_call = self.calls("ru-1"), self.calls("en-1")
        self.assertEqual(ru_call.name, f"Входящий звонок с {RU_NUMBER}")
        self.assertEqual(en_call.name, f"Inbound call from {EN_NUMBER}")
        self.assertIn(f"Входящий звонок {RU_NUMBER}: Пропущен", self.pbx_note(self.client).body)
        self.assertIn(f"Inbound call {EN_NUMBER}: Missed", self.pbx_note(self.bob_client).body)
        ru_back, en_back = ru_call.callback_activity_id, en_call.callback_activity_id
        self.assertEqual((ru_back.user_id, en_back.user_id), (self.alice, self.bob))
        self.assertEqual(ru_back.summary, f"Перезвонить на {RU_NUMBER}")
        self.assertEqual(en_back.summary, f"Call back {EN_NUMBER}")
        self.assertEqual(ru_back.activity_type_id.with_context(lang="ru_RU").name, "Перезвонить")
        # the client calls again and Alice answers: her call back is done, in Russian in the chatter
        self.call("ru-2", RU_NUMBER, "701", "answered", talk=30)
        self.run_job()
        self.assertFalse(ru_back.exists())
        done = self.client.message_ids.filtered(lambda m: "Отвеченный звонок" in (m.body or ""))
        self.assertEqual(len(done), 1, "the call back's feedback is in Alice's language")
        self.assertTrue(en_back.exists(), "Bob's client has not called back")

    def test_call_screens_for_a_russian_salesperson(self):
        """The call list and form (OCA crm_phonecall, with the suite's PBX fields) as Alice gets them."""
        Call = self.env["crm.phonecall"].with_user(self.alice).with_context(lang="ru_RU")
        views = Call.get_views([(False, "list"), (False, "form"), (False, "search")])
        fields = views["models"]["crm.phonecall"]["fields"]
        self.assertEqual(fields["name"]["string"], "Тема звонка")
        self.assertEqual(fields["partner_id"]["string"], "Контакт")
        self.assertEqual(fields["outcome"]["string"], "Результат")
        self.assertEqual(dict(fields["direction"]["selection"]), {"in": "Входящий", "out": "Исходящий"})
        self.assertEqual(dict(fields["state"]["selection"])["done"], "Проведён")
        self.assertIn("Преобразовать в сделку", views["views"]["form"]["arch"])
        self.assertIn("Мои звонки", views["views"]["search"]["arch"])
        menu = self.env.ref("crm_phonecall.menu_crm_case_phone").with_context(lang="ru_RU")
        self.assertEqual(menu.name, "Звонки")

    def test_card_banner_and_call_list_tour(self):
        """A Russian salesperson in the browser: the card banner, the Phone Calls menu and the call list."""
        self.call("ru-3", RU_NUMBER, "701", "missed")
        self.run_job()
        self.start_tour(
            f"/odoo/res.partner/{self.client.id}", "crm_telephony_russian_tour", login="tel_alice"
        )


@tagged("post_install", "-at_install")
class TestOcaRussian(TransactionCase):
    """The Russian of OCA crm_phonecall and web_notify ships in crm_telephony's i18n_extra/ru.po: Odoo loads
    it with crm_telephony's translations (install, update, language loading) and applies it by xml id."""

    def test_loaded_with_the_addons_translations(self):
        menu = self.env.ref("crm_phonecall.menu_crm_case_phone")
        label = self.env["ir.model.fields"]._get("crm.phonecall", "name")
        for table, record, column in (
            ("ir_ui_menu", menu, "name"),
            ("ir_model_fields", label, "field_description"),
        ):
            column = SQL.identifier(column)
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s - 'ru_RU' WHERE id = %s",
                    SQL.identifier(table),
                    column,
                    column,
                    record.id,
                )
            )
        self.env.invalidate_all()
        self.assertEqual(
            menu.with_context(lang="ru_RU").name, "Phone Calls", "crm_phonecall ships no Russian"
        )
        self.env["ir.module.module"].search([("name", "=", "crm_telephony")])._update_translations("ru_RU")
        self.assertEqual(menu.with_context(lang="ru_RU").name, "Звонки")
        self.assertEqual(label.with_context(lang="ru_RU").field_description, "Тема звонка")
        self.assertEqual(
            menu.with_context(lang="en_US").name, "Phone Calls", "the English source stays as it is"
        )

    def test_javascript_terms_join_the_web_client(self):
        """web_notify's button is translated through crm_telephony's web translations (the web client keeps
        one table of every module's terms)."""
        messages = code_translations.get_web_translations("crm_telephony", "ru_RU")["messages"]
        self.assertIn({"id": "Open", "string": "Открыть"}, [dict(message) for message in messages])
