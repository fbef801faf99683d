# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Cross-addon scenarios, run by pytest-odoo on the database where the three addons are installed."""

import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("standard", "post_install")
class TestSalespersonDay(TransactionCase):
    """One salesperson's day across the suite: telephony identity, deal rules, management export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="scenario_anna", groups="sales_team.group_sale_salesman", lang="en_US"
        )
        cls.user.pbx_extension = "701"
        cls.deals = cls.env["crm.lead"].create(
            [
                {
                    "name": "Scenario deal A",
                    "type": "opportunity",
                    "user_id": cls.user.id,
                    "expected_revenue": 300,
                },
                {
                    "name": "Scenario deal B",
                    "type": "opportunity",
                    "user_id": cls.user.id,
                    "expected_revenue": 700,
                },
            ]
        )

    def test_extension_lost_rule_and_export(self):
        self.assertEqual(self.env["res.users"].search([("pbx_extension", "=", "701")]), self.user)
        deal_a = self.deals[0].with_user(self.user)
        with self.assertRaises(UserError):
            deal_a.action_set_lost()
        reason = self.env["crm.lost.reason"].create({"name": "Chose a competitor"})
        deal_a.action_set_lost(lost_reason_id=reason.id)
        self.assertFalse(self.deals[0].active)
        open_deals = self.env["crm.lead"].with_user(self.user).search([("user_id", "=", self.user.id)])
        self.assertEqual(open_deals, self.deals[1])
        content, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user)
            ._render_xlsx("crm_reports.crm_lead_pipeline_xlsx", open_deals.ids, data={})
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(
            [sheet["A2"].value, sheet["A3"].value, sheet["F3"].value], ["Scenario deal B", "Total", 700]
        )
