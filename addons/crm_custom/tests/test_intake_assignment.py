# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIntakeAssignment(TransactionCase):
    """The salesperson of a lead from an intake channel (API, e-mail, Telegram, phone): the team's
    assignment rules as crm's round robin applies them — members not opted out, allowed in the lead's
    company, whose assignment domain accepts the lead, fewest leads in the last 24 hours first — else the
    team leader."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Intake Assignment Other Co"})

        def user(login):
            return new_test_user(
                cls.env,
                login=login,
                groups="sales_team.group_sale_salesman",
                company_ids=[(6, 0, cls.company.ids)],
                company_id=cls.company.id,
            )

        cls.leader, cls.anna, cls.boris, cls.vera, cls.gleb = (
            user(login) for login in ("ia_leader", "ia_anna", "ia_boris", "ia_vera", "ia_gleb")
        )
        cls.elsewhere = new_test_user(
            cls.env,
            login="ia_elsewhere",
            groups="sales_team.group_sale_salesman",
            company_ids=[(6, 0, (cls.company | cls.other_company).ids)],
            company_id=cls.company.id,
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Assignment Team", "user_id": cls.leader.id, "company_id": cls.company.id}
        )
        members = cls.env["crm.team.member"].create(
            [
                {"crm_team_id": cls.team.id, "user_id": cls.anna.id},
                {"crm_team_id": cls.team.id, "user_id": cls.boris.id},
                {"crm_team_id": cls.team.id, "user_id": cls.vera.id, "assignment_optout": True},
                {
                    "crm_team_id": cls.team.id,
                    "user_id": cls.gleb.id,
                    "assignment_domain": "[('email_from', 'ilike', '@vip.example')]",
                },
            ]
        )
        cls.member_anna, cls.member_boris = members[:2]
        # a member of the team no longer allowed in the leads' company
        cls.env["crm.team.member"].create({"crm_team_id": cls.team.id, "user_id": cls.elsewhere.id})
        cls.elsewhere.write(
            {"company_id": cls.other_company.id, "company_ids": [(6, 0, cls.other_company.ids)]}
        )

    def _new_lead(self, **vals):
        return self.env["crm.lead"].new(
            dict({"name": "Probe", "team_id": self.team.id, "company_id": self.company.id}, **vals)
        )

    def _leads_today(self, user, count, hours_ago=1):
        leads = self.env["crm.lead"].create(
            [{"name": f"Earlier {i}", "team_id": self.team.id, "user_id": user.id} for i in range(count)]
        )
        leads.write({"date_open": fields.Datetime.now() - timedelta(hours=hours_ago)})
        return leads

    def test_fewest_leads_of_the_last_day_first_then_lowest_member(self):
        self.assertEqual(
            self.team._crm_assignment_member(self._new_lead()), self.anna, "a tie: the first member"
        )
        self._leads_today(self.anna, 2)
        self._leads_today(self.boris, 1)
        self.assertEqual(self.team._crm_assignment_member(self._new_lead()), self.boris)
        self._leads_today(self.boris, 3, hours_ago=30)  # older than 24 hours: not counted
        self.assertEqual(self.team._crm_assignment_member(self._new_lead()), self.boris)
        self.assertEqual(self.member_boris.lead_day_count, 1, "the same count as crm's round robin")

    def test_opted_out_other_company_and_domain_are_respected(self):
        self._leads_today(self.anna, 5)
        self._leads_today(self.boris, 5)
        # Vera (opted out) and the user of another company have no lead at all and are still skipped;
        # Gleb's domain refuses an ordinary lead and accepts a VIP one
        self.assertEqual(self.team._crm_assignment_member(self._new_lead()), self.anna)
        self.assertEqual(
            self.team._crm_assignment_member(self._new_lead(email_from="ceo@vip.example")), self.gleb
        )

    def test_archived_members_are_skipped_and_nobody_gives_the_leader(self):
        self.team.crm_team_member_ids.filtered(lambda m: m.user_id in (self.anna | self.boris)).active = False
        self.assertFalse(self.team._crm_assignment_member(self._new_lead()))
        self.assertEqual(self.team._crm_intake_assignee(self._new_lead()), self.leader)

    def test_lead_or_opportunity_as_the_team_alias_decides(self):
        """A lead when the company uses leads (internal users have "Show Lead Menu") and the team takes
        them, else an opportunity; a change of the setting applies at once (cached group definitions)."""
        intake = self.env["crm.lead.intake"]
        internal, use_lead = self.env.ref("base.group_user"), self.env.ref("crm.group_use_lead")
        self.team.use_leads = True
        internal.implied_ids = [(4, use_lead.id)]
        self.assertEqual(intake._intake_lead_type(self.team), "lead")
        self.assertEqual(intake._intake_lead_type(self.env["crm.team"]), "lead")
        self.team.use_leads = False
        self.assertEqual(intake._intake_lead_type(self.team), "opportunity")
        self.team.use_leads = True
        internal.implied_ids = [(3, use_lead.id)]
        self.assertEqual(intake._intake_lead_type(self.team), "opportunity")
