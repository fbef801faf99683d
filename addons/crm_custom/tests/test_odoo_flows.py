# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOdooFlowsUnderPolicies(TransactionCase):
    """Odoo's own CRM flows (merge, mass convert, import, contact merge, losing leads) under each of our
    policies: they keep working, or the refusal names the setting that causes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.ru")
        cls.manager = new_test_user(
            cls.env, login="flows_manager", groups="sales_team.group_sale_manager", lang="en_US"
        )
        cls.salesman = new_test_user(
            cls.env, login="flows_salesman", groups="sales_team.group_sale_salesman", lang="en_US"
        )
        cls.Lead = cls.env["crm.lead"]
        cls.Partner = cls.env["res.partner"]
        # the policies are set by each test; demo rules and policies out of the way
        cls.env["crm.mandatory.field"].search([]).active = False
        cls.existing = cls.Partner.create(
            {"name": "Sever Holding", "phone": "+7 495 700-00-01", "email": "office@sever.example"}
        )

    def _policies(self, lost_reason=False, guard="off", mandatory=()):
        """Set our policies; ``mandatory``: (target, field name) pairs, one rule each."""
        self.company.write({"crm_lost_reason_required": lost_reason, "crm_duplicate_guard": guard})
        for target, fname in mandatory:
            model = "crm.lead" if target == "lead" else "res.partner"
            self.env["crm.mandatory.field"].create(
                {
                    "target": target,
                    "field_ids": [Command.set(self.env["ir.model.fields"]._get(model, fname).ids)],
                }
            )

    def _leads(self, count, prefix, **values):
        return self.Lead.create(
            [
                {
                    "name": f"{prefix} {index}",
                    "type": "lead",
                    "contact_name": f"{prefix} contact {index}",
                    "email_from": f"{prefix.lower().replace(' ', '.')}.{index}@flows.example",
                    **values,
                }
                for index in range(count)
            ]
        )

    def _mass_convert(self, leads, user=None):
        wizard = (
            self.env["crm.lead2opportunity.partner.mass"]
            .with_user(user or self.manager)
            .with_context(active_model="crm.lead", active_ids=leads.ids, active_id=leads.ids[0])
            .create({"name": "convert", "action": "each_exist_or_create", "deduplicate": False})
        )
        return wizard.action_mass_convert()

    def _merge(self, leads, user=None):
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(user or self.manager)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .create({})
        )
        wizard.action_merge()
        return leads.exists()

    # -- losing leads ------------------------------------------------------------------------------
    def test_lost_reason_required_holds_users_not_superuser_code(self):
        self._policies(lost_reason=True)
        deal, other = self._leads(2, "Lost deal", type="opportunity", user_id=self.salesman.id)
        with self.assertRaisesRegex(UserError, "Lost Reason Required") as caught:
            deal.with_user(self.salesman).action_set_lost()
        self.assertIn("Lost deal 0", str(caught.exception))
        self.assertTrue(deal.active)
        # a scheduled job or an administrator's automation runs as superuser: trusted, as in Odoo
        other.sudo().action_set_lost()
        self.assertFalse(other.active)
        self.assertEqual(other.probability, 0)

    def test_lost_reason_not_required_is_odoos_behaviour(self):
        self._policies(lost_reason=False)
        deal = self._leads(1, "Plain loss", type="opportunity", user_id=self.salesman.id)
        deal.with_user(self.salesman).action_set_lost()
        self.assertFalse(deal.active)
        self.assertFalse(deal.lost_reason_id)

    # -- merge -------------------------------------------------------------------------------------
    def test_merge_under_each_policy(self):
        for index, (lost_reason, guard, mandatory) in enumerate(
            (
                (False, "off", ()),
                (True, "warn", ()),
                (True, "block", ()),
                (True, "off", (("lead", "phone"),)),
            )
        ):
            with self.subTest(lost_reason=lost_reason, guard=guard, mandatory=mandatory):
                self.env["crm.mandatory.field"].search([]).unlink()
                self._policies(guard="warn")
                # two requests from the same address, flagged as possible duplicates of each other
                email = f"twin.{index}@flows.example"
                first, second = self.Lead.create(
                    [
                        {"name": f"Boiler {index}", "email_from": email, "phone": f"+7 495 300-10-0{index}"},
                        {"name": f"Boiler again {index}", "email_from": email},
                    ]
                )
                self.assertTrue(first.is_duplicate and second.is_duplicate)
                self._policies(lost_reason=lost_reason, guard=guard, mandatory=mandatory)
                merged = self._merge(first + second)
                self.assertEqual(len(merged), 1)
                self.assertEqual(merged.email_from, email)
                self.assertFalse(merged.is_duplicate, "the merged leads are no duplicates of the result")

    def test_merge_keeps_a_lost_leads_history_without_asking_a_reason(self):
        self._policies(lost_reason=True, guard="warn")
        open_lead, lost_lead = self._leads(2, "History", partner_id=self.existing.id, type="opportunity")
        lost_lead.action_set_lost()  # as superuser, like Odoo's own flows
        merged = (open_lead + lost_lead).with_user(self.manager).merge_opportunity()
        self.assertEqual(merged, open_lead)
        self.assertTrue(merged.active)
        self.assertEqual(len((open_lead + lost_lead).exists()), 1)

    def test_contact_merge_under_block(self):
        """Odoo's contact merge wizard: the contacts merged are not duplicates of the result."""
        self._policies(guard="warn")
        copy = self.Partner.create({"name": "Sever Holding (copy)", "email": "office@sever.example"})
        self.assertTrue(copy.is_duplicate)
        self._policies(guard="block")
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [Command.set((self.existing + copy).ids)], "dst_partner_id": self.existing.id}
        )
        wizard.action_merge()
        self.assertFalse(copy.exists())
        self.assertEqual(self.existing.email, "office@sever.example")

    # -- mass convert ------------------------------------------------------------------------------
    def test_mass_convert_neutral(self):
        self._policies()
        leads = self._leads(3, "Neutral convert", phone="+7 495 300-00-00")
        self._mass_convert(leads)
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        self.assertEqual(len(leads.partner_id), 3)
        self.assertFalse(leads.partner_id.filtered("is_duplicate"))

    def test_mass_convert_warn_flags_the_new_client_that_duplicates_a_card(self):
        self._policies(lost_reason=True, guard="warn")
        leads = self._leads(2, "Warn convert")
        leads[0].phone = "+7 495 700-00-01"  # Sever Holding's number
        self._mass_convert(leads)
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        self.assertTrue(leads[0].partner_id.is_duplicate)
        self.assertEqual(leads[0].partner_id.duplicate_ids, self.existing)
        self.assertFalse(leads[1].partner_id.is_duplicate)

    def test_mass_convert_block_refuses_and_names_the_setting(self):
        self._policies(guard="block")
        leads = self._leads(2, "Block convert")
        leads[1].phone = "+7 495 700-00-01"
        with self.assertRaisesRegex(ValidationError, "Duplicate Guard is Block") as caught:
            with self.env.cr.savepoint():
                self._mass_convert(leads)
        self.assertIn("Sever Holding", str(caught.exception))
        leads.invalidate_recordset()
        self.assertEqual(set(leads.mapped("type")), {"lead"}, "nothing converted")
        self.assertFalse(self.Partner.search([("name", "like", "Block convert contact")]))

    def test_mass_convert_block_links_an_existing_client_by_email(self):
        """The convert finds the existing card by e-mail and creates nothing: no refusal."""
        self._policies(guard="block")
        lead = self._leads(1, "Returning client", email_from="office@sever.example")
        other = self._leads(1, "Other client")
        self._mass_convert(lead + other)
        self.assertEqual(lead.partner_id, self.existing)
        self.assertEqual(lead.type, "opportunity")

    def test_mass_convert_mandatory_fields(self):
        self._policies(mandatory=(("contact", "phone"),))
        without_phone = self._leads(1, "No phone")
        with self.assertRaisesRegex(ValidationError, "Mandatory Fields") as caught:
            with self.env.cr.savepoint():
                self._mass_convert(without_phone)
        self.assertIn("fill in Phone", str(caught.exception))
        with_phone = self._leads(2, "With phone", phone="+7 495 300-00-09")
        self._mass_convert(with_phone)
        self.assertEqual(set(with_phone.mapped("type")), {"opportunity"})
        self.assertTrue(all(with_phone.partner_id.mapped("phone")))

    # -- import ------------------------------------------------------------------------------------
    def _import(self, model, csv, fields):
        wizard = self.env["base_import.import"].create(
            {"res_model": model, "file": csv, "file_type": "text/csv", "file_name": "rows.csv"}
        )
        return wizard.execute_import(fields, fields, {"quoting": '"', "separator": ",", "has_headers": True})

    def test_import_under_mandatory_fields_names_the_policy(self):
        self._policies(mandatory=(("lead", "phone"),))
        result = self._import(
            "crm.lead",
            b"name,phone\nCalled us,+7 495 300-00-11\nWrote to us,\n",
            ["name", "phone"],
        )
        errors = [message["message"] for message in result["messages"] if message["type"] == "error"]
        self.assertTrue(errors, result["messages"])
        self.assertIn("Mandatory Fields", errors[0])
        self.assertIn('"Wrote to us": fill in Phone.', errors[0])
        self.assertFalse(self.Lead.search([("name", "in", ["Called us", "Wrote to us"])]))

    def test_import_of_leads_under_each_guard_mode(self):
        self.Lead.create({"name": "Sever request", "email_from": "office@sever.example"})
        for guard, refused in (("off", False), ("warn", False), ("block", True)):
            with self.subTest(guard=guard):
                self._policies(lost_reason=True, guard=guard)
                csv = (
                    f"name,email_from\nImported twin {guard},office@sever.example\n"
                    f"Imported new {guard},new.{guard}@flows.example\n"
                ).encode()
                result = self._import("crm.lead", csv, ["name", "email_from"])
                imported = self.Lead.search([("name", "like", f"Imported % {guard}")])
                errors = [m["message"] for m in result["messages"] if m["type"] == "error"]
                self.assertEqual(bool(errors), refused, result["messages"])
                if refused:
                    self.assertIn("Duplicate Guard is Block", errors[0])
                    self.assertIn("Sever request", errors[0])
                    self.assertFalse(imported)
                    continue
                self.assertEqual(len(imported), 2)
                flagged = imported.filtered("is_duplicate").mapped("name")
                self.assertEqual(flagged, [f"Imported twin {guard}"] if guard == "warn" else [])
