# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name


@tagged("post_install", "-at_install")
class TestIntakeConcurrency(BaseCase):
    """Two deliveries at the same moment, on real connections and committed data (HttpCase serialises its
    requests through one test cursor): the second waits for the first and never makes a duplicate."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.source_id = (
                env["crm.lead.intake.source"].create({"name": "Concurrency", "rate_limit": 1000}).id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            leads = (
                env["crm.lead"]
                .with_context(active_test=False)
                .search([("intake_source_id", "=", self.source_id)])
            )
            leads.unlink()
            env["crm.lead.intake.source"].browse(self.source_id).unlink()

    def _race(self, first_body, second_body):
        """The first request is processed and left uncommitted; the second one runs meanwhile in a thread
        and must wait; then the first commits. Returns both replies."""
        outcome = {}
        first_cr = self.registry.cursor()
        try:
            first_env = api.Environment(first_cr, SUPERUSER_ID, {})
            first = first_env["crm.lead.intake.source"].browse(self.source_id)._intake_submit(first_body)

            # the second request's cursor and environment, made here (the test runner holds the registry lock)
            second_cr = self.registry.cursor()
            second_source = api.Environment(second_cr, SUPERUSER_ID, {})["crm.lead.intake.source"]

            def deliver():
                try:
                    with second_cr:
                        outcome["reply"] = second_source.browse(self.source_id)._intake_submit(second_body)
                except Exception as error:  # noqa: BLE001 - reported to the test thread
                    outcome["error"] = error

            second = threading.Thread(target=deliver)
            second.start()
            second.join(1.0)
            self.assertTrue(second.is_alive(), "the second delivery waits for the first one")
            first_cr.commit()
        finally:
            first_cr.close()
        second.join(30)
        self.assertFalse(second.is_alive())
        self.assertNotIn("error", outcome, "no serialization failure, no replay of the request")
        return first, outcome["reply"]

    def _leads(self, email):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM crm_lead WHERE intake_source_id = %s AND email_normalized = %s",
                (self.source_id, email),
            )
            return [row[0] for row in cr.fetchall()]

    def test_same_request_id_at_the_same_moment_gives_one_lead(self):
        body = {"email": "race@new.example", "request_id": "race-1"}
        first, second = self._race(body, body)
        self.assertEqual(second, first)
        self.assertEqual(self._leads("race@new.example"), [first["lead_id"]])

    def test_same_new_client_at_the_same_moment_gives_one_lead(self):
        """Two different requests of one new client: the second one sees the first one's lead (the intake
        runs in READ COMMITTED under a lock per client) and goes to it."""
        first, second = self._race(
            {"email": "twice@new.example", "message": "one"}, {"email": "Twice@New.example", "message": "two"}
        )
        self.assertIsNone(first["duplicate_of"])
        self.assertEqual(
            second,
            {
                "ok": True,
                "lead_id": first["lead_id"],
                "duplicate_of": {"model": "crm.lead", "id": first["lead_id"]},
            },
        )
        self.assertEqual(self._leads("twice@new.example"), [first["lead_id"]])
