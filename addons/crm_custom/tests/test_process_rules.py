# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import freeze_time, tagged

from ..models.base_automation import PROCESS_SWITCHES
from ..models.ir_actions_server import working_day_deadline
from .process_common import ProcessCommon


@tagged("post_install", "-at_install")
class TestProcessRules(ProcessCommon):
    """The processes are Odoo automation rules: active only while a company uses them, each checking the
    record's company switch; Odoo's own rules keep working with the suite's cached rule lookup."""

    def test_every_process_has_rules_checking_its_switch(self):
        rules = (
            self.env["base.automation"].with_context(active_test=False).search([("crm_process", "!=", False)])
        )
        self.assertEqual(set(rules.mapped("crm_process")), set(PROCESS_SWITCHES))
        self.assertFalse(any(rules.mapped("active")), "every process is off in every company here")
        for rule in rules:
            self.assertTrue(rule.action_server_ids, rule.name)
            creates = rule.action_server_ids.filtered(
                lambda a: a.state in ("next_activity", "mail_post", "code")
            )
            if creates:
                self.assertIn(PROCESS_SWITCHES[rule.crm_process], rule.filter_domain, rule.name)

    def test_switch_on_off_per_company(self):
        self._switch("proposal_followup", companies=self.company + self.company_2)
        self.assertTrue(all(self._rules("proposal_followup").mapped("active")))
        self._switch("proposal_followup", on=False)
        self.assertTrue(
            all(self._rules("proposal_followup").mapped("active")), "still on in the second company"
        )
        self._switch("proposal_followup", on=False, companies=self.company_2)
        self.assertFalse(any(self._rules("proposal_followup").mapped("active")))

    def test_archived_by_an_administrator_stays_archived(self):
        self._switch("payment_call")
        close_rule = self.env.ref("crm_custom.automation_payment_call_close")
        close_rule.active = False
        self._switch("payment_call", companies=self.company_2)
        self.assertFalse(close_rule.active)
        self.assertTrue(self.env.ref("crm_custom.automation_payment_call").active)

    def test_timed_rules_start_from_the_switch(self):
        with freeze_time("2026-03-02 09:00:00"):
            self._switch("feedback")
        self.assertEqual(
            {str(rule.last_run) for rule in self._rules("feedback")},
            {"2026-03-02 09:00:00"},
            "no burst of old wins",
        )

    def test_own_rules_still_run_and_follow_changes(self):
        rule = self.env["base.automation"].create(
            {
                "name": "Tag VIP",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "trigger": "on_create_or_write",
                "filter_domain": "[('name', 'ilike', 'VIP')]",
            }
        )
        self.env["ir.actions.server"].create(
            {
                "name": "Set the reference",
                "base_automation_id": rule.id,
                "usage": "base_automation",
                "model_id": rule.model_id.id,
                "state": "code",
                "code": "records.write({'ref': 'VIP'})",
            }
        )
        self.assertEqual(self.env["res.partner"].create({"name": "VIP One"}).ref, "VIP")
        rule.active = False
        self.assertFalse(self.env["res.partner"].create({"name": "VIP Two"}).ref, "archived: no longer run")

    def test_working_days_skip_weekends(self):
        self.assertEqual(working_day_deadline(self.calendar, date(2026, 3, 6), 2), date(2026, 3, 10))
        self.assertEqual(working_day_deadline(self.calendar, date(2026, 3, 4), 2), date(2026, 3, 6))
        self.assertEqual(working_day_deadline(self.calendar, date(2026, 3, 7), 1), date(2026, 3, 9))
        self.assertEqual(working_day_deadline(self.calendar, date(2026, 3, 6), 0), date(2026, 3, 6))

    def test_rules_with_trigger_fields_run_when_those_fields_change_written_or_recomputed(self):
        """A rule with trigger fields runs when one of them changes — written, or recomputed from another
        field — and never on other changes (the suite then skips evaluating its condition)."""
        rule = self.env["base.automation"].create(
            {
                "name": "Tag VIP e-mails",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "trigger": "on_create_or_write",
                "trigger_field_ids": [Command.set(self._field_ids("res.partner", "email_normalized"))],
                "filter_domain": "[('email_normalized', '=like', '%@vip.example')]",
            }
        )
        self.env["ir.actions.server"].create(
            {
                "name": "Set the reference",
                "base_automation_id": rule.id,
                "usage": "base_automation",
                "model_id": rule.model_id.id,
                "state": "code",
                "code": "records.write({'ref': 'VIP'})",
            }
        )
        partner = self.env["res.partner"].create({"name": "Somebody", "email": "somebody@plain.example"})
        self.env.flush_all()
        self.assertFalse(partner.ref)
        partner.write({"name": "Somebody Else", "function": "not a trigger field"})
        self.env.flush_all()
        self.assertFalse(partner.ref)
        partner.email = "boss@vip.example"  # email_normalized is recomputed: the rule's trigger field
        self.env.flush_all()
        self.assertEqual(partner.ref, "VIP", "run on the recomputation of its trigger field")
        created = self.env["res.partner"].create({"name": "Director", "email": "director@vip.example"})
        self.env.flush_all()
        self.assertEqual(created.ref, "VIP", "run on creation")

        rule.trigger_field_ids = [Command.set(self._field_ids("res.partner", "function"))]
        rule.filter_domain = "[('function', '=', 'Director')]"
        other = self.env["res.partner"].create({"name": "Employee"})
        other.write({"name": "Employee Again", "email": "employee@vip.example"})
        self.assertFalse(other.ref, "the new trigger fields apply at once")
        other.write({"function": "Director"})
        self.assertEqual(other.ref, "VIP", "run on a write of its trigger field")

    def _field_ids(self, model, *names):
        return self.env["ir.model.fields"].search([("model", "=", model), ("name", "in", names)]).ids
