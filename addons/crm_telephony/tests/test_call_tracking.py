# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime

from psycopg2.errors import ForeignKeyViolation

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import setup_telephony

TRACKING_NUMBER = "+14155550777"


@tagged("post_install", "-at_install")
class TestCallTracking(HttpCase):
    """Call tracking: a dialled number of the PBX routing carries a utm source, medium and campaign; the calls
    to that number and the leads they create get them, through the real webhook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.billboard = cls.env["utm.source"].create({"name": "Billboard on the ring road"})
        cls.banner = cls.env.ref("utm.utm_medium_banner")
        cls.campaign = cls.env["utm.campaign"].create({"name": "Autumn billboards"})
        cls.route = cls.env["crm.pbx.route"].create(
            {
                "pbx_id": cls.pbx.id,
                "number": "+1 415 555 0777",
                "team_id": cls.team.id,
                "source_id": cls.billboard.id,
                "medium_id": cls.banner.id,
                "campaign_id": cls.campaign.id,
            }
        )

    def post(self, payload):
        return self.url_open(
            "/crm_telephony/v1/events",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )

    def event(self, kind, call_id, caller, dialled, **extra):
        return {
            "event": kind,
            "call_id": call_id,
            "direction": "inbound",
            "from": caller,
            "to": dialled,
            "timestamp": "2026-03-02T10:00:00Z",
            **extra,
        }

    def call(self, call_id):
        return self.env["crm.phonecall"].search(
            [("pbx_id", "=", self.pbx.id), ("external_call_id", "=", call_id)]
        )

    def run_job(self):
        self._wait_remaining_requests()
        self.env["crm.phonecall"]._cron_pbx_process_queue()
        self.env.invalidate_all()

    def test_unknown_caller_to_tracking_number_gets_attributed_lead(self):
        reply = self.post(self.event("call_started", "t-1", "+1 (415) 555-0188", TRACKING_NUMBER))
        self.assertEqual(reply.status_code, 200, reply.text)
        self.post(
            self.event(
                "call_ended", "t-1", "+14155550188", TRACKING_NUMBER, talk_seconds=40, outcome="answered"
            )
        )
        self.run_job()
        call = self.call("t-1")
        self.assertEqual(call.source_id, self.billboard)
        self.assertEqual(call.medium_id, self.banner)
        self.assertEqual(call.campaign_id, self.campaign)
        self.assertEqual(call.team_id, self.team)
        lead = call.opportunity_id
        self.assertTrue(call.lead_created)
        self.assertEqual(lead.phone, "+14155550188")
        self.assertEqual(lead.source_id, self.billboard, "the advert that published the number")
        self.assertEqual(lead.medium_id, self.banner)
        self.assertEqual(lead.campaign_id, self.campaign)

    def test_untracked_number_keeps_the_phone_source(self):
        self.post(self.event("call_started", "t-2", "+14155550189", "+14155550000"))
        self.run_job()
        call = self.call("t-2")
        self.assertFalse(call.source_id or call.medium_id or call.campaign_id)
        self.assertEqual(call.opportunity_id.source_id, self.env.ref("crm_telephony.utm_source_phone"))
        self.assertEqual(call.opportunity_id.medium_id, self.env.ref("utm.utm_medium_phone"))
        self.assertFalse(call.opportunity_id.campaign_id)

    def test_known_client_call_is_attributed_card_untouched(self):
        """A client who calls the tracking number: the call is the advert's; the client's card and deals keep
        their own origin (first touch)."""
        lead = self.env["crm.lead"].create(
            {
                "name": "Existing deal",
                "partner_id": self.client.id,
                "type": "opportunity",
                "team_id": self.team.id,
            }
        )
        self.post(self.event("call_started", "t-3", "+14155550101", TRACKING_NUMBER))
        self.run_job()
        call = self.call("t-3")
        self.assertEqual(call.source_id, self.billboard)
        self.assertEqual(call.opportunity_id, lead)
        self.assertFalse(lead.source_id)
        self.assertFalse(call.lead_created)

    def test_outbound_calls_from_the_number_are_not_attributed(self):
        self.post(
            {
                "event": "call_started",
                "call_id": "t-4",
                "direction": "outbound",
                "from": TRACKING_NUMBER,
                "to": "+14155550190",
                "extension": "701",
                "timestamp": "2026-03-02T10:00:00Z",
            }
        )
        self._wait_remaining_requests()
        self.assertFalse(self.call("t-4").source_id)

    def test_route_change_applies_to_the_next_call(self):
        """The intake reads the routing from its cache: a change of the route clears it."""
        radio = self.env["utm.source"].create({"name": "Radio spot"})
        self.route.source_id = radio
        self.post(self.event("call_started", "t-5", "+14155550191", TRACKING_NUMBER))
        self._wait_remaining_requests()
        self.assertEqual(self.call("t-5").source_id, radio)

    def test_attribution_is_the_pbx_s(self):
        """A salesperson cannot re-attribute a PBX call to another source; a source used by a tracking number
        cannot be deleted."""
        self.post(self.event("call_started", "t-6", "+14155550192", TRACKING_NUMBER, extension="701"))
        self._wait_remaining_requests()
        call = self.call("t-6")
        other = self.env["utm.source"].create({"name": "Other"})
        with self.assertRaises(AccessError):
            call.with_user(self.alice).write({"source_id": other.id})
        with self.assertRaises(AccessError):
            call.with_user(self.manager).write({"campaign_id": False})
        with self.assertRaises(ForeignKeyViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.billboard.unlink()


@tagged("post_install", "-at_install")
class TestCallTrackingCost(TransactionCase):
    """Call tracking costs the webhook no query: the utm of a number comes with the cached routing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.env["crm.pbx.route"].create(
            {
                "pbx_id": cls.pbx.id,
                "number": "+1 415 555 0777",
                "team_id": cls.team.id,
                "source_id": cls.env["utm.source"].create({"name": "Tracked"}).id,
            }
        )

    def _statements(self, call_id, dialled):
        intake = self.env["crm.phonecall"].sudo()
        event = {
            "event": "call_started",
            "call_id": call_id,
            "direction": "inbound",
            "from": "+14155550199",
            "to": dialled,
            "timestamp": datetime(2026, 3, 2, 10, 0),
        }
        self.pbx._pbx_intake_config()  # warm the cache, as every request after the first finds it
        before = self.env.cr.sql_log_count
        intake._pbx_process_event(self.pbx, dict(event))
        return self.env.cr.sql_log_count - before

    def test_same_number_of_statements_with_and_without_tracking(self):
        self._statements("q-0", "+14155550000")  # the first event of the worker (job id look-ups...)
        untracked = self._statements("q-1", "+14155550000")
        tracked = self._statements("q-2", TRACKING_NUMBER)
        self.assertEqual(tracked, untracked)
        calls = self.env["crm.phonecall"].search([("external_call_id", "in", ["q-1", "q-2"])], order="id")
        self.assertEqual([bool(c.source_id) for c in calls], [False, True])
