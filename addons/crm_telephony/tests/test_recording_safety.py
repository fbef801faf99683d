# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import threading
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models import crm_pbx
from .common import FakePbxServer, setup_telephony

AUDIO = b"ID3-fake-mp3-bytes" * 10


def redirect_to(location):
    def answer(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def unsized(body):
    """An answer without Content-Length: the body ends when the connection closes."""

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "audio/mpeg")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    return answer


@tagged("post_install", "-at_install")
class TestRecordingSafety(TransactionCase):
    """The recording job fetches only what it may: public addresses, or those of the PBX's own network;
    every redirect checked; size and time limited; audio only. Real HTTP to servers on this host."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.calls = cls.env["crm.phonecall"].with_company(cls.company)

    def pending(self, call_id, url):
        self.calls._pbx_process_event(
            self.pbx,
            {
                "event": "call_ended",
                "call_id": call_id,
                "direction": "inbound",
                "from": "+14155550101",
                "to": "+14155550000",
                "extension": "701",
                "timestamp": fields.Datetime.now(),
                "talk_seconds": 40,
                "outcome": "answered",
                "recording_url": url,
                "recording_ref": None,
            },
        )
        call = self.calls.search([("external_call_id", "=", call_id)])
        self.assertEqual(call.recording_state, "pending")
        return call

    def assert_refused(self, call, reason):
        self.assertFalse(call.recording_attachment_id)
        self.assertEqual(call.recording_state, "pending", "retried later, as any failed download")
        self.assertEqual(call.recording_attempts, 1)
        self.assertIn(reason, call.recording_error)

    def test_this_host_refused_for_a_pbx_in_the_cloud(self):
        """A PBX without an API Base URL on a private network: a link to this host (Odoo itself, its
        database, local services) is not fetched."""
        with FakePbxServer({("GET", "/internal"): (200, "audio/mpeg", AUDIO)}) as server:
            call = self.pending("s-1", f"{server.url}/internal")
            self.calls._cron_fetch_recordings()
        self.assertFalse(server.requests)
        self.assert_refused(call, "is not allowed (loopback)")

    def test_private_pbx_allows_its_network_only(self):
        """A PBX whose API is on a private network may give private addresses, not this host's."""
        self.pbx.api_base_url = "http://10.20.30.40:8088"
        with FakePbxServer({("GET", "/r.mp3"): (200, "audio/mpeg", AUDIO)}) as server:
            call = self.pending("s-2", f"{server.url}/r.mp3")
            self.calls._cron_fetch_recordings()
        self.assertFalse(server.requests)
        self.assert_refused(call, "is not allowed (loopback)")

    def test_metadata_service_always_refused(self):
        self.pbx.api_base_url = "http://10.20.30.40:8088"
        call = self.pending("s-3", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
        self.calls._cron_fetch_recordings()
        self.assert_refused(call, "is not allowed (refused)")

    def test_redirects_are_checked_and_limited(self):
        """The PBX on this host is allowed; its redirect to another address class is not followed, and a
        chain of redirects stops after three."""
        with FakePbxServer({("GET", "/secret"): (200, "audio/mpeg", b"internal")}) as target:
            port = target.url.rsplit(":", 1)[1]
            routes = {
                # 0.0.0.0 reaches this host too, but is not the PBX's address class
                ("GET", "/away"): redirect_to(f"http://0.0.0.0:{port}/secret"),
                ("GET", "/loop"): redirect_to("/loop"),
            }
            with FakePbxServer(routes) as server:
                self.pbx.api_base_url = server.url
                away = self.pending("s-4", f"{server.url}/away")
                loop = self.pending("s-5", f"{server.url}/loop")
                self.calls._cron_fetch_recordings()
        self.assertFalse(target.requests, "the redirect target was never contacted")
        self.assert_refused(away, "0.0.0.0")
        self.assert_refused(loop, "more than 3 redirects")
        self.assertEqual(len([r for r in server.requests if r[1] == "/loop"]), 4)

    def test_size_limit_is_a_setting(self):
        self.company.crm_phone_recording_max_mb = 1
        big = b"\0" * (1024 * 1024 + 10)
        routes = {
            ("GET", "/sized.mp3"): (200, "audio/mpeg", big),
            ("GET", "/unsized.mp3"): unsized(big),
            ("GET", "/small.mp3"): unsized(AUDIO),
        }
        with FakePbxServer(routes) as server:
            self.pbx.api_base_url = server.url
            sized = self.pending("s-6", f"{server.url}/sized.mp3")
            streamed = self.pending("s-7", f"{server.url}/unsized.mp3")
            small = self.pending("s-8", f"{server.url}/small.mp3")
            self.calls._cron_fetch_recordings()
        self.assert_refused(sized, "larger than 1048576 bytes")
        self.assert_refused(streamed, "larger than 1048576 bytes")
        self.assertEqual(
            small.recording_attachment_id.raw, AUDIO, "an answer without length is read to its end"
        )

    def test_total_time_limit(self):
        """A body trickling in byte by byte is cut at the deadline (1 s here), not read for minutes."""
        stop = threading.Event()

        def trickle(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "audio/mpeg")
            handler.end_headers()
            for _second in range(100):  # 20 s at most if nobody cuts it
                if stop.wait(0.2):
                    break
                try:
                    handler.wfile.write(b"x")
                    handler.wfile.flush()
                except OSError:
                    break

        with FakePbxServer({("GET", "/slow.mp3"): trickle}) as server:
            self.pbx.api_base_url = server.url
            call = self.pending("s-9", f"{server.url}/slow.mp3")
            with patch.object(crm_pbx, "RECORDING_TIMEOUT", 1):
                self.calls._cron_fetch_recordings()
            stop.set()
        self.assert_refused(call, "took longer than 1 s")

    def test_only_audio_is_stored(self):
        """An HTML answer stored as the call's attachment would be served to the call's readers."""
        page = b"<html><script>alert(document.cookie)</script></html>"
        with FakePbxServer({("GET", "/page"): (200, "text/html", page)}) as server:
            self.pbx.api_base_url = server.url
            call = self.pending("s-10", f"{server.url}/page")
            self.calls._cron_fetch_recordings()
        self.assert_refused(call, "did not answer with audio (text/html)")


@tagged("post_install", "-at_install")
class TestRecordingJobIsolation(TransactionCase):
    """One call whose download fails in an unexpected way is a failed attempt of that call only: the other
    calls of the run are downloaded, and the job does not fail (Odoo disables a cron that keeps failing)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)

    def test_broken_calls_do_not_stop_the_batch(self):
        routes = {
            ("GET", "/v1/pbx/record/request/"): (
                200,
                "application/json",
                json.dumps(["not", "an object"]).encode(),
            ),
            ("GET", "/rec/good.mp3"): (200, "audio/mpeg", AUDIO),
        }
        long_ago = fields.Datetime.now() - timedelta(hours=1)
        with FakePbxServer(routes) as server:
            self.pbx.api_base_url = server.url
            zadarma = self.env["crm.pbx"].create(
                {
                    "name": "Zadarma",
                    "provider": "zadarma",
                    "company_id": self.company.id,
                    "api_base_url": server.url,
                    "api_key": "zd-key",
                    "api_secret": "zd-secret",
                }
            )
            Calls = self.env["crm.phonecall"]
            pending = {"recording_state": "pending", "company_id": self.company.id, "direction": "in"}
            # a call without PBX (an older row, or data imported in superuser mode), first in the queue
            orphan = Calls.create(
                dict(
                    pending,
                    name="Orphan",
                    recording_url=f"{server.url}/rec/good.mp3",
                    recording_next_try=long_ago,
                )
            )
            # Zadarma's API answers something that is not a JSON object
            odd = Calls.create(
                dict(
                    pending,
                    name="Odd answer",
                    pbx_id=zadarma.id,
                    recording_ref="rec-1",
                    recording_next_try=long_ago + timedelta(minutes=1),
                )
            )
            good = Calls.create(
                dict(
                    pending,
                    name="Good",
                    pbx_id=self.pbx.id,
                    recording_url=f"{server.url}/rec/good.mp3",
                    recording_next_try=long_ago + timedelta(minutes=2),
                )
            )
            Calls._cron_fetch_recordings()
        self.assertEqual(good.recording_state, "done")
        self.assertEqual(good.recording_attachment_id.raw, AUDIO)
        self.assertEqual((orphan.recording_state, orphan.recording_attempts), ("pending", 1))
        self.assertIn("no PBX", orphan.recording_error)
        self.assertEqual((odd.recording_state, odd.recording_attempts), ("pending", 1))
        self.assertIn("did not answer correctly", odd.recording_error)
