# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

FORGED = datetime(2026, 3, 10, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestSystemFields(TransactionCase):
    """Fields set by the system are refused to users at the model level (crm.system.fields.mixin), here on
    the date a quotation was first sent, which the Proposals Sent KPI counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="sysf_salesman", groups="sales_team.group_sale_salesman")
        cls.customer = cls.env["res.partner"].create({"name": "System Fields Customer"})
        cls.product = cls.env["product.product"].create({"name": "Consulting", "list_price": 100.0})
        cls.Order = cls.env["sale.order"].with_user(cls.salesman)

    def _order(self, **vals):
        return self.Order.create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
                **vals,
            }
        )

    def test_salesperson_cannot_write_the_first_sent_date(self):
        order = self._order()
        with self.assertRaisesRegex(AccessError, "set by the system only: First Sent On"):
            order.write({"crm_first_sent_date": FORGED})
        self.assertFalse(order.crm_first_sent_date)
        with freeze_time("2026-03-20 10:00:00"):
            order.action_quotation_sent()
        with self.assertRaises(AccessError):
            order.write({"crm_first_sent_date": FORGED})  # moving the KPI date to another period
        self.assertEqual(order.crm_first_sent_date, datetime(2026, 3, 20, 10, 0, 0))
        order.write({"crm_first_sent_date": order.crm_first_sent_date, "note": "unchanged value accepted"})

    def test_salesperson_cannot_create_with_the_first_sent_date(self):
        before = self.env["sale.order"].search_count([])
        with self.assertRaises(AccessError):
            self._order(crm_first_sent_date=FORGED)
        with self.assertRaises(AccessError):
            self._order(state="sent", crm_first_sent_date=FORGED)
        self.assertEqual(self.env["sale.order"].search_count([]), before)

    def test_context_and_user_defaults_are_refused_too(self):
        with self.assertRaises(AccessError):
            self.Order.with_context(default_crm_first_sent_date=FORGED).create(
                {"partner_id": self.customer.id}
            )
        # a personal default set with "Set Defaults" (ir.default is writable by every user for themselves)
        self.env["ir.default"].with_user(self.salesman).set(
            "sale.order", "crm_first_sent_date", FORGED.isoformat(sep=" "), user_id=True, company_id=True
        )
        with self.assertRaises(AccessError):
            self.Order.create({"partner_id": self.customer.id})

    def test_system_sets_it_once_and_copies_leave_it_out(self):
        with freeze_time("2026-03-15 10:00:00"):
            order = self._order()
            order.action_quotation_sent()
            direct = self._order(state="sent")  # created as sent: the system dates it
        self.assertEqual(order.crm_first_sent_date, datetime(2026, 3, 15, 10, 0, 0))
        self.assertEqual(direct.crm_first_sent_date, datetime(2026, 3, 15, 10, 0, 0))
        copy = order.copy()
        self.assertFalse(copy.crm_first_sent_date)
        # the system path (superuser mode) may set it
        order.sudo().crm_first_sent_date = FORGED
        self.assertEqual(order.crm_first_sent_date, FORGED)

    def test_a_user_without_write_access_gains_nothing_from_the_system_path(self):
        order = self._order()
        stranger = new_test_user(self.env, login="sysf_stranger", groups="base.group_user")
        with self.assertRaises(AccessError):
            order.with_user(stranger)._system_write({"crm_first_sent_date": FORGED})
        self.assertFalse(order.crm_first_sent_date)


@tagged("post_install", "-at_install")
class TestContextIsUserInput(TransactionCase):
    """A context key is user input: it never skips the duplicate guard nor the mandatory fields policy."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesman = new_test_user(cls.env, login="ctx_salesman", groups="sales_team.group_sale_salesman")
        cls.Partner = cls.env["res.partner"].with_user(cls.salesman)
        cls.env["crm.mandatory.field"].search([]).active = False
        cls.env["crm.card.score.rule"].search([]).active = False

    def test_mandatory_fields_not_skipped_by_context(self):
        self.company.crm_duplicate_guard = "off"
        phone = self.env["ir.model.fields"]._get("res.partner", "phone")
        self.env["crm.mandatory.field"].create({"target": "contact", "field_ids": [Command.set(phone.ids)]})
        for key in ("crm_mandatory_skip", "crm_card_quality_writing"):
            with self.subTest(key=key), self.assertRaises(ValidationError):
                self.Partner.with_context(**{key: True}).create({"name": "No Phone"})
        partner = self.Partner.create({"name": "Has Phone", "phone": "+7 495 100-00-01"})
        for key in ("crm_mandatory_skip", "crm_card_quality_writing"):
            with self.subTest(key=key), self.assertRaises(ValidationError):
                partner.with_context(**{key: True}).write({"phone": False})
        self.assertEqual(partner.phone, "+7 495 100-00-01")

    def test_duplicate_guard_not_skipped_by_context(self):
        self.company.crm_duplicate_guard = "block"
        self.Partner.create({"name": "First", "email": "dup@example.com"})
        with self.assertRaises(ValidationError):
            self.Partner.with_context(crm_duplicate_guard_skip=True).create(
                {"name": "Second", "email": "dup@example.com"}
            )
        self.assertEqual(self.env["res.partner"].search_count([("email", "=", "dup@example.com")]), 1)

    def test_merging_cards_is_not_a_context_key(self):
        """The cards a merge combines are ignored by the duplicate guard while Odoo merges them; a user
        naming the card they duplicate in the context (as the merge once did) saves nothing."""
        self.company.crm_duplicate_guard = "block"
        first = self.Partner.create({"name": "First", "email": "merging@example.com"})
        with self.assertRaises(ValidationError):
            self.Partner.with_context(crm_duplicate_merging_ids=(first.id,)).create(
                {"name": "Second", "email": "merging@example.com"}
            )
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create({"name": "Lead", "phone": "+7 495 100-22-33"})
        )
        with self.assertRaises(ValidationError):
            self.env["crm.lead"].with_user(self.salesman).with_context(
                crm_duplicate_merging_ids=(lead.id,)
            ).create({"name": "Other client's lead", "phone": "+7 495 100-22-33", "partner_id": first.id})
        self.assertEqual(self.env["res.partner"].search_count([("email", "=", "merging@example.com")]), 1)


