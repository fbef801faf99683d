# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_custom.models.crm_lead_intake_source import CrmLeadIntakeSource

from .intake_common import setup_intake

URL = "/crm_custom/v1/leads"
CONTROLLER = "odoo.addons.crm_custom.controllers.main"


@tagged("post_install", "-at_install")
class TestApiIntake(HttpCase):
    """POST /crm_custom/v1/leads through the real test server: leads, known clients, idempotency, every
    error code with nothing written, CORS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_intake(cls)
        cls.product = cls.env["product.product"].create(
            {"name": "Lathe M20", "default_code": "LATHE-M20", "sale_ok": True}
        )
        Source = cls.env["crm.lead.intake.source"].with_user(cls.admin)
        cls.source = Source.create(
            {
                "name": "Shop contact form",
                "team_id": cls.team.id,
                "allowed_origins": "https://shop.example\nhttps://www.shop.example/",
                "rate_limit": 1000,
            }
        )
        cls.key = cls.source._generate_key()
        cls.other_source = Source.create(
            {"name": "Landing page", "allowed_origins": "https://landing.example", "rate_limit": 2}
        )
        cls.other_key = cls.other_source._generate_key()

    def post(self, payload=None, key=None, raw=None, headers=None):
        all_headers = {"Content-Type": "application/json"}
        if key is not False:
            all_headers["Authorization"] = f"Bearer {key or self.key}"
        all_headers.update(headers or {})
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open(URL, data=data, headers=all_headers)

    def counts(self):
        """What a refused request must not change."""
        self.env.invalidate_all()
        return {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in (
                "crm.lead",
                "mail.message",
                "mail.activity",
                "crm.lead.intake.request",
                "utm.source",
            )
        }

    def assertRefused(self, reply, status, error):
        self.assertEqual(reply.status_code, status, reply.text)
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        body = reply.json()
        self.assertEqual(body["ok"], False)
        self.assertIn(error, body["error"])
        self.assertNotIn("Traceback", reply.text)

    # -- accepted requests -----------------------------------------------------------------------------
    def test_new_client_creates_an_assigned_lead(self):
        reply = self.post(
            {
                "name": "Станки для цеха",
                "contact_name": "Сергей Смирнов",
                "company_name": "ООО Вектор",
                "email": "Sergey@Vector.example",
                "phone": "8 (921) 000-11-22",
                "message": "Нужны 3 станка.\nПозвоните после обеда.",
                "product_codes": ["LATHE-M20"],
                "utm_source": "yandex",
                "utm_medium": "cpc",
                "utm_campaign": "spring-2026",
                "request_id": "form-1",
            }
        )
        self.assertEqual(reply.status_code, 200, reply.text)
        data = reply.json()
        lead = self.env["crm.lead"].browse(data["lead_id"])
        self.assertEqual(data, {"ok": True, "lead_id": lead.id, "duplicate_of": None})
        self.assertEqual(lead.name, "Станки для цеха")
        self.assertEqual(lead.contact_name, "Сергей Смирнов")
        self.assertEqual(lead.partner_name, "ООО Вектор")
        self.assertEqual(lead.email_from, "sergey@vector.example")
        self.assertEqual(lead.phone, "+79210001122")
        self.assertIn("Позвоните после обеда", lead.description)
        self.assertEqual(lead.product_ids, self.product)
        self.assertEqual(
            (lead.source_id.name, lead.medium_id.name, lead.campaign_id.name),
            ("yandex", "cpc", "spring-2026"),
        )
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.user_id, self.alice)
        self.assertEqual(lead.intake_source_id, self.source)
        self.assertEqual(
            lead.activity_ids.activity_type_id, self.env.ref("crm_custom.mail_activity_type_first_contact")
        )

    def test_source_defaults_fill_missing_utm(self):
        reply = self.post({"email": "just.mail@new.example"})
        lead = self.env["crm.lead"].browse(reply.json()["lead_id"])
        self.assertEqual(lead.source_id, self.env.ref("crm_custom.utm_source_website_form"))
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_website"))
        self.assertEqual(lead.name, "Request from just.mail@new.example")

    def test_known_client_by_phone_gets_activity_on_its_deal(self):
        """The contact's mobile in national format: no lead; the request on the client's open deal and a
        to-do for its salesperson."""
        before = self.counts()["crm.lead"]
        reply = self.post({"phone": "8 (912) 345-67-89", "message": "Нужен ещё один станок"})
        self.assertEqual(reply.status_code, 200, reply.text)
        self.assertEqual(
            reply.json(),
            {"ok": True, "lead_id": self.deal.id, "duplicate_of": {"model": "crm.lead", "id": self.deal.id}},
        )
        self.assertEqual(self.counts()["crm.lead"], before)
        self.assertTrue(self.deal.message_ids.filtered(lambda m: "Нужен ещё один станок" in (m.body or "")))
        todo = self.deal.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(todo.user_id, self.bob)

    def test_known_client_without_deal_gets_activity_on_partner_card(self):
        reply = self.post({"email": "INFO@vasilek.example", "message": "Price list please"})
        self.assertEqual(
            reply.json(),
            {
                "ok": True,
                "lead_id": None,
                "duplicate_of": {"model": "res.partner", "id": self.quiet_client.id},
            },
        )
        self.assertTrue(
            self.quiet_client.message_ids.filtered(lambda m: "Price list please" in (m.body or ""))
        )
        self.assertEqual(self.quiet_client.activity_ids.user_id, self.bob)

    def test_same_request_id_twice_gives_the_same_lead(self):
        payload = {"email": "twice@new.example", "request_id": "abc-1"}
        first = self.post(payload)
        second = self.post(payload)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(first.json(), second.json())
        self.assertEqual(self.env["crm.lead"].search_count([("email_from", "=", "twice@new.example")]), 1)
        self.assertEqual(self.env["crm.lead.intake.request"].search_count([("request_id", "=", "abc-1")]), 1)

    def test_same_request_id_with_another_body_is_refused(self):
        self.post({"email": "first@new.example", "request_id": "abc-2"})
        before = self.counts()
        reply = self.post({"email": "second@new.example", "request_id": "abc-2"})
        self.assertRefused(reply, 409, "request_id already used")
        self.assertEqual(self.counts(), before)

    def test_twenty_parallel_identical_requests_give_one_lead(self):
        """HttpCase serialises requests through the test cursor; parallelism on real connections is shown
        by bench/intake_bench.py against a server with workers."""
        payload = {"email": "rush@new.example", "request_id": "rush-1", "message": "Срочно"}
        self.env.cr.flush()  # url_open flushes the test cursor: once here, not from 20 client threads
        with ThreadPoolExecutor(max_workers=20) as pool:
            replies = list(pool.map(lambda _i: self.post(payload), range(20)))
        self.assertEqual({r.status_code for r in replies}, {200})
        self.assertEqual(len({r.json()["lead_id"] for r in replies}), 1)
        self.assertEqual(self.env["crm.lead"].search_count([("email_from", "=", "rush@new.example")]), 1)

    def test_second_request_of_a_new_client_goes_to_its_lead(self):
        """Without request ids, the same new client twice: one lead, the second request on it."""
        first = self.post({"email": "again@new.example", "message": "one"}).json()
        second = self.post({"email": "again@new.example", "message": "two"}).json()
        self.assertEqual(
            second,
            {
                "ok": True,
                "lead_id": first["lead_id"],
                "duplicate_of": {"model": "crm.lead", "id": first["lead_id"]},
            },
        )

    def test_intake_routes_are_never_served_from_a_read_replica(self):
        """The intake and Telegram routes write (leads, request ids, updates): they are read/write routes, so
        that Odoo with a read replica (db_replica_host, docs/scaling.md) sends them to the primary at once
        (``auth="none"`` routes are readonly unless they say otherwise)."""
        routes = {rule.rule: rule.endpoint.routing for rule in self.env["ir.http"].routing_map().iter_rules()}
        for path in ("/crm_custom/v1/leads", "/crm_custom/v1/telegram/<int:bot_id>"):
            self.assertIs(routes[path]["readonly"], False, path)

    # -- refused requests: status, JSON error, nothing written --------------------------------------
    @mute_logger(CONTROLLER)
    def test_bad_requests_are_400_and_write_nothing(self):
        before = self.counts()
        cases = [
            (None, "{not json", "malformed JSON"),
            ([1, 2], None, "JSON object"),
            ({"email": "a@b.example", "fax": "123"}, None, "unknown field: fax"),
            ({"email": "not-an-email"}, None, "invalid e-mail"),
            ({"phone": "12"}, None, "invalid phone"),
            ({"email": "a@b.example", "name": "x" * 201}, None, "too long: name"),
            ({"email": "a@b.example", "product_codes": "LATHE-M20"}, None, "invalid field: product_codes"),
            ({"email": "a@b.example", "product_codes": ["NOPE"]}, None, "unknown product code: NOPE"),
            ({"contact_name": "No contact"}, None, "email or phone is required"),
            ({"email": 42}, None, "invalid field: email"),
        ]
        for payload, raw, error in cases:
            with self.subTest(error=error):
                self.assertRefused(self.post(payload, raw=raw), 400, error)
        self.assertEqual(self.counts(), before)

    @mute_logger(CONTROLLER)
    def test_bad_key_is_401(self):
        before = self.counts()
        self.assertRefused(self.post({"email": "a@b.example"}, key=False), 401, "key")
        self.assertRefused(self.post({"email": "a@b.example"}, key="lik_wrong"), 401, "key")
        self.other_source.active = False
        self.assertRefused(self.post({"email": "a@b.example"}, key=self.other_key), 401, "key")
        self.assertEqual(self.counts(), before)

    @mute_logger(CONTROLLER)
    def test_replaced_key_stops_working(self):
        old = self.key
        self.source.with_user(self.admin)._generate_key()
        self.assertRefused(self.post({"email": "a@b.example"}, key=old), 401, "key")

    @mute_logger(CONTROLLER)
    def test_body_over_64_kib_is_413(self):
        before = self.counts()
        big = json.dumps({"email": "a@b.example", "message": "x" * (65 * 1024)})
        self.assertRefused(self.post(raw=big), 413, "too large")

        def chunks():  # no Content-Length: the limit is enforced while reading
            yield b'{"email": "a@b.example", "message": "'
            for _i in range(70):
                yield b"y" * 1024
            yield b'"}'

        self.assertRefused(self.post(raw=chunks()), 413, "too large")
        self.assertEqual(self.counts(), before)

    @mute_logger(CONTROLLER)
    def test_rate_limit_is_429_with_retry_after(self):
        self.assertEqual(self.post({"email": "r1@new.example"}, key=self.other_key).status_code, 200)
        self.assertEqual(self.post({"email": "r2@new.example"}, key=self.other_key).status_code, 200)
        before = self.counts()
        reply = self.post({"email": "r3@new.example"}, key=self.other_key)
        self.assertRefused(reply, 429, "rate limit")
        self.assertTrue(1 <= int(reply.headers["Retry-After"]) <= 60)
        self.assertEqual(self.counts(), before)
        # the other source has its own budget
        self.assertEqual(self.post({"email": "r4@new.example"}).status_code, 200)

    @mute_logger(CONTROLLER, "odoo.addons.crm_custom.controllers.main")
    def test_internal_error_is_500_without_traceback_and_writes_nothing(self):
        before = self.counts()
        with patch.object(CrmLeadIntakeSource, "_intake_lead_vals", side_effect=KeyError("boom")):
            reply = self.post({"email": "boom@new.example", "request_id": "boom-1"})
        self.assertRefused(reply, 500, "internal error")
        self.assertNotIn("boom", reply.text)
        self.assertEqual(self.counts(), before)

    # -- CORS ---------------------------------------------------------------------------------------------
    def test_preflight_of_an_allowed_origin(self):
        reply = self.opener.options(
            self.base_url() + URL,
            headers={
                "Origin": "https://shop.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
            timeout=12,
        )
        self.assertEqual(reply.status_code, 204)
        self.assertEqual(reply.headers["Access-Control-Allow-Origin"], "https://shop.example")
        self.assertIn("POST", reply.headers["Access-Control-Allow-Methods"])
        self.assertIn("Authorization", reply.headers["Access-Control-Allow-Headers"])
        self.assertIn("Content-Type", reply.headers["Access-Control-Allow-Headers"])

    def test_preflight_of_another_origin_is_refused(self):
        reply = self.opener.options(
            self.base_url() + URL,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
            timeout=12,
        )
        self.assertEqual(reply.status_code, 403)
        self.assertNotIn("Access-Control-Allow-Origin", reply.headers)

    def test_browser_post_from_allowed_origin_can_read_the_reply(self):
        reply = self.post({"email": "browser@new.example"}, headers={"Origin": "https://www.shop.example"})
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(reply.headers["Access-Control-Allow-Origin"], "https://www.shop.example")

    @mute_logger(CONTROLLER)
    def test_browser_post_from_origin_of_another_source_is_403(self):
        """The landing page may post with its own key, not with the shop's."""
        before = self.counts()
        reply = self.post({"email": "x@new.example"}, headers={"Origin": "https://landing.example"})
        self.assertRefused(reply, 403, "origin not allowed")
        self.assertEqual(self.counts(), before)

    # -- keys and configuration rights -------------------------------------------------------------
    def test_key_is_shown_once_and_stored_hashed(self):
        action = self.source.with_user(self.admin).action_generate_key()
        wizard = self.env["crm.lead.intake.key.wizard"].browse(action["res_id"])
        key = wizard.key
        self.assertTrue(key.startswith("lik_"))
        self.assertEqual(self.source.sudo().key_hash, hashlib.sha256(key.encode()).hexdigest())
        self.assertEqual(self.source.key_hint, key[:8] + "…")
        self.assertEqual(self.post({"email": "hashed@new.example"}, key=key).status_code, 200)
        # another administrator never reads the key shown once
        other_admin = new_test_user(self.env, login="intake_admin_2", groups="base.group_system")
        with self.assertRaises(AccessError):
            wizard.with_user(other_admin).read(["key"])
        self.assertFalse(self.env["crm.lead.intake.key.wizard"].with_user(other_admin).search([]))

    def test_sales_manager_configures_sources_but_not_keys(self):
        source = self.env["crm.lead.intake.source"].with_user(self.manager).create({"name": "Fair tablet"})
        source.rate_limit = 10
        with self.assertRaises(AccessError):
            source._generate_key()
        with self.assertRaises(AccessError):
            source.read(["key_hash"])
        with self.assertRaises(AccessError):
            source.write({"key_hash": hashlib.sha256(b"chosen").hexdigest()})
        with self.assertRaises(AccessError):
            self.env["crm.lead.intake.source"].with_user(self.admin).create(
                {"name": "x", "key_hash": "forged"}
            )

    def test_other_companys_users_see_no_source_nor_request(self):
        self.post({"email": "scoped@new.example", "request_id": "scope-1"})
        other = self.env["res.company"].create({"name": "Other Branch", "country_id": self.russia.id})
        outsider = new_test_user(
            self.env,
            login="intake_outsider",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        Source = self.env["crm.lead.intake.source"].with_user(outsider)
        self.assertFalse(Source.search([("id", "=", self.source.id)]))
        with self.assertRaises(AccessError):
            Source.browse(self.source.id).read(["name"])
        Request = self.env["crm.lead.intake.request"].with_user(outsider)
        self.assertFalse(Request.search([("request_id", "=", "scope-1")]))

    def test_salesperson_cannot_configure_sources_nor_read_requests(self):
        self.post({"email": "logged@new.example", "request_id": "log-1"})
        Source = self.env["crm.lead.intake.source"].with_user(self.alice)
        self.assertEqual(Source.browse(self.source.id).name, "Shop contact form")
        with self.assertRaises(AccessError):
            Source.browse(self.source.id).write({"rate_limit": 100000})
        with self.assertRaises(AccessError):
            Source.create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["crm.lead.intake.request"].with_user(self.alice).search([])
        requests = (
            self.env["crm.lead.intake.request"].with_user(self.manager).search([("request_id", "=", "log-1")])
        )
        self.assertEqual(len(requests), 1)
        with self.assertRaises(AccessError):
            requests.write({"request_id": "forged"})
