# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import setup_telephony


@tagged("post_install", "-at_install")
class TestTelephonySecurity(TransactionCase):
    """Who reads which call, PBX secrets for administrators, companies kept apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_telephony(cls)
        cls.carol = new_test_user(
            cls.env, login="tel_carol", groups="sales_team.group_sale_salesman", name="Carol"
        )
        cls.employee = new_test_user(cls.env, login="tel_employee", groups="base.group_user", name="Employee")
        cls.admin = new_test_user(
            cls.env, login="tel_admin", groups="base.group_system,sales_team.group_sale_manager"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Telephony Other Co"})
        cls.foreign = new_test_user(
            cls.env,
            login="tel_foreign",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        calls = cls.env["crm.phonecall"].with_company(cls.company)
        base = {
            "direction": "inbound",
            "to": "+14155550000",
            "timestamp": fields.Datetime.now(),
            "talk_seconds": 10,
            "outcome": "answered",
            "recording_url": None,
            "recording_ref": None,
            "event": "call_ended",
        }
        # Alice's client calls, Bob takes the call on his extension
        calls._pbx_process_event(
            cls.pbx, dict(base, call_id="s-1", extension="702", **{"from": "+14155550101"})
        )
        # an unknown caller on the routed number: lead for the team led by the leader
        calls._pbx_process_event(
            cls.pbx, dict(base, call_id="s-2", extension=None, **{"from": "+14155550188"})
        )
        calls._cron_pbx_process_queue()  # the PBX events job creates the unknown caller's lead
        cls.call_client = calls.search([("external_call_id", "=", "s-1")])
        cls.call_team = calls.search([("external_call_id", "=", "s-2")])

    def visible(self, user):
        return self.env["crm.phonecall"].with_user(user).search([("pbx_id", "=", self.pbx.id)])

    def test_salesperson_sees_own_calls_and_own_cards(self):
        self.assertIn(self.call_client, self.visible(self.bob), "Bob took the call")
        self.assertIn(self.call_client, self.visible(self.alice), "the call is on Alice's client")

    def test_salesperson_refused_other_calls(self):
        self.assertFalse(self.visible(self.carol))
        with self.assertRaises(AccessError):
            self.call_client.with_user(self.carol).read(["name"])
        with self.assertRaises(AccessError):
            self.call_client.with_user(self.carol).write({"description": "x"})

    def test_team_leader_sees_team_calls(self):
        self.assertEqual(self.call_team.team_id, self.team)
        self.assertIn(self.call_team, self.visible(self.leader))
        self.assertNotIn(self.call_team, self.visible(self.alice))
        with self.assertRaises(AccessError):
            self.call_team.with_user(self.alice).read(["name"])

    def test_manager_sees_all(self):
        self.assertEqual(self.visible(self.manager), self.call_client | self.call_team)

    def partner_form(self, user):
        return self.env["res.partner"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]

    def test_salesperson_has_the_calls_button_counting_visible_calls(self):
        client = self.call_client.partner_id
        self.assertTrue(client)
        self.assertIn('name="phonecall_count"', self.partner_form(self.carol))
        self.assertNotIn('name="phonecall_count"', self.partner_form(self.employee))
        # each reader in their own request (OCA's count does not declare that it depends on the user)
        self.assertEqual(client.with_user(self.alice).phonecall_count, 1, "Alice's client's call")
        client.invalidate_recordset(["phonecall_count"])
        self.assertEqual(client.with_user(self.carol).phonecall_count, 0, "Carol may not see that call")

    def test_employee_without_sales_rights_refused(self):
        with self.assertRaises(AccessError):
            self.call_client.with_user(self.employee).read(["name"])

    def test_other_company_refused(self):
        self.assertFalse(
            self.env["crm.phonecall"].with_user(self.foreign).search([("id", "=", self.call_client.id)])
        )
        with self.assertRaises(AccessError):
            self.call_client.with_user(self.foreign).read(["name"])
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.foreign).read(["name"])

    def report_rows(self, user):
        return (
            self.env["crm.phonecall.report"]
            .with_user(user)
            .search([("id", "in", self.visible(self.manager).ids)])
        )

    def test_call_report_reads_like_the_calls(self):
        """OCA's call report (one row per call): each user reads the rows of the calls they may read."""
        self.assertFalse(self.report_rows(self.carol), "Carol may read none of these calls")
        with self.assertRaises(AccessError):
            self.env["crm.phonecall.report"].browse(self.call_client.id).with_user(self.carol).read(
                ["user_id"]
            )
        self.assertFalse(self.report_rows(self.foreign), "calls of another company")
        for user in (self.alice, self.bob, self.leader, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(set(self.report_rows(user).ids), set(self.visible(user).ids))
        groups = (
            self.env["crm.phonecall.report"].with_user(self.alice).read_group([], ["user_id"], ["user_id"])
        )
        self.assertEqual(sum(group["user_id_count"] for group in groups), len(self.visible(self.alice)))

    def test_pbx_secrets_for_administrators_only(self):
        self.pbx.sudo().api_secret = "s3cret"
        self.assertEqual(self.pbx.with_user(self.admin).api_secret, "s3cret")
        self.assertEqual(self.pbx.with_user(self.manager).name, "Test PBX")
        for field in ("api_secret", "api_key", "api_token_hash"):
            with self.assertRaises(AccessError):
                self.pbx.with_user(self.manager).read([field])
        with self.assertRaises(AccessError):
            self.env["crm.pbx"].with_user(self.manager).create({"name": "Rogue"})
        with self.assertRaises(AccessError):
            self.env["crm.pbx"].with_user(self.alice).search([])

    def test_token_generated_by_admin_only_and_stored_hashed(self):
        token = self.pbx.with_user(self.admin).generate_api_token()
        self.assertNotEqual(self.pbx.sudo().api_token_hash, token)
        self.assertEqual(len(self.pbx.sudo().api_token_hash), 64)
        self.assertEqual(self.env["crm.pbx"]._authenticate_token(token), self.pbx)
        self.assertFalse(self.env["crm.pbx"]._authenticate_token(self.token), "the old token no longer works")
        with self.assertRaises(UserError):
            self.pbx.with_user(self.manager).generate_api_token()

    def test_token_shown_once_to_its_author_only(self):
        action = self.pbx.with_user(self.admin).action_generate_api_token()
        wizard = self.env["crm.pbx.token.wizard"].with_user(self.admin).browse(action["res_id"])
        self.assertTrue(wizard.token)
        other_admin = new_test_user(self.env, login="tel_admin_2", groups="base.group_system")
        with self.assertRaises(AccessError):
            wizard.with_user(other_admin).read(["token"])
        self.assertFalse(self.env["crm.pbx.token.wizard"].with_user(other_admin).search([]))
