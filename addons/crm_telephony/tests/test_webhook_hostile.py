# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import hmac
import json
import socket
from datetime import datetime, timedelta

import pytz

from odoo.tests import HttpCase, tagged

from .common import setup_telephony

LOGGER = "odoo.addons.crm_telephony.controllers.main"
EVENTS = "/crm_telephony/v1/events"
SECRET = "zd-hostile-secret"


def chunks(total, size=16 * 1024):
    """A request body without length: requests sends it chunked."""
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


@tagged("post_install", "-at_install")
class TestWebhookHostileClients(HttpCase):
    """The PBX routes against hostile clients, through the real test server: the token before the body, a
    bounded read (chunked bodies too), a 4xx JSON answer for every malformed input, nothing written."""

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
            }
        )
        cls.zadarma_url = f"/crm_telephony/v1/zadarma/{cls.zadarma.id}"

    def event(self, **extra):
        return {
            "event": "call_ended",
            "call_id": "h-1",
            "direction": "inbound",
            "from": "+14155550101",
            "to": "+14155550000",
            "timestamp": "2026-03-02T10:00:00Z",
            "talk_seconds": 10,
            **extra,
        }

    def post(self, data, token=None, content_type="application/json"):
        headers = {"Content-Type": content_type}
        if token is not False:
            headers["Authorization"] = f"Bearer {token or self.token}"
        if isinstance(data, dict):
            data = json.dumps(data)
        return self.url_open(EVENTS, data=data, headers=headers)

    def assert_refused(self, reply, status, message_part):
        self.assertEqual(reply.status_code, status, reply.text[:300])
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertFalse(reply.json()["ok"])
        self.assertIn(message_part, reply.json()["error"])
        self.assertNotIn("Traceback", reply.text)

    def calls_count(self):
        return self.env["crm.phonecall"].search_count([])

    # ------------------------------------------------------------------ authentication before the body

    def test_unauthenticated_chunked_body_is_not_read(self):
        """A chunked body (no length) from a client without a valid token is not read: 401 at once."""
        with self.assertLogs(LOGGER, "WARNING"):
            reply = self.post(chunks(300_000), token=False)
            wrong = self.post(chunks(300_000), token="stolen-or-guessed")
        self.assert_refused(reply, 401, "token")
        self.assert_refused(wrong, 401, "token")

    def test_chunked_body_read_is_bounded(self):
        """An authenticated client sending a chunked body that never ends gets 413 once 64 KiB are read,
        without the server waiting for the rest (a raw connection: an HTTP client would wait to finish)."""
        self.env.cr.flush()
        head = (
            f"POST {EVENTS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        chunk = b" " * 8192
        with (
            self.assertLogs(LOGGER, "WARNING"),
            socket.create_connection(("127.0.0.1", self.http_port())) as conn,
        ):
            conn.settimeout(10)
            conn.sendall(head)
            for _chunk in range(12):  # 96 KiB, and no final chunk: the body never ends
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            answer = b""
            while b"\r\n\r\n" not in answer:
                data = conn.recv(65536)
                if not data:
                    break
                answer += data
            head_part, _sep, body = answer.partition(b"\r\n\r\n")
            length = int(
                next(
                    line for line in head_part.split(b"\r\n") if line.lower().startswith(b"content-length")
                ).split(b":")[1]
            )
            while len(body) < length:
                body += conn.recv(65536)
        self.assertTrue(head_part.startswith(b"HTTP/1.1 413"), head_part[:100])
        self.assertEqual(json.loads(body), {"ok": False, "error": "request body too large"})

    def test_chunked_event_accepted(self):
        body = json.dumps(self.event(call_id="h-chunked")).encode()
        reply = self.post(iter([body[:40], body[40:]]))
        self.assertEqual(reply.status_code, 200, reply.text)
        self.assertTrue(self.env["crm.phonecall"].search([("external_call_id", "=", "h-chunked")]))

    # ------------------------------------------------------------------ malformed input: 4xx, not 500

    def test_malformed_input_is_a_4xx_json_answer(self):
        before = self.calls_count()
        with self.assertLogs(LOGGER, "WARNING") as logs:
            cases = self._malformed_cases()
            for reply, status, message in cases:
                with self.subTest(message=message, status=status):
                    self.assert_refused(reply, status, message)
        self.assertEqual(len(logs.records), len(cases))
        self.assertFalse([r for r in logs.records if r.levelname == "ERROR"], "no internal error")
        self.assertEqual(self.calls_count(), before, "nothing written")

    def _malformed_cases(self):
        return [
            (self.post("[" * 20000 + "]" * 20000), 400, "malformed JSON"),  # too deep for the parser
            (self.post(self.event(talk_seconds=2**31)), 400, "talk_seconds"),  # beyond PostgreSQL's integer
            (
                self.post(self.event(timestamp="9999-12-31T23:59:59-05:00")),
                400,
                "timestamp",
            ),  # past year 9999
            (self.post(self.event(timestamp="0001-01-01T00:00:00+05:00")), 400, "timestamp"),  # before year 1
            (self.post(self.event(call_id="h-\u0000")), 400, "call_id"),  # NUL: PostgreSQL refuses it
            (self.post('{"event": "call_ended", "call_id": "\\ud800"}'), 400, "call_id"),  # lone surrogate
            (self.post(self.event(extension="7\u00000")), 400, "extension"),
            (self.post(self.event(recording_url="http://[::1/r.mp3")), 400, "recording_url"),
            (self.post("call_id=1", content_type="application/x-www-form-urlencoded"), 415, "JSON"),
        ]

    def test_lookup_refuses_odd_numbers(self):
        headers = {"Authorization": f"Bearer {self.token}"}
        with self.assertLogs(LOGGER, "WARNING"):
            long_number = self.url_open("/crm_telephony/v1/lookup?number=" + "1" * 500, headers=headers)
            nul = self.url_open("/crm_telephony/v1/lookup?number=%2B1415%005550101", headers=headers)
        self.assert_refused(long_number, 400, "number")
        self.assert_refused(nul, 400, "number")

    # ------------------------------------------------------------------ Zadarma

    def zadarma_start(self, minutes_ago=1, tz=None, call_id="zh-1", **extra):
        tz = pytz.timezone(tz or self.company.partner_id.tz or "UTC")
        fields = {
            "event": "NOTIFY_START",
            "call_start": (datetime.now(tz) - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%d %H:%M:%S"),
            "pbx_call_id": call_id,
            "caller_id": "14155550101",
            "called_did": "14155550000",
            **extra,
        }
        return fields

    def notify(self, fields, signature=None):
        if signature is None:
            signed = "".join(fields.get(key, "") for key in ("caller_id", "called_did", "call_start"))
            digest = hmac.new(SECRET.encode(), signed.encode(), hashlib.sha1).hexdigest()
            signature = base64.b64encode(digest.encode()).decode()
        return self.url_open(self.zadarma_url, data=fields, headers={"Signature": signature})

    def test_zadarma_non_ascii_signature(self):
        with self.assertLogs(LOGGER, "WARNING"):
            reply = self.notify(self.zadarma_start(), signature="é".encode())
        self.assert_refused(reply, 401, "signature")

    def test_zadarma_replayed_notification_refused(self):
        """A notification signed by Zadarma two days ago, replayed with another call id: its signature is
        valid (the call id is not signed), its call start is outside the PBX's window."""
        before = self.calls_count()
        with self.assertLogs(LOGGER, "WARNING"):
            reply = self.notify(self.zadarma_start(minutes_ago=2 * 24 * 60, call_id="zh-replayed"))
        self.assert_refused(reply, 401, "minutes from now")
        self.assertEqual(self.calls_count(), before)
        self.zadarma.notification_window = 0  # the window is a setting of the PBX (0: no check)
        self.assertEqual(
            self.notify(self.zadarma_start(minutes_ago=2 * 24 * 60, call_id="zh-old")).status_code, 200
        )

    def test_zadarma_end_cannot_claim_more_talk_than_time(self):
        """The duration is not signed: an end notification cannot claim more talk than the time since the
        (signed) call start, nor more than PostgreSQL's integer."""
        before = self.calls_count()
        end = {"event": "NOTIFY_END", "disposition": "answered", "internal": "701"}
        with self.assertLogs(LOGGER, "WARNING"):
            inflated = self.notify(self.zadarma_start(minutes_ago=5, call_id="zh-2", duration="86400", **end))
            huge = self.notify(
                self.zadarma_start(minutes_ago=5, call_id="zh-3", duration="99999999999", **end)
            )
        self.assert_refused(inflated, 400, "duration")
        self.assert_refused(huge, 400, "duration")
        self.assertEqual(self.calls_count(), before)
        honest = self.notify(self.zadarma_start(minutes_ago=5, call_id="zh-4", duration="240", **end))
        self.assertEqual(honest.status_code, 200)

    def test_zadarma_overflowing_call_start(self):
        # the last second of year 9999 in New York is past it in UTC
        self.company.partner_id.tz = "America/New_York"
        fields = dict(self.zadarma_start(call_id="zh-5"), call_start="9999-12-31 23:59:59")
        with self.assertLogs(LOGGER, "WARNING"):
            reply = self.notify(fields)
        self.assert_refused(reply, 400, "call_start")
