# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.tests import new_test_user


def setup_intake(cls):
    """A Russian company working 9:00-18:00 Moscow time, a web team with two salespeople, a known client
    with an open opportunity, and a client without one."""
    env = cls.env
    cls.company = env.company
    cls.russia = env.ref("base.ru")
    cls.company.write(
        {"country_id": cls.russia.id, "crm_first_contact_sla": 1.0, "crm_duplicate_guard": "warn"}
    )
    cls.company.partner_id.tz = "Europe/Moscow"
    cls.calendar = env["resource.calendar"].create(
        {
            "name": "Sales 9-18 Moscow",
            "tz": "Europe/Moscow",
            "company_id": cls.company.id,
            "attendance_ids": [
                (0, 0, {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 9, "hour_to": 18})
                for day in range(5)
            ],
        }
    )
    cls.company.resource_calendar_id = cls.calendar
    cls.leader = new_test_user(
        env, login="intake_leader", groups="sales_team.group_sale_salesman_all_leads", name="Leader", tz="UTC"
    )
    cls.alice = new_test_user(
        env, login="intake_alice", groups="sales_team.group_sale_salesman", name="Alice", tz="Europe/Moscow"
    )
    cls.bob = new_test_user(
        env, login="intake_bob", groups="sales_team.group_sale_salesman", name="Bob", tz="Europe/Moscow"
    )
    cls.manager = new_test_user(
        env, login="intake_manager", groups="sales_team.group_sale_manager", name="Sales Manager"
    )
    cls.admin = new_test_user(
        env, login="intake_admin", groups="base.group_system,sales_team.group_sale_manager", name="Admin"
    )
    cls.team = env["crm.team"].create(
        {"name": "Web Team", "user_id": cls.leader.id, "company_id": cls.company.id, "use_leads": True}
    )
    env["crm.team.member"].create([{"crm_team_id": cls.team.id, "user_id": cls.alice.id}])
    cls.client = env["res.partner"].create(
        {
            "name": "Romashka LLC",
            "is_company": True,
            "email": "office@romashka.example",
            "phone": "+7 495 123-45-67",
            "country_id": cls.russia.id,
            "company_id": cls.company.id,
            "user_id": cls.alice.id,
            "customer_rank": 1,
        }
    )
    cls.client_contact = env["res.partner"].create(
        {
            "name": "Ivan Petrov",
            "parent_id": cls.client.id,
            "email": "ivan@romashka.example",
            "mobile": "+7 912 345-67-89",
            "country_id": cls.russia.id,
        }
    )
    cls.deal = env["crm.lead"].create(
        {
            "name": "Romashka: 20 machines",
            "type": "opportunity",
            "partner_id": cls.client_contact.id,
            "user_id": cls.bob.id,
            "team_id": cls.team.id,
            "company_id": cls.company.id,
        }
    )
    cls.quiet_client = env["res.partner"].create(
        {
            "name": "Vasilek JSC",
            "is_company": True,
            "email": "info@vasilek.example",
            "phone": "+7 812 555-01-01",
            "country_id": cls.russia.id,
            "company_id": cls.company.id,
            "user_id": cls.bob.id,
        }
    )


class LocalHttpServer:
    """A real HTTP server on 127.0.0.1 for tests, in a thread while its ``with`` block lasts: the fake
    services the suite talks to (Telegram's Bot API here, a PBX's API in crm_telephony's tests). ``url``
    is its root."""

    def _listen(self, handler):
        """Serve ``handler``, a ``BaseHTTPRequestHandler`` class, on a free port (quietly)."""
        handler.log_message = lambda *args: None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class FakeTelegramServer(LocalHttpServer):
    """A real HTTP server on 127.0.0.1 playing Telegram's Bot API in tests.

    Every Bot API call is kept in ``calls`` as (method, JSON payload); ``files`` maps a ``file_path`` to the
    bytes served at ``/file/bot<token>/<file_path>``. Methods answer ``{"ok": true, "result": ...}`` from
    ``results`` (default ``true``)."""

    def __init__(self, token, results=None, files=None):
        self.token = token
        self.results = results or {}
        self.files = files or {}
        self.calls = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status, payload, ctype="application/json"):
                if isinstance(payload, dict):
                    payload = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                prefix = f"/file/bot{outer.token}/"
                if self.path.startswith(prefix) and self.path[len(prefix) :] in outer.files:
                    return self._reply(200, outer.files[self.path[len(prefix) :]], "application/octet-stream")
                return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b"{}"
                prefix = f"/bot{outer.token}/"
                if not self.path.startswith(prefix):
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                method = self.path[len(prefix) :]
                outer.calls.append((method, json.loads(body or b"{}")))
                return self._reply(200, {"ok": True, "result": outer.results.get(method, True)})

        self._listen(Handler)

    def methods(self):
        return [method for method, _payload in self.calls]
