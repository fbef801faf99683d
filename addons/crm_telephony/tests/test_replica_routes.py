# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import setup_telephony

LOOKUP = "/crm_telephony/v1/lookup"


@tagged("post_install", "-at_install")
class TestReplicaRoutes(HttpCase):
    """Which PBX routes Odoo may serve from a read replica (``db_replica_host``, docs/scaling.md).

    The look-up only reads: it is a ``readonly`` route. The test server serves such a route in a READ ONLY
    transaction, as a replica would: a write there fails, and Odoo retries the request on the primary
    with a WARNING from ``odoo.http`` ("retrying with a read/write cursor"). The webhooks write: they stay
    read/write, or each event would first fail on the replica."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)

    def routing(self, path):
        rules = [rule for rule in self.env["ir.http"].routing_map().iter_rules() if rule.rule == path]
        self.assertEqual(len(rules), 1, path)
        return rules[0].endpoint.routing

    def test_lookup_is_readonly_and_the_webhooks_are_not(self):
        self.assertIs(self.routing(LOOKUP)["readonly"], True)
        for path in ("/crm_telephony/v1/events", "/crm_telephony/v1/zadarma/<int:pbx_id>"):
            self.assertIs(self.routing(path)["readonly"], False, path)

    def test_lookup_answers_from_a_read_only_transaction(self):
        """Every answer of the look-up (card found, no card, bad number, bad token) comes from the read-only
        transaction itself: no retry on the primary, and nothing written (an unknown number gets no lead,
        unlike a call's first event)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        leads = self.env["crm.lead"].search_count([])
        calls = self.env["crm.phonecall"].search_count([])
        with self.assertNoLogs("odoo.http", "WARNING"):
            found = self.url_open(f"{LOOKUP}?number=%2B14155550101", headers=headers)
            unknown = self.url_open(f"{LOOKUP}?number=%2B14155559876", headers=headers)
            with self.assertLogs("odoo.addons.crm_telephony.controllers.main", "WARNING"):
                bad_number = self.url_open(f"{LOOKUP}?number=abc", headers=headers)
                bad_token = self.url_open(f"{LOOKUP}?number=%2B14155550101", headers={})
        self.assertEqual(found.status_code, 200)
        self.assertEqual(found.json()["id"], self.client.id)
        self.assertEqual(found.json()["model"], "res.partner")
        self.assertEqual(unknown.status_code, 404)
        self.assertEqual(bad_number.status_code, 400)
        self.assertEqual(bad_token.status_code, 401)
        self.assertEqual(self.env["crm.lead"].search_count([]), leads)
        self.assertEqual(self.env["crm.phonecall"].search_count([]), calls)
