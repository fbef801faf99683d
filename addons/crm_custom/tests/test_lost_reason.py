# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLostReason(TransactionCase):
    """A deal is lost with a reason when its company asks for one (the default)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="lost_salesman", groups="sales_team.group_sale_salesman")
        cls.reason = cls.env["crm.lost.reason"].create({"name": "Too expensive"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Boiler replacement",
                "type": "opportunity",
                "user_id": cls.salesman.id,
            }
        )

    def test_default_is_required(self):
        self.assertTrue(self.env.company.crm_lost_reason_required)

    def test_lost_without_reason_refused(self):
        lead = self.lead.with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "Boiler replacement"):
            lead.action_set_lost()
        self.assertTrue(self.lead.active, "a refused loss must leave the deal open")

    def test_lost_through_wizard_with_reason(self):
        wizard = Form(
            self.env["crm.lead.lost"].with_user(self.salesman).with_context(default_lead_ids=self.lead.ids),
        )
        self.assertTrue(wizard.lost_reason_required)
        wizard.lost_reason_id = self.reason
        wizard.save().action_lost_reason_apply()
        self.assertFalse(self.lead.active)
        self.assertEqual(self.lead.lost_reason_id, self.reason)
        self.assertEqual(self.lead.probability, 0)

    def test_wizard_without_reason_refused(self):
        wizard = (
            self.env["crm.lead.lost"].with_user(self.salesman).create({"lead_ids": [(6, 0, self.lead.ids)]})
        )
        with self.assertRaises(UserError):
            wizard.action_lost_reason_apply()
        self.assertTrue(self.lead.active)

    def test_setting_off_allows_loss_without_reason(self):
        settings = self.env["res.config.settings"].create({})
        settings.crm_lost_reason_required = False
        settings.execute()
        self.assertFalse(self.env.company.crm_lost_reason_required)
        self.lead.with_user(self.salesman).action_set_lost()
        self.assertFalse(self.lead.active)
        self.assertFalse(self.lead.lost_reason_id)

    def test_salesman_cannot_change_setting(self):
        with self.assertRaises(AccessError):
            self.env.company.with_user(self.salesman).write({"crm_lost_reason_required": False})
        self.assertTrue(self.env.company.crm_lost_reason_required)
