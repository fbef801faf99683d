# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .process_common import ProcessCommon


@freeze_time("2026-03-10 10:00:00")
@tagged("post_install", "-at_install")
class TestHandover(ProcessCommon):
    """Dismissal hand-over: a dry run counts what would move, the hand-over moves exactly that, the audit
    record lists every move, and nothing open stays on the leaving (archived) salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leaving = cls._user("handover_leaving", "sales_team.group_sale_salesman")
        cls.colleague = cls._user("handover_colleague", "sales_team.group_sale_salesman")
        cls.member_a = cls._user("handover_member_a", "sales_team.group_sale_salesman")
        cls.member_b = cls._user("handover_member_b", "sales_team.group_sale_salesman")
        cls.member_c = cls._user("handover_member_c", "sales_team.group_sale_salesman")
        cls.receiving_team = cls.env["crm.team"].create(
            {
                "name": "Receiving Team",
                "company_id": cls.company.id,
                "member_ids": [Command.set((cls.member_a | cls.member_b | cls.member_c | cls.leaving).ids)],
            }
        )
        cls.led_team = cls.env["crm.team"].create(
            {"name": "Led By The Leaving One", "company_id": cls.company.id, "user_id": cls.leaving.id}
        )
        Partner = cls.env["res.partner"]
        cls.clients = Partner
        for index in range(4):
            client = Partner.create(
                {"name": f"Leaving Client {index}", "is_company": True, "user_id": cls.leaving.id}
            )
            Partner.create(
                {"name": f"Leaving Contact {index}", "parent_id": client.id, "user_id": cls.leaving.id}
            )
            cls.clients |= client
        cls.other_client = Partner.create(
            {"name": "Someone Else's", "is_company": True, "user_id": cls.salesman_1.id}
        )
        Lead = cls.env["crm.lead"]
        cls.client_leads = Lead.create(
            [
                {
                    "name": f"Deal of client {index}",
                    "type": "opportunity",
                    "partner_id": cls.clients[index].id,
                    "user_id": cls.leaving.id,
                }
                for index in range(3)
            ]
        )
        cls.loose_lead = Lead.create(
            {"name": "Deal of another's client", "partner_id": cls.other_client.id, "user_id": cls.leaving.id}
        )
        cls.won_lead = Lead.create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "partner_id": cls.clients[0].id,
                "user_id": cls.leaving.id,
            }
        )
        cls.won_lead.action_set_won()
        cls.quotation = cls.env["sale.order"].create(
            {
                "partner_id": cls.clients[1].id,
                "user_id": cls.leaving.id,
                "opportunity_id": cls.client_leads[1].id,
            }
        )
        cls.activities = cls.client_leads[0].activity_schedule(
            "mail.mail_activity_data_call", user_id=cls.leaving.id
        ) | cls.other_client.activity_schedule("mail.mail_activity_data_todo", user_id=cls.leaving.id)
        kpi = cls.env.ref("crm_custom.kpi_revenue")
        cls.future_plan = cls.env["crm.sales.plan"].create(
            {
                "team_id": cls.receiving_team.id,
                "date_from": date(2026, 4, 1),
                "line_ids": [
                    Command.create({"user_id": cls.leaving.id, "kpi_id": kpi.id, "target": 1000.0}),
                    Command.create({"user_id": cls.member_a.id, "kpi_id": kpi.id, "target": 500.0}),
                ],
            }
        )
        cls.current_plan = cls.env["crm.sales.plan"].create(
            {
                "team_id": cls.receiving_team.id,
                "date_from": date(2026, 3, 1),
                "line_ids": [Command.create({"user_id": cls.leaving.id, "kpi_id": kpi.id, "target": 700.0})],
            }
        )

    def _wizard(self, **vals):
        return (
            self.env["crm.handover.wizard"]
            .with_user(self.manager)
            .create({"user_id": self.leaving.id, **vals})
        )

    def _assigned(self, user):
        """Everything open still assigned to ``user``."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        return {
            "partners": Partner.search_count([("user_id", "=", user.id)]),
            "leads": self.env["crm.lead"].search_count(
                [("user_id", "=", user.id), ("stage_id.is_won", "=", False)]
            ),
            "quotations": self.env["sale.order"].search_count(
                [("user_id", "=", user.id), ("state", "in", ("draft", "sent"))]
            ),
            "activities": self.env["mail.activity"].search_count([("user_id", "=", user.id)]),
            "future plan lines": self.env["crm.sales.plan.line"].search_count(
                [("user_id", "=", user.id), ("date_from", ">", date(2026, 3, 10))]
            ),
            "teams led": self.env["crm.team"].search_count([("user_id", "=", user.id)]),
            "memberships": self.env["crm.team.member"].search_count([("user_id", "=", user.id)]),
        }

    def test_preview_then_hand_over_to_one_colleague(self):
        before = self._assigned(self.leaving)
        wizard = self._wizard(mode="user", target_user_id=self.colleague.id, archive_user=True)
        wizard.action_preview()
        preview = {(line.kind, line.to_user_id): line.count for line in wizard.preview_ids}
        self.assertEqual(self._assigned(self.leaving), before, "a dry run writes nothing")
        self.assertEqual(preview[("client", self.colleague)], 4)
        self.assertEqual(preview[("contact", self.colleague)], 4)
        self.assertEqual(preview[("lead", self.colleague)], 4, "the won deal is history and stays")
        self.assertEqual(preview[("quotation", self.colleague)], 1)
        # the call and the to-do, and the First Contact activity of each open lead (the lead intake's first
        # task); the won deal is not waiting for a first contact any more: it has none
        first_contacts = (self.client_leads | self.loose_lead)._first_contact_activities()
        self.assertEqual(len(first_contacts), 4)
        self.assertFalse(self.won_lead._first_contact_activities())
        self.assertEqual(preview[("activity", self.colleague)], 2 + 4)
        self.assertEqual(preview[("plan_line", self.colleague)], 1, "only the plan that has not started")
        self.assertEqual(preview[("team_leader", self.colleague)], 1)
        self.assertEqual(wizard.preview_total, sum(preview.values()))

        action = wizard.action_handover()
        handover = self.env["crm.handover"].browse(action["res_id"])
        audit = Counter((line.kind, line.to_user_id) for line in handover.line_ids)
        self.assertEqual(dict(audit), preview, "the audit lists exactly what the preview counted")
        self.assertEqual(handover.manager_id, self.manager)
        self.assertTrue(handover.user_archived)
        self.assertFalse(self.leaving.active)
        self.assertEqual(
            self._assigned(self.leaving),
            dict.fromkeys(before, 0),
            "nothing open stays on the archived user",
        )
        self.assertEqual(self.won_lead.user_id, self.leaving, "won deals keep their salesperson (history)")
        self.assertEqual(self._line(self.current_plan, self.leaving).target, 700.0, "the current plan stays")
        self.assertEqual(self._line(self.future_plan, self.colleague).target, 1000.0)
        self.assertEqual(self.led_team.user_id, self.colleague)
        self.assertEqual(self.quotation.user_id, self.colleague)
        self.assertEqual(self.activities.user_id, self.colleague)
        self.assertEqual(first_contacts.user_id, self.colleague, "the First Contact activities follow")
        lines = handover.line_ids.filtered(lambda line: line.kind == "lead")
        self.assertEqual(
            {(line.res_model, line.res_id) for line in lines},
            {("crm.lead", lead.id) for lead in self.client_leads | self.loose_lead},
        )

    def _line(self, plan, user):
        return plan.line_ids.filtered(lambda line: line.user_id == user)

    def test_spread_evenly_across_a_team(self):
        wizard = self._wizard(
            mode="team", target_team_id=self.receiving_team.id, leader_user_id=self.member_c.id
        )
        wizard.action_preview()
        handover = self.env["crm.handover"].browse(wizard.action_handover()["res_id"])
        members = self.member_a | self.member_b | self.member_c
        clients_per_member = Counter(client.user_id.login for client in self.clients)
        self.assertEqual(sorted(clients_per_member.values()), [1, 1, 2], "4 clients over 3 members")
        self.assertLessEqual(set(self.clients.mapped("user_id")), set(members))
        for client in self.clients:
            self.assertEqual(client.child_ids.user_id, client.user_id, "contacts follow their company")
        for lead in self.client_leads:
            self.assertEqual(lead.user_id, lead.partner_id.user_id, "a client's deal goes with the client")
        self.assertEqual(
            self.quotation.user_id, self.client_leads[1].user_id, "the quotation follows its deal"
        )
        for lead in self.client_leads | self.loose_lead:
            self.assertEqual(lead.activity_ids.user_id, lead.user_id, "activities follow their deal")
            self.assertEqual(len(lead._first_contact_activities()), 1, "one First Contact activity each")
        targets = {user: self._line(self.future_plan, user).target for user in members}
        self.assertEqual(
            targets, {self.member_a: 500.0 + 333.34, self.member_b: 333.33, self.member_c: 333.33}
        )
        self.assertAlmostEqual(sum(self.future_plan.line_ids.mapped("target")), 1500.0)
        self.assertFalse(self._line(self.future_plan, self.leaving))
        self.assertEqual(self.led_team.user_id, self.member_c)
        self.assertTrue(self.leaving.active, "not archived unless asked")
        self.assertEqual(self._assigned(self.leaving)["memberships"], 0, "no more leads assigned to them")
        self.assertEqual(len(handover.line_ids), wizard.preview_total)

    def test_refusals(self):
        with self.assertRaises(AccessError):
            self.env["crm.handover.wizard"].with_user(self.salesman_1).create(
                {"user_id": self.leaving.id, "target_user_id": self.salesman_1.id}
            )
        with self.assertRaises(UserError):
            self._wizard(mode="user", target_user_id=self.leaving.id).action_preview()
        with self.assertRaises(UserError, msg="leads a team: a new leader is needed when spreading"):
            self._wizard(mode="team", target_team_id=self.receiving_team.id).action_preview()
        with self.assertRaises(AccessError):
            self.env["crm.handover"].with_user(self.salesman_1).search([]).read(["name"])
        # a hand-over being prepared is its author's: another manager neither reads nor runs it
        prepared = self._wizard(mode="user", target_user_id=self.salesman_1.id)
        prepared.action_preview()
        other_manager = new_test_user(
            self.env, login="handover_mgr_2", groups="sales_team.group_sale_manager"
        )
        with self.assertRaises(AccessError):
            prepared.with_user(other_manager).read(["user_id"])
        with self.assertRaises(AccessError):
            prepared.with_user(other_manager).action_handover()
        self.assertTrue(prepared.preview_ids)
        Lines = self.env["crm.handover.wizard.line"].with_user(other_manager)
        self.assertFalse(Lines.search([("wizard_id", "=", prepared.id)]))
        self.assertEqual(self._assigned(self.leaving)["partners"], 8, "nothing moved")