@tagged("post_install", "-at_install")
class TestProcessAndIntakeSystemFields(TransactionCase):
    """The system fields of the business processes and the lead intake (crm.system.fields.mixin): what a
    salesperson could forge to effect through RPC is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(cls.env, login="sysf_process", groups="sales_team.group_sale_salesman")
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Process deal", "type": "opportunity", "user_id": cls.salesman.id}
        )
        cls.stage = cls.env.ref("crm.stage_lead3")
        cls.task = cls.env["crm.stage.task"].create(
            {
                "stage_id": cls.stage.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
                "summary": "Legal review",
                "assignee": "salesperson",
            }
        )

    def test_activity_cannot_be_tagged_as_a_stage_task(self):
        """Tagging one's own activity with a stage task would stop the task from being scheduled."""
        lead = self.lead.with_user(self.salesman)
        activity = lead.activity_schedule("mail.mail_activity_data_call", user_id=self.salesman.id)
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            activity.write({"crm_stage_task_id": self.task.id})
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            lead.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.salesman.id, crm_stage_task_id=self.task.id
            )
        self.assertFalse(self.env["mail.activity"].search([("crm_stage_task_id", "=", self.task.id)]))

    def test_delivered_date_is_the_systems(self):
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create({"partner_id": self.env.user.partner_id.id, "user_id": self.salesman.id})
        )
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            order.write({"crm_delivered_date": FORGED})
        self.assertFalse(order.crm_delivered_date)

    def test_first_contact_and_intake_source_are_the_systems(self):
        lead = self.lead.with_user(self.salesman)
        source = self.env["crm.lead.intake.source"].create({"name": "Web form"})
        for vals in (
            {"first_contact_date": FORGED},
            {"first_contact_hours": 0.1},
            {"first_contact_deadline": FORGED},
            {"intake_source_id": source.id},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "set by the system only"):
                lead.write(vals)
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            self.env["crm.lead"].with_user(self.salesman).with_context(
                default_intake_source_id=source.id
            ).create({"name": "From a form, allegedly"})
        self.assertFalse(self.lead.first_contact_date)
