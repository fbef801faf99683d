# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from http.server import BaseHTTPRequestHandler

from odoo.tests import new_test_user

from odoo.addons.crm_custom.tests.intake_common import LocalHttpServer


class FakePbxServer(LocalHttpServer):
    """A real HTTP server on 127.0.0.1 playing the PBX's API in tests.

    ``routes`` maps (method, path) to (status, content_type, body), or to a function that answers itself
    (it gets the request handler); every request is kept in ``requests`` as (method, path with query,
    headers, body)."""

    def __init__(self, routes):
        self.routes = routes
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append((self.command, self.path, dict(self.headers), body))
                path = self.path.split("?")[0]
                route = outer.routes.get((self.command, path), (404, "text/plain", b"not found"))
                if callable(route):  # the route writes its own answer (redirects, slow or unsized bodies)
                    route(self)
                    return
                status, ctype, payload = route
                if isinstance(payload, dict):
                    payload = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except ConnectionError:  # the client stopped reading (a refused download)
                    self.close_connection = True

            do_GET = do_POST = _serve

        self._listen(Handler)


def setup_telephony(cls):
    """Company data shared by the telephony tests: a PBX, a routed team, users with extensions, a client."""
    env = cls.env
    cls.company = env.company
    cls.company.country_id = env.ref("base.us")
    cls.company.crm_phone_auto_lead = True
    cls.leader = new_test_user(
        env, login="tel_leader", groups="sales_team.group_sale_salesman", name="Team Leader"
    )
    cls.alice = new_test_user(env, login="tel_alice", groups="sales_team.group_sale_salesman", name="Alice")
    cls.bob = new_test_user(env, login="tel_bob", groups="sales_team.group_sale_salesman", name="Bob")
    cls.manager = new_test_user(
        env, login="tel_manager", groups="sales_team.group_sale_manager", name="Manager"
    )
    cls.leader.pbx_extension = "700"
    cls.alice.pbx_extension = "701"
    cls.bob.pbx_extension = "702"
    cls.team = env["crm.team"].create(
        {"name": "Phone Team", "user_id": cls.leader.id, "company_id": cls.company.id}
    )
    env["crm.team.member"].create({"crm_team_id": cls.team.id, "user_id": cls.bob.id})
    cls.other_team = env["crm.team"].create({"name": "Other Team", "company_id": cls.company.id})
    cls.pbx = env["crm.pbx"].create(
        {
            "name": "Test PBX",
            "company_id": cls.company.id,
            "provider": "generic",
            "default_country_id": env.ref("base.us").id,
            "route_ids": [(0, 0, {"number": "+1 415 555 0000", "team_id": cls.team.id})],
            "recording_policy": "attachment",
            "retention_days": 30,
        }
    )
    cls.token = cls.pbx.generate_api_token()
    cls.client = env["res.partner"].create(
        {
            "name": "Known Client",
            "phone": "+1 415 555 0101",
            "country_id": env.ref("base.us").id,
            "user_id": cls.alice.id,
            "customer_rank": 1,
        }
    )
