# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import hmac
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import FakePbxServer, setup_telephony

AUDIO = b"ID3-fake-mp3-bytes" * 10


@tagged("post_install", "-at_install")
class TestRecordingAndDial(TransactionCase):
    """Recording download job (real HTTP to a local server), retention, click-to-dial (ARI, Zadarma)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.calls = cls.env["crm.phonecall"].with_company(cls.company)

    def incoming(self, call_id, **extra):
        event = {
            "event": "call_ended",
            "call_id": call_id,
            "direction": "inbound",
            "from": "+14155550101",
            "to": "+14155550000",
            "extension": "701",
            "timestamp": fields.Datetime.now(),
            "talk_seconds": 40,
            "outcome": "answered",
            "recording_url": None,
            "recording_ref": None,
        }
        event.update(extra)
        self.calls._pbx_process_event(self.pbx, event)
        return self.calls.search([("external_call_id", "=", call_id)])

    def test_recording_downloaded_by_job(self):
        with FakePbxServer({("GET", "/rec/1.mp3"): (200, "audio/mpeg", AUDIO)}) as server:
            self.pbx.api_base_url = server.url  # a PBX on this host: its recordings come from here
            call = self.incoming("r-1", recording_url=f"{server.url}/rec/1.mp3")
            self.assertEqual(call.recording_state, "pending")
            self.assertFalse(server.requests, "nothing is downloaded inside the webhook")
            self.calls._cron_fetch_recordings()
        self.assertEqual(call.recording_state, "done")
        self.assertEqual(call.recording_attachment_id.raw, AUDIO)
        self.assertEqual(call.recording_attachment_id.res_model, "crm.phonecall")
        self.assertIn(f"/web/content/{call.recording_attachment_id.id}", call.recording_player)
        # readable by the call's user, refused to a salesperson who may not read the call
        call.recording_attachment_id.with_user(self.alice).check("read")
        with self.assertRaises(AccessError):
            call.recording_attachment_id.with_user(self.bob).check("read")

    def test_recording_retry_then_failure(self):
        with FakePbxServer({}) as server:
            self.pbx.api_base_url = server.url
            call = self.incoming("r-2", recording_url=f"{server.url}/missing.mp3")
            self.calls._cron_fetch_recordings()
            self.assertEqual(call.recording_state, "pending")
            self.assertEqual(call.recording_attempts, 1)
            self.assertGreater(call.recording_next_try, fields.Datetime.now())
            self.calls._cron_fetch_recordings()
            self.assertEqual(call.recording_attempts, 1, "not retried before its next try")
            for _attempt in range(4):
                call.recording_next_try = fields.Datetime.now()
                self.calls._cron_fetch_recordings()
        self.assertEqual(call.recording_attempts, 5)
        self.assertEqual(call.recording_state, "failed")
        self.assertIn("404", call.recording_error)

    def test_retention_deletes_old_recordings(self):
        with FakePbxServer({("GET", "/rec/3.mp3"): (200, "audio/mpeg", AUDIO)}) as server:
            self.pbx.api_base_url = server.url  # a PBX on this host: its recordings come from here
            call = self.incoming("r-3", recording_url=f"{server.url}/rec/3.mp3")
            self.calls._cron_fetch_recordings()
        attachment = call.recording_attachment_id
        self.calls._cron_recording_retention()
        self.assertTrue(attachment.exists(), "a recent recording is kept")
        with freeze_time(fields.Datetime.now() + timedelta(days=31)):
            self.calls._cron_recording_retention()
        self.assertFalse(attachment.exists())
        self.assertEqual(call.recording_state, "deleted")

    def test_link_only_policy(self):
        self.pbx.recording_policy = "link"
        call = self.incoming("r-4", recording_url="https://pbx.example.com/r/4.mp3")
        self.assertEqual(call.recording_state, "link")
        self.assertIn("https://pbx.example.com/r/4.mp3", call.recording_player)

    def test_asterisk_click_to_dial(self):
        ari = {("POST", "/ari/channels"): (200, "application/json", {"id": "chan-42"})}
        with FakePbxServer(ari) as server:
            self.env["crm.pbx"].create(
                {
                    "name": "Asterisk",
                    "provider": "asterisk",
                    "company_id": self.company.id,
                    "api_base_url": server.url,
                    "api_key": "ari-user",
                    "api_secret": "ari-pass",
                    "default_country_id": self.env.ref("base.us").id,
                }
            )
            self.client.with_user(self.alice).action_pbx_dial()
        method, path, headers, _body = server.requests[0]
        query = dict(parse_qsl(urlsplit(path).query))
        self.assertEqual(query["endpoint"], "PJSIP/701")
        self.assertEqual(query["extension"], "+14155550101")
        expected_auth = "Basic " + base64.b64encode(b"ari-user:ari-pass").decode()
        self.assertEqual(headers["Authorization"], expected_auth)
        call = self.calls.search([("external_call_id", "=", "chan-42")])
        self.assertEqual(call.direction, "out")
        self.assertEqual(call.user_id, self.alice)
        self.assertEqual(call.partner_id, self.client)

    def test_asterisk_error_is_a_clear_message(self):
        ari = {("POST", "/ari/channels"): (500, "application/json", {"message": "Allocation failed"})}
        with FakePbxServer(ari) as server:
            self.env["crm.pbx"].create(
                {
                    "name": "Asterisk",
                    "provider": "asterisk",
                    "company_id": self.company.id,
                    "api_base_url": server.url,
                }
            )
            calls_before = self.calls.search_count([])
            with self.assertRaisesRegex(UserError, "Allocation failed"):
                self.client.with_user(self.alice).action_pbx_dial()
        self.assertEqual(self.calls.search_count([]), calls_before)

    def test_dial_rings_the_extension_of_the_pbx_company_only(self):
        """Alice also works for a second company, where 701 is Carol's extension: dialling from there must
        not ring Carol's phone (the extension is looked up in the PBX's company, as the webhook does)."""
        other = self.env["res.company"].create({"name": "Dial Branch"})
        self.alice.company_ids += other
        carol = new_test_user(
            self.env,
            login="tel_dial_carol",
            groups="sales_team.group_sale_salesman",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        carol.pbx_extension = "701"
        ari = {("POST", "/ari/channels"): (200, "application/json", {"id": "chan-b"})}
        with FakePbxServer(ari) as server:
            self.env["crm.pbx"].create(
                {
                    "name": "Branch Asterisk",
                    "provider": "asterisk",
                    "company_id": other.id,
                    "api_base_url": server.url,
                    "default_country_id": self.env.ref("base.us").id,
                }
            )
            with self.assertRaisesRegex(UserError, "belongs to"):
                self.client.with_user(self.alice).with_company(other).action_pbx_dial()
            self.assertFalse(server.requests, "nobody's phone rang")
            # Carol, whose extension it is in that company, dials
            self.client.with_user(carol).with_company(other).action_pbx_dial()
        query = dict(parse_qsl(urlsplit(server.requests[0][1]).query))
        self.assertEqual(query["endpoint"], "PJSIP/701")
        self.assertEqual(self.calls.search([("external_call_id", "=", "chan-b")]).user_id, carol)

    def test_dial_without_extension_refused(self):
        self.alice.pbx_extension = False
        with self.assertRaisesRegex(UserError, "no PBX extension"):
            self.client.with_user(self.alice).action_pbx_dial()

    def test_zadarma_click_to_dial_signed_request(self):
        api = {("GET", "/v1/request/callback/"): (200, "application/json", {"status": "success"})}
        with FakePbxServer(api) as server:
            self.env["crm.pbx"].create(
                {
                    "name": "Zadarma",
                    "provider": "zadarma",
                    "company_id": self.company.id,
                    "api_base_url": server.url,
                    "api_key": "zd-key",
                    "api_secret": "zd-secret",
                    "default_country_id": self.env.ref("base.us").id,
                }
            )
            lead = self.env["crm.lead"].create(
                {"name": "Dial me", "phone": "+14155550123", "user_id": self.alice.id}
            )
            lead.with_user(self.alice).action_pbx_dial()
        _method, path, headers, _body = server.requests[0]
        query_string = urlsplit(path).query
        self.assertEqual(
            dict(parse_qsl(query_string)), {"format": "json", "from": "701", "to": "14155550123"}
        )
        # Client::getAuthHeader: key:base64(hex hmac-sha1(method path + sorted query + md5(query)))
        signed = "/v1/request/callback/" + query_string + hashlib.md5(query_string.encode()).hexdigest()
        digest = hmac.new(b"zd-secret", signed.encode(), hashlib.sha1).hexdigest()
        self.assertEqual(headers["Authorization"], "zd-key:" + base64.b64encode(digest.encode()).decode())
        self.assertEqual(self.calls.search([("opportunity_id", "=", lead.id)]).direction, "out")
