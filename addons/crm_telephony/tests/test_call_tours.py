# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import fields
from odoo.tests import tagged

from odoo.addons.bus.tests.common import WebsocketCase

from .common import setup_telephony

UNKNOWN = "+14155550199"


@tagged("post_install", "-at_install")
class TestCallTours(WebsocketCase):
    """The telephony flows in a real browser: the PBX posts its events over HTTP, the events job runs, and
    the salesperson whose extension rang acts on the web_notify pop-up, delivered through the bus's
    websocket (Odoo's WebsocketCase opens it in tests, as Discuss's own tours do)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        # the number that rings Alice's own team: the team's rules give her the leads of its callers
        cls.alice_team = cls.env["crm.team"].create({"name": "Alice's Team", "company_id": cls.company.id})
        cls.env["crm.team.member"].create({"crm_team_id": cls.alice_team.id, "user_id": cls.alice.id})
        cls.pbx.route_ids = [(0, 0, {"number": "+1 415 555 0001", "team_id": cls.alice_team.id})]

    def ring(self, call_id, number, dialled="+14155550000"):
        response = self.url_open(
            "/crm_telephony/v1/events",
            data=json.dumps(
                {
                    "event": "call_started",
                    "call_id": call_id,
                    "direction": "inbound",
                    "from": number,
                    "to": dialled,
                    "extension": "701",
                    "timestamp": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            ),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self._wait_remaining_requests()
        # a browser tab that connects replays the bus messages of the last 50 seconds, dated by the
        # transaction's clock: the test transaction started with the class, so give it the time of now
        self.env.cr._now = fields.Datetime.now()
        self.env["crm.phonecall"]._cron_pbx_process_queue()
        self.env.invalidate_all()
        return self.env["crm.phonecall"].search(
            [("pbx_id", "=", self.pbx.id), ("external_call_id", "=", call_id)]
        )

    def test_incoming_call_pops_up_and_opens_the_card(self):
        call = self.ring("tour-known", "+14155550101")
        self.assertEqual(call.partner_id, self.client)
        self.assertEqual(call.user_id, self.alice)
        self.start_tour("/odoo", "crm_telephony_call_popup_tour", login="tel_alice")
        self.assertFalse(call.opportunity_id, "a known client's call makes no lead")

    def test_unknown_caller_becomes_a_lead(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        self.assertFalse(Lead.search([("phone", "=", UNKNOWN)]))
        call = self.ring("tour-unknown", UNKNOWN, dialled="+14155550001")
        lead = Lead.search([("phone", "=", UNKNOWN)])
        self.assertEqual(len(lead), 1)
        self.assertEqual(call.opportunity_id, lead)
        self.assertTrue(call.lead_created)
        self.assertEqual(lead.source_id, self.env.ref("crm_telephony.utm_source_phone"))
        self.assertEqual((lead.team_id, lead.user_id), (self.alice_team, self.alice))
        self.start_tour("/odoo", "crm_telephony_unknown_caller_tour", login="tel_alice")

    def test_new_lead_of_a_colleague_pops_up_without_a_dead_button(self):
        """The team's rules gave the new lead to Bob while Alice took the call: Alice, who may not open
        Bob's lead, is told the number, with no card name and no button that would end on an access error."""
        call = self.ring("tour-colleague", "+14155550198")
        lead = call.opportunity_id
        self.assertEqual((call.user_id, lead.user_id), (self.alice, self.bob))
        self.assertFalse(lead.with_user(self.alice).has_access("read"))
        [popup] = [
            json.loads(message.message)["payload"]
            for message in self.env["bus.bus"].search([("message", "like", "web_notify")])
            if json.loads(message.channel)[2] == self.alice.partner_id.id
        ]
        self.assertEqual(popup["title"], "New lead from +14155550198")
        self.assertEqual(popup["message"], "+14155550198")
        self.assertFalse(popup.get("action"))
