# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    """The suite's screens work in a real browser."""

    def test_lost_reason_dialog(self):
        salesman = new_test_user(
            self.env, login="tour_salesman", groups="sales_team.group_sale_salesman", lang="en_US"
        )
        self.env["crm.lost.reason"].create({"name": "Tour: too expensive"})
        lead = self.env["crm.lead"].create(
            {"name": "Tour deal", "type": "opportunity", "user_id": salesman.id, "expected_revenue": 10}
        )
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_custom_lost_reason_tour", login="tour_salesman")
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id.name, "Tour: too expensive")

    def _mark_lost_link(self, lead):
        return lead._notify_get_action_link("controller", controller="/lead/case_mark_lost")

    def test_mark_lost_link_opens_the_lost_reason_dialog(self):
        """The "Mark Lost" link of Odoo's lead e-mail opens the dialog instead of failing."""
        salesman = new_test_user(
            self.env, login="link_salesman", groups="sales_team.group_sale_salesman", lang="en_US"
        )
        self.env["crm.lost.reason"].create({"name": "Link: no budget"})
        lead = self.env["crm.lead"].create(
            {"name": "Link deal", "type": "opportunity", "user_id": salesman.id, "expected_revenue": 10}
        )
        link = self._mark_lost_link(lead)
        self.authenticate("link_salesman", "link_salesman")
        with self.assertNoLogs("odoo.addons.crm.controllers.main", level="ERROR"):
            response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(f"/odoo/action-crm_custom.lead_mark_lost?lead_id={lead.id}")
        )
        self.assertTrue(lead.active, "the link alone does not lose a lead that needs a reason")
        self.start_tour(response.headers["Location"], "crm_custom_lead_mark_lost_tour", login="link_salesman")
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id.name, "Link: no budget")

    def test_mark_lost_link_without_policy_loses_the_lead(self):
        """Lost reason not required: Odoo's own behaviour, the link marks the lead lost at once."""
        self.env.company.crm_lost_reason_required = False
        salesman = new_test_user(self.env, login="link_salesman2", groups="sales_team.group_sale_salesman")
        lead = self.env["crm.lead"].create(
            {"name": "Quick loss", "type": "opportunity", "user_id": salesman.id}
        )
        self.authenticate("link_salesman2", "link_salesman2")
        response = self.url_open(self._mark_lost_link(lead), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("lead_mark_lost", response.headers["Location"])
        self.assertFalse(lead.active)
        self.assertFalse(lead.lost_reason_id)

    def test_mark_lost_link_of_a_lead_with_a_reason(self):
        """A lead that already has a reason is lost by the link, the policy being met."""
        salesman = new_test_user(self.env, login="link_salesman3", groups="sales_team.group_sale_salesman")
        reason = self.env["crm.lost.reason"].create({"name": "Link: chose a competitor"})
        lead = self.env["crm.lead"].create(
            {"name": "Reasoned", "type": "opportunity", "user_id": salesman.id, "lost_reason_id": reason.id}
        )
        self.authenticate("link_salesman3", "link_salesman3")
        response = self.url_open(self._mark_lost_link(lead), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("lead_mark_lost", response.headers["Location"])
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id, reason)
