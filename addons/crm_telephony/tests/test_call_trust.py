# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import FakePbxServer, setup_telephony

LONG_AGO = datetime(2020, 1, 1, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestCallsSetBySystem(TransactionCase):
    """What the PBX reported and what the jobs keep on a call are refused to users at the model level;
    calls logged by hand stay the user's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.calls = cls.env["crm.phonecall"].with_company(cls.company)
        # Alice's client calls and Bob takes it: the call is on Alice's card, she may write it
        cls.pbx_call = cls._pbx_call("t-1", extension="702")
        cls.calls._cron_pbx_process_queue()

    @classmethod
    def _pbx_call(cls, call_id, **extra):
        event = {
            "event": "call_ended",
            "call_id": call_id,
            "direction": "inbound",
            "from": "+14155550101",
            "to": "+14155550000",
            "extension": None,
            "timestamp": fields.Datetime.now(),
            "talk_seconds": 60,
            "outcome": "answered",
            "recording_url": None,
            "recording_ref": None,
            **extra,
        }
        cls.calls._pbx_process_event(cls.pbx, event)
        return cls.calls.search([("pbx_id", "=", cls.pbx.id), ("external_call_id", "=", call_id)])

    def test_salesperson_cannot_change_what_the_pbx_reported(self):
        call = self.pbx_call.with_user(self.alice)
        self.assertEqual(call.user_id, self.bob)
        self.assertTrue(call.card_logged)
        document = self.env["ir.attachment"].create({"name": "payroll.pdf", "raw": b"secret"})
        activity = self.client.activity_schedule("mail.mail_activity_data_todo", user_id=self.bob.id)
        forged = {
            # what the recording job fetches and stores, and what the retention job deletes
            "recording_url": "http://169.254.169.254/latest/meta-data/",
            "recording_ref": "other-call",
            "recording_state": "pending",
            "recording_next_try": LONG_AGO,
            "recording_attachment_id": document.id,
            # the events job's queue and bookkeeping
            "pbx_end_pending": True,
            "pbx_popup_pending": True,
            "pbx_lead_pending": True,
            "card_logged": False,
            "callback_activity_id": activity.id,
            # what the PBX reported: the inputs of the telephony KPIs
            "pbx_id": False,
            "external_call_id": "forged",
            "outcome": "missed",
            "talk_seconds": 9999,
            "ring_start": LONG_AGO,
            "answer_time": LONG_AGO,
            "end_time": LONG_AGO,
            "remote_e164": "+14155550999",
            # OCA's fields, the PBX's on its calls: reassigning, backdating, cancelling, archiving
            "user_id": self.alice.id,
            "team_id": self.other_team.id,
            "direction": "out",
            "date": LONG_AGO,
            "state": "cancel",
            "duration": 99.0,
            "active": False,
        }
        before = call.sudo().read(list(forged))[0]
        for name, value in forged.items():
            with self.subTest(field=name), self.assertRaisesRegex(AccessError, "set by the system only"):
                call.write({name: value})
        self.env.invalidate_all()
        self.assertEqual(call.sudo().read(list(forged))[0], before, "nothing was written")

    def test_salesperson_cannot_create_a_call_as_the_pbx(self):
        Calls = self.env["crm.phonecall"].with_user(self.alice)
        base = {"name": "Forged", "partner_id": self.client.id, "user_id": self.alice.id}
        for extra in (
            {"pbx_id": self.pbx.id, "external_call_id": "forged-1"},
            {"outcome": "answered", "talk_seconds": 3600},
            {"pbx_end_pending": True},
            {"recording_url": "http://127.0.0.1:8069/web/database/list", "recording_state": "pending"},
        ):
            with self.subTest(extra=extra), self.assertRaises(AccessError):
                Calls.create(dict(base, **extra))
        with self.assertRaises(AccessError):  # through a default of the context
            Calls.with_context(default_pbx_id=self.pbx.id, default_outcome="answered").create(dict(base))
        self.assertFalse(self.env["crm.phonecall"].search([("name", "=", "Forged")]))

    def test_pbx_calls_cannot_be_deleted_by_users(self):
        with self.assertRaisesRegex(AccessError, "made by the system"):
            self.pbx_call.with_user(self.manager).unlink()
        self.assertTrue(self.pbx_call.exists())
        logged = self.env["crm.phonecall"].with_user(self.manager).create({"name": "Logged by hand"})
        logged.unlink()  # a call logged by hand is the users'
        self.assertFalse(logged.exists())

    def test_calls_logged_by_hand_stay_editable(self):
        Calls = self.env["crm.phonecall"].with_user(self.alice)
        call = Calls.create(
            {
                "name": "Called the client back",
                "partner_id": self.client.id,
                "direction": "in",
                "date": datetime(2026, 3, 2, 10, 0),
                "state": "done",
            }
        )
        self.assertEqual(call.user_id, self.alice)
        call.write({"direction": "out", "date": datetime(2026, 3, 3, 10, 0), "state": "open"})
        self.assertEqual((call.direction, call.state), ("out", "open"))
        # a copy of a PBX call made by a user is a call logged by hand, without the PBX's values
        copy = self.pbx_call.with_user(self.bob).copy()
        self.assertFalse(copy.pbx_id or copy.outcome or copy.talk_seconds or copy.remote_e164)
        # OCA's "convert to opportunity" on a held PBX call keeps what the PBX reported
        closed, duration = self.pbx_call.date_closed, self.pbx_call.duration
        self.pbx_call.with_user(self.alice).action_button_convert2opportunity()
        self.assertTrue(self.pbx_call.opportunity_id)
        self.assertEqual((self.pbx_call.date_closed, self.pbx_call.duration), (closed, duration))

    def test_events_job_never_acts_on_another_companys_card(self):
        """A pending call linked to a card of another company: the link is refused, and the events job
        would log the call on the call itself, not on that card."""
        foreign_company = self.env["res.company"].create({"name": "Trust Foreign Co"})
        foreign = self.env["res.partner"].create({"name": "Foreign Client", "company_id": foreign_company.id})
        self.alice.company_ids += foreign_company
        self.company.crm_phone_auto_lead = False
        # an unknown number, taken by Alice: her call, she may write it
        pending = self._pbx_call("t-2", extension="701", **{"from": "+14155550177"})
        self.assertEqual(pending.user_id, self.alice)
        self.assertTrue(pending.pbx_end_pending)
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            pending.with_user(self.alice).write({"partner_id": foreign.id})
        self.calls._cron_pbx_process_queue()
        self.assertFalse(foreign.message_ids.filtered(lambda m: "+14155550177" in (m.body or "")))
        self.assertFalse(foreign.activity_ids)

    def test_retention_deletes_only_the_calls_own_recording(self):
        """Even if a call's recording field held another document (written in superuser mode, e.g. by a
        former version), the retention job deletes only what the recording job stored on the call."""
        document = self.env["ir.attachment"].create(
            {"name": "contract.pdf", "raw": b"%PDF", "res_model": "res.partner", "res_id": self.client.id}
        )
        self.pbx_call.write(
            {"recording_state": "done", "recording_attachment_id": document.id, "date": LONG_AGO}
        )
        self.calls._cron_recording_retention()
        self.assertTrue(document.exists())
        self.assertEqual(self.pbx_call.recording_state, "deleted")

    def test_recording_job_fetches_nothing_a_salesperson_asked_for(self):
        with FakePbxServer({("GET", "/private"): (200, "audio/mpeg", b"internal data")}) as server:
            with self.assertRaises(AccessError):
                self.pbx_call.with_user(self.alice).write(
                    {
                        "recording_url": f"{server.url}/private",
                        "recording_state": "pending",
                        "recording_next_try": LONG_AGO,
                    }
                )
            self.calls._cron_fetch_recordings()
        self.assertFalse(server.requests)
        self.assertFalse(self.pbx_call.recording_attachment_id)


@tagged("post_install", "-at_install")
class TestCronsRunAsTheSystem(TransactionCase):
    """The telephony jobs work in superuser mode whatever user their cron runs as."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.robot = new_test_user(cls.env, login="tel_robot", groups="sales_team.group_sale_manager")

    def test_events_job_as_another_user(self):
        calls = self.env["crm.phonecall"].with_company(self.company)
        calls._pbx_process_event(
            self.pbx,
            {
                "event": "call_ended",
                "call_id": "robot-1",
                "direction": "inbound",
                "from": "+14155550101",
                "to": "+14155550000",
                "extension": "701",
                "timestamp": fields.Datetime.now(),
                "talk_seconds": 0,
                "outcome": "missed",
                "recording_url": None,
                "recording_ref": None,
            },
        )
        call = calls.search([("external_call_id", "=", "robot-1")])
        calls.with_user(self.robot)._cron_pbx_process_queue()
        self.assertTrue(call.card_logged)
        self.assertTrue(call.callback_activity_id)
        self.assertFalse(call.pbx_end_pending)
