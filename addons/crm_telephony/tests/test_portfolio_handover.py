# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import setup_telephony


@tagged("post_install", "-at_install")
class TestTelephonyPortfolioHandover(TransactionCase):
    """Portfolio access for calls and recordings, and the hand-over of a leaving salesperson's calls, call
    backs and PBX extension."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.carol = new_test_user(
            cls.env, login="tel_p_carol", groups="sales_team.group_sale_salesman", name="Carol"
        )
        cls.carol_client = cls.env["res.partner"].create(
            {"name": "Carol's Client", "is_company": True, "user_id": cls.carol.id}
        )
        cls.carol_contact = cls.env["res.partner"].create(
            {"name": "Carol's Buyer", "parent_id": cls.carol_client.id, "phone": "+1 415 555 0177"}
        )
        Call = cls.env["crm.phonecall"].with_company(cls.company)
        now = fields.Datetime.now()
        cls.alice_call = Call.create(
            {"name": "Alice's client calls", "partner_id": cls.client.id, "user_id": cls.bob.id, "date": now}
        )
        cls.carol_call = Call.create(
            {
                "name": "Carol's client calls",
                "partner_id": cls.carol_contact.id,
                "user_id": cls.carol.id,
                "date": now,
            }
        )
        cls.recording = (
            cls.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": "call.mp3",
                    "raw": b"ID3 fake",
                    "res_model": "crm.phonecall",
                    "res_id": cls.carol_call.id,
                    "mimetype": "audio/mpeg",
                }
            )
        )
        cls.carol_call.sudo().write({"recording_attachment_id": cls.recording.id, "recording_state": "done"})
        cls.company.crm_portfolio_access = True

    def test_salesperson_refused_on_another_clients_call_and_recording(self):
        visible = (
            self.env["crm.phonecall"]
            .with_user(self.alice)
            .search([("id", "in", (self.alice_call | self.carol_call).ids)])
        )
        self.assertEqual(visible, self.alice_call, "her client's call, taken by a colleague")
        with self.assertRaises(AccessError):
            self.carol_call.with_user(self.alice).read(["name", "recording_player"])
        with self.assertRaises(AccessError):
            self.recording.with_user(self.alice).read(["raw"])
        self.assertTrue(self.recording.with_user(self.carol).read(["raw"]), "the owner listens to it")
        with self.assertRaises(AccessError):
            self.carol_contact.with_user(self.alice).read(["phone"])

    def test_team_leader_sees_members_calls_only(self):
        visible = (
            self.env["crm.phonecall"]
            .with_user(self.leader)
            .search([("id", "in", (self.alice_call | self.carol_call).ids)])
        )
        self.assertEqual(visible, self.alice_call, "Bob is in the leader's team")
        with self.assertRaises(AccessError):
            self.carol_call.with_user(self.leader).read(["name"])
        self.assertTrue(self.carol_call.with_user(self.manager).read(["name"]))

    def test_handover_moves_calls_call_backs_and_frees_the_extension(self):
        callback = self.client.activity_schedule(
            "crm_telephony.mail_activity_type_call_back", user_id=self.bob.id, summary="Call back"
        )
        done_call = self.env["crm.phonecall"].create(
            {"name": "Held call", "partner_id": self.client.id, "user_id": self.bob.id, "state": "done"}
        )
        wizard = (
            self.env["crm.handover.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "user_id": self.bob.id,
                    "mode": "user",
                    "target_user_id": self.carol.id,
                    "archive_user": True,
                }
            )
        )
        wizard.action_preview()
        preview = {line.kind: line.count for line in wizard.preview_ids}
        self.assertEqual(preview["call"], 1)
        self.assertEqual(preview["callback"], 1)
        self.assertEqual(preview["extension"], 1)
        self.assertEqual(self.bob.pbx_extension, "702", "a dry run changes nothing")
        handover = self.env["crm.handover"].browse(wizard.action_handover()["res_id"])
        audit = Counter(handover.line_ids.mapped("kind"))
        self.assertEqual({kind: audit[kind] for kind in preview}, preview)
        self.assertEqual(self.alice_call.user_id, self.carol)
        self.assertEqual(callback.user_id, self.carol)
        self.assertEqual(done_call.user_id, self.bob, "held calls are history")
        self.assertFalse(self.bob.pbx_extension)
        self.assertFalse(
            self.env["crm.phonecall"].search(
                [("user_id", "=", self.bob.id), ("state", "in", ("open", "pending"))]
            )
        )
        self.assertFalse(self.env["mail.activity"].search([("user_id", "=", self.bob.id)]))
        # the extension is free: the PBX maps it to nobody any more
        self.assertNotIn("702", self.pbx._pbx_intake_config()["extensions"])
