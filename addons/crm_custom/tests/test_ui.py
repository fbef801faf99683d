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
