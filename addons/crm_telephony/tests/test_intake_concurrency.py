# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name


@tagged("post_install", "-at_install")
class TestIntakeWaitsForTheJob(BaseCase):
    """The webhook's intake against a call row held by the PBX events job, on real connections and
    committed data (what the test cursor of HttpCase cannot show: it serialises every request)."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            us = env.ref("base.us")
            pbx = env["crm.pbx"].create({"name": "Concurrency PBX", "default_country_id": us.id})
            self.pbx_id = pbx.id
            self.call_id = (
                env["crm.phonecall"]
                .create(
                    {
                        "name": "Held call",
                        "pbx_id": pbx.id,
                        "company_id": pbx.company_id.id,
                        "external_call_id": "held-1",
                        "direction": "in",
                        "caller_number": "+14155550177",
                        "remote_e164": "+14155550177",
                        "date": datetime(2026, 3, 2, 10, 0),
                        "ring_start": datetime(2026, 3, 2, 10, 0),
                        "pbx_popup_pending": True,
                    }
                )
                .id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM crm_phonecall WHERE pbx_id = %s", (self.pbx_id,))
            cr.execute("DELETE FROM crm_pbx WHERE id = %s", (self.pbx_id,))

    def test_event_waits_for_the_job_and_merges_into_its_result(self):
        ended = {
            "event": "call_ended",
            "call_id": "held-1",
            "direction": "inbound",
            "from": "+14155550177",
            "to": "+14155550000",
            "extension": "",
            "timestamp": datetime(2026, 3, 2, 10, 0, 30),
            "talk_seconds": 0,
            "outcome": "missed",
            "recording_url": "",
            "recording_ref": "",
        }
        outcome = {}

        # the request's cursor and environment, made here (the registry lock is held by the test runner)
        request_cr = self.registry.cursor()
        request_env = api.Environment(request_cr, SUPERUSER_ID, {})

        def deliver():
            try:
                with request_cr:
                    request_cr.execute("SELECT 1")  # Odoo's request has read before (snapshot taken)
                    pbx = request_env["crm.pbx"].browse(self.pbx_id)
                    outcome["reply"] = request_env["crm.phonecall"]._pbx_process_event(pbx, ended)
            except Exception as error:  # noqa: BLE001 - reported to the test thread
                outcome["error"] = error

        with self.registry.cursor() as job_cr:
            # the job holds the call (popup being shown) and changes it
            job_cr.execute("SELECT id FROM crm_phonecall WHERE id = %s FOR UPDATE", (self.call_id,))
            job_cr.execute(
                "UPDATE crm_phonecall SET pbx_popup_pending = FALSE, card_logged = TRUE WHERE id = %s",
                (self.call_id,),
            )
            webhook = threading.Thread(target=deliver)
            webhook.start()
            webhook.join(1.0)
            self.assertTrue(webhook.is_alive(), "the event waits for the job's lock")
        # the job committed (end of the with block)
        webhook.join(10)
        self.assertFalse(webhook.is_alive())
        self.assertNotIn("error", outcome, "no serialization failure, no replay of the request")
        self.assertTrue(outcome["reply"]["ok"])
        self.assertEqual(outcome["reply"]["call_id"], self.call_id)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT outcome, end_time, pbx_popup_pending, pbx_end_pending, card_logged "
                "FROM crm_phonecall WHERE id = %s",
                (self.call_id,),
            )
            self.assertEqual(
                cr.fetchone(),
                ("missed", datetime(2026, 3, 2, 10, 0, 30), False, True, True),
                "the event merged into the job's committed state",
            )
