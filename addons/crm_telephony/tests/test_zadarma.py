# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import hmac
from datetime import datetime, timedelta

import pytz

from odoo.tests import HttpCase, tagged

from .common import setup_telephony

LOGGER = "odoo.addons.crm_telephony.controllers.main"
SECRET = "zd-secret-123"


def zadarma_signature(text):
    """The signature as zadarma/user-api-v1 computes it, written independently of the addon:
    base64_encode(hash_hmac('sha1', text, secret)) where PHP's hash_hmac returns hex."""
    hex_digest = hmac.new(SECRET.encode(), text.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(hex_digest.encode()).decode()


@tagged("post_install", "-at_install")
class TestZadarmaWebhook(HttpCase):
    """Zadarma notifications: zd_echo, per-event signatures, routing answer, call outcome, recording."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.zadarma = cls.env["crm.pbx"].create(
            {
                "name": "Zadarma",
                "provider": "zadarma",
                "company_id": cls.company.id,
                "api_key": "zd-key",
                "api_secret": SECRET,
                "default_country_id": cls.env.ref("base.us").id,
                "recording_policy": "attachment",
            }
        )
        cls.url = f"/crm_telephony/v1/zadarma/{cls.zadarma.id}"

    def notify(self, fields, signed, signature=None):
        sig = signature if signature is not None else zadarma_signature("".join(fields[k] for k in signed))
        return self.url_open(self.url, data=fields, headers={"Signature": sig})

    def call_start(self, minutes_ago=5):
        """A call start as Zadarma sends it: ``Y-m-d H:i:s`` in the account's (the company's) timezone."""
        tz = pytz.timezone(self.company.partner_id.tz or "UTC")
        return (datetime.now(tz) - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M:%S")

    def start_fields(self, call_id="zd-1"):
        return {
            "event": "NOTIFY_START",
            "call_start": self.call_start(),
            "pbx_call_id": call_id,
            "caller_id": "14155550101",
            "called_did": "14155550000",
        }

    def test_echo(self):
        reply = self.url_open(f"{self.url}?zd_echo=abc123")
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(reply.text, "abc123")

    def test_start_routes_to_responsible_manager(self):
        reply = self.notify(self.start_fields(), ("caller_id", "called_did", "call_start"))
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(
            reply.json(), {"redirect": "701", "return_timeout": 0, "caller_name": "Known Client"}
        )
        call = self.env["crm.phonecall"].search([("external_call_id", "=", "zd-1")])
        self.assertEqual(call.pbx_id, self.zadarma)
        self.assertEqual(call.partner_id, self.client)

    def test_end_and_record(self):
        self.notify(self.start_fields("zd-2"), ("caller_id", "called_did", "call_start"))
        end = dict(
            self.start_fields("zd-2"),
            event="NOTIFY_END",
            internal="701",
            duration="95",
            disposition="answered",
            status_code="16",
            is_recorded="1",
            call_id_with_rec="rec-77",
        )
        self.assertEqual(self.notify(end, ("caller_id", "called_did", "call_start")).status_code, 200)
        call = self.env["crm.phonecall"].search([("external_call_id", "=", "zd-2")])
        self.assertEqual(call.outcome, "answered")
        self.assertEqual(call.talk_seconds, 95)
        self.assertEqual(call.user_id, self.alice)
        self.assertEqual(call.recording_state, "pending")
        self.assertEqual(call.recording_ref, "rec-77")
        record = {"event": "NOTIFY_RECORD", "pbx_call_id": "zd-2", "call_id_with_rec": "rec-77"}
        self.assertEqual(self.notify(record, ("pbx_call_id", "call_id_with_rec")).status_code, 200)

    def test_missed_call_end(self):
        end = dict(self.start_fields("zd-3"), event="NOTIFY_END", duration="0", disposition="no answer")
        self.notify(end, ("caller_id", "called_did", "call_start"))
        self._wait_remaining_requests()
        self.env["crm.phonecall"]._cron_pbx_process_queue()
        call = self.env["crm.phonecall"].search([("external_call_id", "=", "zd-3")])
        self.assertEqual(call.outcome, "no_answer")
        self.assertTrue(call.callback_activity_id)

    def test_outbound_signature_fields(self):
        out = {
            "event": "NOTIFY_OUT_START",
            "call_start": self.call_start(),
            "pbx_call_id": "zd-4",
            "internal": "702",
            "destination": "14155550101",
        }
        self.assertEqual(self.notify(out, ("internal", "destination", "call_start")).status_code, 200)
        call = self.env["crm.phonecall"].search([("external_call_id", "=", "zd-4")])
        self.assertEqual(call.direction, "out")
        self.assertEqual(call.user_id, self.bob)
        self.assertEqual(call.partner_id, self.client)

    def test_bad_signature_writes_nothing(self):
        calls_before = self.env["crm.phonecall"].search_count([])
        with self.assertLogs(LOGGER, "WARNING"):
            wrong = self.notify(self.start_fields("zd-5"), (), signature="bm9wZQ==")
            # signed over the wrong fields (those of NOTIFY_ANSWER) is refused as well
            wrong_fields = self.notify(self.start_fields("zd-6"), ("caller_id", "call_start"))
            missing = self.url_open(self.url, data=self.start_fields("zd-7"))
            unknown_pbx = self.url_open(
                "/crm_telephony/v1/zadarma/999999",
                data=self.start_fields("zd-8"),
                headers={"Signature": "bm9wZQ=="},
            )
        for reply in (wrong, wrong_fields, missing):
            self.assertEqual(reply.status_code, 401)
            self.assertFalse(reply.json()["ok"])
        self.assertEqual(unknown_pbx.status_code, 404)
        self.assertEqual(self.env["crm.phonecall"].search_count([]), calls_before)
