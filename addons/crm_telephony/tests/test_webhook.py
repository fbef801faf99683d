# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from unittest.mock import patch

import pytz

from odoo import fields, sql_db
from odoo.tests import HttpCase, tagged

from .common import setup_telephony

LOGGER = "odoo.addons.crm_telephony.controllers.main"


@tagged("post_install", "-at_install")
class TestGenericWebhook(HttpCase):
    """The generic JSON webhook through the real test server: calls, cards, leads, callbacks, errors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)

    def post(self, payload, token=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if token is not False:
            headers["Authorization"] = f"Bearer {token or self.token}"
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open("/crm_telephony/v1/events", data=data, headers=headers)

    def event(self, kind, call_id, **extra):
        payload = {
            "event": kind,
            "call_id": call_id,
            "direction": "inbound",
            "from": "+1 (415) 555-0101",
            "to": "+14155550000",
            "timestamp": "2026-03-02T10:00:00Z",
        }
        payload.update(extra)
        return payload

    def calls(self, call_id):
        return self.env["crm.phonecall"].search(
            [("pbx_id", "=", self.pbx.id), ("external_call_id", "=", call_id)]
        )

    def run_job(self):
        """Run the "PBX events" job as its cron does (the webhook only flags the work), once the
        server threads have released the shared test cursor."""
        self._wait_remaining_requests()
        self.env["crm.phonecall"]._cron_pbx_process_queue()
        self.env.invalidate_all()

    def notes(self, record, call):
        """Chatter lines of ``record`` logged for ``call`` (they quote the client number)."""
        return record.message_ids.filtered(lambda m: call.remote_e164 in (m.body or ""))

    def pbx_lines(self, record):
        """The PBX's chatter lines on ``record`` (logged by OdooBot, quoting the client number)."""
        root = self.env.ref("base.partner_root")
        return record.message_ids.filtered(
            lambda m: m.author_id == root and "call +14155550101" in (m.body or "")
        )

    def test_known_caller_full_call(self):
        """started/answered/ended give one answered call on the client's card, one chatter line, a pop-up."""
        bus_before = self.env["bus.bus"].search_count([])
        reply = self.post(self.event("call_started", "c-1", extension="701"))
        self.assertEqual(reply.status_code, 200)
        self.run_job()  # the pop-up, while the phone rings
        data = reply.json()
        self.assertTrue(data["ok"])
        self.assertEqual(data["match"]["model"], "res.partner")
        self.assertEqual(data["match"]["id"], self.client.id)
        self.assertEqual(data["match"]["user_id"], self.alice.id)
        self.assertEqual(data["match"]["user_extension"], "701")
        self.assertFalse(data["match"]["created"])
        self.assertTrue(data["match"]["url"].endswith(f"/odoo/res.partner/{self.client.id}"))
        self.post(self.event("call_answered", "c-1", timestamp="2026-03-02T10:00:12Z", extension="701"))
        self.post(
            self.event(
                "call_ended", "c-1", timestamp="2026-03-02T10:03:12Z", talk_seconds=180, outcome="answered"
            )
        )
        self.run_job()
        call = self.calls("c-1")
        self.assertEqual(len(call), 1)
        self.assertEqual(data["call_id"], call.id)
        self.assertEqual(call.partner_id, self.client)
        self.assertEqual(call.user_id, self.alice)
        self.assertEqual(call.direction, "in")
        self.assertEqual(call.outcome, "answered")
        self.assertEqual(call.state, "done")
        self.assertEqual(call.remote_e164, "+14155550101")
        self.assertEqual(call.caller_number, "+1 (415) 555-0101")
        self.assertEqual(call.dialled_e164, "+14155550000")
        self.assertEqual(call.team_id, self.team)
        self.assertEqual(call.ring_seconds, 12)
        self.assertEqual(call.talk_seconds, 180)
        self.assertAlmostEqual(call.duration, 3.0)
        self.assertEqual(len(self.notes(self.client, call)), 1)
        popups = self.env["bus.bus"].search([("message", "like", "web_notify")], order="id desc")
        self.assertGreater(self.env["bus.bus"].search_count([]), bus_before)
        popup = json.loads(popups[0].message)["payload"]
        self.assertEqual(popup["action"]["res_model"], "res.partner")
        self.assertEqual(popup["action"]["res_id"], self.client.id)
        self.assertIn(self.alice.partner_id.id, [json.loads(m.channel)[2] for m in popups[:1]])

    def test_same_event_twice(self):
        """A repeated delivery changes nothing: one call, one chatter line."""
        payload = self.event("call_ended", "c-2", talk_seconds=30, outcome="answered")
        first = self.post(payload).json()
        self.run_job()
        second = self.post(payload).json()
        self.run_job()
        self.assertEqual(first["call_id"], second["call_id"])
        call = self.calls("c-2")
        self.assertEqual(len(call), 1)
        self.assertEqual(len(self.notes(self.client, call)), 1)

    def test_twenty_parallel_deliveries(self):
        """20 concurrent deliveries of one event give one call and one chatter line.

        HttpCase serialises requests through the test cursor; true database parallelism is
        proven by bench/webhook_bench.py against a server with workers (docs/benchmarks.md)."""
        payload = self.event("call_ended", "c-3", talk_seconds=10, outcome="answered")
        # url_open flushes the test cursor first; do it once here, not from 20 client threads at once
        # (a pending tracking message was then finalised by several threads together)
        self.env.cr.flush()
        with ThreadPoolExecutor(max_workers=20) as pool:
            replies = list(pool.map(lambda _i: self.post(payload), range(20)))
        self.run_job()
        self.assertEqual({r.status_code for r in replies}, {200})
        self.assertEqual(len({r.json()["call_id"] for r in replies}), 1)
        call = self.calls("c-3")
        self.assertEqual(len(call), 1)
        self.assertEqual(len(self.notes(self.client, call)), 1)

    def test_out_of_order_events_converge(self):
        """ended, then answered, then started: same record, final state kept, times merged."""
        self.post(
            self.event(
                "call_ended", "c-4", timestamp="2026-03-02T10:05:00Z", talk_seconds=200, outcome="answered"
            )
        )
        self.post(self.event("call_answered", "c-4", timestamp="2026-03-02T10:01:40Z", extension="701"))
        self.post(self.event("call_started", "c-4", timestamp="2026-03-02T10:01:30Z"))
        self.run_job()
        call = self.calls("c-4")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "done")
        self.assertEqual(call.outcome, "answered")
        self.assertEqual(call.talk_seconds, 200)
        self.assertEqual(str(call.ring_start), "2026-03-02 10:01:30")
        self.assertEqual(str(call.answer_time), "2026-03-02 10:01:40")
        self.assertEqual(str(call.end_time), "2026-03-02 10:05:00")
        self.assertEqual(call.ring_seconds, 10)
        self.assertEqual(len(self.notes(self.client, call)), 1)

    def test_unknown_caller_creates_routed_lead(self):
        """An unknown number gets a lead, made by the job right after the first event: source Phone,
        team of the dialled number, assigned by the team, a pop-up for its salesperson; the next
        events of the call and the next calls of that number find it."""
        payload = self.event("call_started", "c-5", **{"from": "+1 415 555 0177"})
        leads_before = self.env["crm.lead"].search_count([])
        first = self.post(payload).json()
        self.assertIsNone(first["match"], "no card yet: the lead is not created inside the request")
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)
        self.assertTrue(self.calls("c-5").pbx_lead_pending)
        self.run_job()
        call = self.calls("c-5")
        lead = call.opportunity_id
        self.assertTrue(lead)
        self.assertTrue(call.lead_created)
        self.assertEqual(lead.phone, "+14155550177")
        self.assertEqual(lead.source_id, self.env.ref("crm_telephony.utm_source_phone"))
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.user_id, self.bob, "the only member of the team's assignment gets the lead")
        self.assertEqual(call.user_id, self.bob)
        popup = self.env["bus.bus"].search([("message", "like", "web_notify")], order="id desc", limit=1)
        self.assertEqual(json.loads(popup.message)["payload"]["action"]["res_id"], lead.id)
        self.assertEqual(json.loads(popup.channel)[2], self.bob.partner_id.id)
        ended = self.post(self.event("call_ended", "c-5", talk_seconds=20, outcome="answered")).json()
        self.assertEqual(ended["match"]["id"], lead.id)
        self.assertTrue(ended["match"]["created"])
        self.assertEqual(ended["match"]["user_extension"], "702")
        again = self.post(self.event("call_started", "c-6", **{"from": "+1 415 555 0177"})).json()
        self.assertEqual(again["match"]["id"], lead.id, "the open lead is found on the next call")
        self.assertFalse(again["match"]["created"])
        self.run_job()
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before + 1)

    def test_unknown_callers_lead_gets_first_contact_activity_and_answer_is_its_first_contact(self):
        """The lead made by the job gets the First Contact activity of every new lead (crm_custom); the
        answered call is that lead's first contact, a missed one is not."""
        fc_type = self.env.ref("crm_custom.mail_activity_type_first_contact")
        self.post(self.event("call_started", "c-40", **{"from": "+1 415 555 0144"}))
        self.run_job()
        lead = self.calls("c-40").opportunity_id
        self.assertEqual(lead.activity_ids.activity_type_id, fc_type)
        self.assertEqual(lead.activity_ids.user_id, self.bob)
        self.post(
            self.event("call_ended", "c-40", talk_seconds=0, outcome="missed", **{"from": "+1 415 555 0144"})
        )
        self.run_job()
        self.assertFalse(lead.first_contact_date, "a missed call is no contact")
        answered = {"from": "+1 415 555 0144", "timestamp": "2026-03-02T11:00:00Z"}
        self.post(self.event("call_answered", "c-41", extension="702", **answered))
        self.post(self.event("call_ended", "c-41", talk_seconds=60, outcome="answered", **answered))
        self.run_job()
        self.assertEqual(self.calls("c-41").opportunity_id, lead)
        self.assertTrue(lead.first_contact_date)
        self.assertFalse(lead.activity_ids.filtered(lambda a: a.activity_type_id == fc_type), "done")

    def test_call_logged_by_hand_is_the_first_contact(self):
        lead = self.env["crm.lead"].create({"name": "Fair visitor", "user_id": self.alice.id})
        self.assertTrue(lead.first_contact_deadline)
        self.env["crm.phonecall"].with_user(self.alice).create(
            {"name": "Called back", "opportunity_id": lead.id, "state": "done", "user_id": self.alice.id}
        )
        self.assertTrue(lead.first_contact_date)

    def test_two_calls_of_one_unknown_number_make_one_lead(self):
        """Two calls of a new number queued before the job runs: one lead, both calls on it."""
        leads_before = self.env["crm.lead"].search_count([])
        self.post(self.event("call_started", "c-13", **{"from": "+1 415 555 0166"}))
        self.post(self.event("call_started", "c-14", **{"from": "+1 415 555 0166"}))
        self.run_job()
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before + 1)
        self.assertEqual(self.calls("c-13").opportunity_id, self.calls("c-14").opportunity_id)
        self.assertTrue(self.calls("c-13").lead_created)
        self.assertFalse(self.calls("c-14").lead_created)

    def test_unknown_caller_without_auto_lead(self):
        self.company.crm_phone_auto_lead = False
        leads_before = self.env["crm.lead"].search_count([])
        reply = self.post(self.event("call_started", "c-7", **{"from": "+1 415 555 0178"})).json()
        self.assertIsNone(reply["match"])
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)

    def test_setting_changes_apply_to_the_next_event(self):
        """The webhook keeps the PBX configuration in a per-worker cache: a new extension, an archived
        user and the auto-lead setting changed after a first call apply to the very next event."""
        # a number on no card, so the call's user can only come from the extension
        answered = {"timestamp": "2026-03-02T10:00:05Z", "extension": "703", "from": "+1 415 555 0192"}
        self.post(self.event("call_answered", "c-30", **answered))
        self.assertFalse(self.calls("c-30").user_id, "nobody has extension 703 yet")
        self.bob.pbx_extension = "703"
        self.post(self.event("call_answered", "c-31", **answered))
        self.assertEqual(self.calls("c-31").user_id, self.bob)
        self.bob.active = False
        self.post(self.event("call_answered", "c-32", **answered))
        self.assertFalse(self.calls("c-32").user_id, "an archived user takes no call")
        self.company.crm_phone_auto_lead = False
        self.post(self.event("call_started", "c-33", **{"from": "+1 415 555 0191"}))
        self.run_job()
        self.assertFalse(self.calls("c-33").opportunity_id)
        self.assertFalse(self.env["crm.lead"].search([("phone_sanitized", "=", "+14155550191")]))

    def test_missed_call_then_answered_call(self):
        """A missed inbound call asks the card's user to call back today (in that user's timezone);
        an answered call closes it."""
        self.alice.tz = "Pacific/Kiritimati"  # UTC+14: most of the day, not the server's date
        activity_type = self.env.ref("crm_telephony.mail_activity_type_call_back")
        self.post(self.event("call_ended", "c-8", talk_seconds=0, outcome="no_answer"))
        self.run_job()
        activity = self.client.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.alice)
        self.assertEqual(activity.date_deadline, datetime.now(pytz.timezone("Pacific/Kiritimati")).date())
        self.post(
            self.event(
                "call_ended",
                "c-9",
                direction="outbound",
                talk_seconds=60,
                outcome="answered",
                **{"from": "+14155550000", "to": "+14155550101"},
            )
        )
        self.run_job()
        self.assertFalse(activity.exists(), "the call back is done")
        self.assertFalse(self.client.activity_ids.filtered(lambda a: a.activity_type_id == activity_type))

    def test_calls_of_one_card_in_one_job_run(self):
        """The job takes calls by batches: calls of the same client processed together still get one
        chatter line each, and an answered call closes only the call backs of calls missed before it."""
        activity_type = self.env.ref("crm_telephony.mail_activity_type_call_back")
        self.post(self.event("call_ended", "c-30", talk_seconds=0, outcome="missed"))
        later, latest = "2026-03-02T10:05:00Z", "2026-03-02T10:10:00Z"
        self.post(self.event("call_ended", "c-31", talk_seconds=42, outcome="answered", timestamp=later))
        self.post(self.event("call_ended", "c-32", talk_seconds=0, outcome="no_answer", timestamp=latest))
        self.run_job()
        missed_before, answered, missed_after = self.calls("c-30"), self.calls("c-31"), self.calls("c-32")
        self.assertFalse((missed_before | answered | missed_after).filtered("pbx_end_pending"))
        lines = self.pbx_lines(self.client)
        self.assertEqual(len(lines), 3, "one chatter line per call")
        for label in ("Missed, 0 s", "Answered, 42 s", "No Answer, 0 s"):
            self.assertEqual(len(lines.filtered(lambda m, label=label: label in m.body)), 1, label)
        self.assertFalse(missed_before.callback_activity_id, "called back by the later answered call")
        callbacks = self.client.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(callbacks, missed_after.callback_activity_id, "missed after it: still to call back")
        self.assertEqual(callbacks.user_id, self.alice)
        done = self.client.message_ids.filtered(lambda m: m.mail_activity_type_id == activity_type)
        self.assertEqual(len(done), 1, "the closed call back is logged as done")
        self.assertIn(answered.display_name, done.body)

    def test_two_missed_calls_of_one_card_in_one_batch(self):
        """Two missed calls of one client scheduled together: a call back each, for the client's user,
        in one pass (Odoo's follower insert would otherwise meet the same record twice)."""
        activity_type = self.env.ref("crm_telephony.mail_activity_type_call_back")
        self.post(self.event("call_ended", "c-50", talk_seconds=0, outcome="missed"))
        self.post(self.event("call_ended", "c-51", talk_seconds=0, outcome="no_answer"))
        calls = self.calls("c-50") | self.calls("c-51")
        self.assertFalse(calls.callback_activity_id)
        self.client.message_unsubscribe(partner_ids=self.alice.partner_id.ids)  # not a follower yet
        calls._pbx_schedule_callback()
        callbacks = calls.callback_activity_id
        self.assertEqual(len(callbacks), 2, "one call back per missed call")
        self.assertEqual(callbacks.user_id, self.alice)
        self.assertEqual(
            self.client.activity_ids.filtered(lambda a: a.activity_type_id == activity_type), callbacks
        )
        followers = self.client.message_follower_ids.filtered(lambda f: f.partner_id == self.alice.partner_id)
        self.assertEqual(len(followers), 1)

    def test_a_call_that_fails_does_not_hold_back_its_batch(self):
        """A call whose processing raises is logged and dropped from the queue; the other calls of the
        same job run are processed normally."""
        self.post(self.event("call_ended", "c-40", talk_seconds=5, outcome="answered"))
        self.post(self.event("call_ended", "c-41", talk_seconds=7, outcome="answered"))
        self.post(self.event("call_ended", "c-42", talk_seconds=0, outcome="missed"))
        poisoned = self.calls("c-41")
        log_body = type(poisoned)._pbx_log_body

        def failing_log_body(call, env, outcomes):
            if call == poisoned:
                raise ValueError("broken call")
            return log_body(call, env, outcomes)

        self._wait_remaining_requests()
        with (
            patch.object(type(poisoned), "_pbx_log_body", failing_log_body),
            self.assertLogs("odoo.addons.crm_telephony.models.crm_phonecall_events_job", "ERROR") as logs,
        ):
            self.run_job()
        self.assertIn(f"call {poisoned.id} could not be processed", logs.output[0])
        self.assertEqual(len(logs.output), 1)
        lines = self.pbx_lines(self.client)
        self.assertEqual(len(lines), 2, "the other two calls logged, once each")
        self.assertTrue(lines.filtered(lambda m: "Answered, 5 s" in m.body))
        self.assertTrue(lines.filtered(lambda m: "Missed, 0 s" in m.body))
        self.assertTrue(self.calls("c-42").callback_activity_id)
        self.assertFalse(poisoned.card_logged)
        self.assertFalse(
            (self.calls("c-40") | poisoned | self.calls("c-42")).filtered("pbx_end_pending"), "queue empty"
        )

    def test_missed_call_without_user_goes_to_team_leader(self):
        lead = self.env["crm.lead"].create(
            {"name": "No owner", "phone": "+1 415 555 0150", "user_id": False, "team_id": self.team.id}
        )
        self.post(self.event("call_ended", "c-10", outcome="missed", **{"from": "+14155550150"}))
        self.run_job()
        activity = lead.activity_ids
        self.assertEqual(
            activity.activity_type_id, self.env.ref("crm_telephony.mail_activity_type_call_back")
        )
        self.assertEqual(activity.user_id, self.leader)

    def test_side_effects_run_in_the_job_once(self):
        """The reply does not wait for the chatter line: the event flags it and wakes the job,
        the job writes it once, a second run and a repeated delivery add nothing."""
        cron = self.env.ref("crm_telephony.ir_cron_pbx_queue")
        triggers_before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        reply = self.post(self.event("call_ended", "c-11", talk_seconds=5, outcome="answered"))
        self.assertEqual(reply.status_code, 200)
        call = self.calls("c-11")
        self.assertTrue(call.pbx_end_pending)
        self.assertFalse(call.card_logged)
        self.assertFalse(self.notes(self.client, call), "no chatter line inside the request")
        self.assertGreater(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers_before
        )
        self.run_job()
        self.assertFalse(call.pbx_end_pending)
        self.assertTrue(call.card_logged)
        self.assertEqual(len(self.notes(self.client, call)), 1)
        self.run_job()
        self.post(self.event("call_ended", "c-11", talk_seconds=5, outcome="answered"))
        self.run_job()
        self.assertFalse(call.pbx_end_pending, "a repeated delivery leaves no work")
        self.assertEqual(len(self.notes(self.client, call)), 1)

    def test_repeated_delivery_of_a_pending_call_wakes_the_job(self):
        """A job run that skipped the call (locked by a delivery in progress) deletes the triggers it
        saw when it ends; the delivery, though it changes nothing, wakes the job again."""
        cron = self.env.ref("crm_telephony.ir_cron_pbx_queue")
        ended = self.event("call_ended", "c-15", talk_seconds=5, outcome="answered")
        self.post(ended)
        self._wait_remaining_requests()
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        self.post(ended)
        self._wait_remaining_requests()
        self.assertTrue(self.calls("c-15").pbx_end_pending)
        self.assertTrue(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]))
        self.run_job()
        self.assertEqual(len(self.notes(self.client, self.calls("c-15"))), 1)

    def _cron_notifications(self, listener):
        time.sleep(0.2)
        listener._cnx.poll()
        payloads = [n.payload for n in listener._cnx.notifies]
        listener._cnx.notifies.clear()
        return payloads

    def test_job_run_leaving_triggers_wakes_the_cron_workers_again(self):
        """Triggers added during a run outlive it (Odoo deletes only older ones): the run then asks the
        cron workers, listening on the postgres database, to look for ready jobs again at once."""
        cron = self.env.ref("crm_telephony.ir_cron_pbx_queue")
        queue = self.env["crm.phonecall"].with_context(cron_id=cron.id)
        listener = sql_db.db_connect("postgres").cursor()
        try:
            listener.execute("LISTEN cron_trigger")
            listener.commit()
            self.env.cr.postcommit.clear()
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
            queue._pbx_rewake_after_run()
            self.env.cr.postcommit.run()
            self.assertNotIn(self.env.cr.dbname, self._cron_notifications(listener), "no trigger left")
            self.env["ir.cron.trigger"].create({"cron_id": cron.id, "call_at": fields.Datetime.now()})
            queue._pbx_rewake_after_run()
            self.env.cr.postcommit.run()
            self.assertIn(self.env.cr.dbname, self._cron_notifications(listener))
        finally:
            listener.close()

    def test_popup_skipped_when_the_call_ended_before_the_job(self):
        """A pop-up still pending when the call has already ended is not shown."""
        bus_before = self.env["bus.bus"].search_count([("message", "like", "web_notify")])
        self.post(self.event("call_started", "c-12", extension="701"))
        self.post(self.event("call_ended", "c-12", talk_seconds=0, outcome="missed"))
        self.run_job()
        self.assertEqual(self.env["bus.bus"].search_count([("message", "like", "web_notify")]), bus_before)
        self.assertTrue(self.calls("c-12").callback_activity_id, "the missed call still asks for a call back")

    def test_lookup(self):
        headers = {"Authorization": f"Bearer {self.token}"}
        reply = self.url_open("/crm_telephony/v1/lookup?number=%2B14155550101", headers=headers)
        self.assertEqual(reply.status_code, 200)
        self.assertEqual(reply.json()["id"], self.client.id)
        with self.assertLogs(LOGGER, "WARNING"):
            self.assertEqual(
                self.url_open("/crm_telephony/v1/lookup?number=abc", headers=headers).status_code, 400
            )
            self.assertEqual(
                self.url_open("/crm_telephony/v1/lookup?number=%2B14155550101", headers={}).status_code, 401
            )
        self.assertEqual(
            self.url_open("/crm_telephony/v1/lookup?number=%2B14155559999", headers=headers).status_code, 404
        )

    def assert_refused(self, reply, status, message_part):
        self.assertEqual(reply.status_code, status)
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        body = reply.json()
        self.assertFalse(body["ok"])
        self.assertIn(message_part, body["error"])
        self.assertNotIn("Traceback", reply.text)

    def test_bad_requests_write_nothing(self):
        """Each bad request: its 4xx JSON error, a warning logged, no call and no lead written."""
        calls_before = self.env["crm.phonecall"].search_count([])
        leads_before = self.env["crm.lead"].search_count([])
        good = self.event("call_started", "bad-1", **{"from": "+1 415 555 0199"})
        with self.assertLogs(LOGGER, "WARNING") as logs:
            cases = self._bad_cases(good)
            for reply, status, message in cases:
                with self.subTest(message=message):
                    self.assert_refused(reply, status, message)
        self.assertEqual(self.env["crm.phonecall"].search_count([]), calls_before)
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)
        self.assertEqual(len(logs.records), len(cases))

    def _bad_cases(self, good):
        return [
            (self.post(None, raw="{not json"), 400, "malformed JSON"),
            (self.post(None, raw="[1, 2]"), 400, "JSON object"),
            (self.post({k: v for k, v in good.items() if k != "call_id"}), 400, "call_id"),
            (self.post(dict(good, **{"from": "not a number"})), 400, "Unparseable"),
            (self.post(dict(good, event="call_exploded")), 400, "unknown event"),
            (self.post(dict(good, timestamp="yesterday")), 400, "ISO 8601"),
            (self.post(dict(good, talk_seconds=-3)), 400, "talk_seconds"),
            (self.post(dict(good, outcome="great")), 400, "outcome"),
            (self.post(dict(good, direction="sideways")), 400, "direction"),
            (self.post(good, token="wrong-token"), 401, "token"),
            (self.post(good, token=False), 401, "token"),
            (self.post(None, raw=json.dumps(dict(good, pad="x" * 70000))), 413, "too large"),
            (
                self.post(
                    {
                        "event": "recording_ready",
                        "call_id": "nope",
                        "timestamp": "2026-03-02T10:00:00Z",
                        "recording_url": "http://127.0.0.1:9/r.mp3",
                    }
                ),
                404,
                "Unknown call",
            ),
        ]
