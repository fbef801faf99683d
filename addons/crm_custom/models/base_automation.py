# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, api, fields, models, tools

# The suite's ready processes: code -> the company switch (res.company field) that turns it on.
PROCESS_SWITCHES = {
    "payment_call": "crm_process_payment_call",
    "payment_thanks": "crm_process_payment_thanks",
    "proposal_followup": "crm_process_proposal_followup",
    "feedback": "crm_process_feedback",
    "stage_tasks": "crm_process_stage_tasks",
    "idle": "crm_process_idle",
}
PROCESSES = [
    ("payment_call", "Call about payment"),
    ("payment_thanks", "Thank for the payment"),
    ("proposal_followup", "Follow up on the proposal"),
    ("feedback", "Ask for feedback"),
    ("stage_tasks", "Stage tasks"),
    ("idle", "Deals without planned activity"),
]


class BaseAutomation(models.Model):
    """The suite's processes are ordinary automation rules tagged with the process they belong to: a rule
    is active while at least one company has its process switched on (Settings > CRM Suite: Processes),
    and its filter checks the record's company switch, so that a process costs nothing where it is off."""

    _inherit = "base.automation"

    crm_process = fields.Selection(
        PROCESSES,
        string="CRM Suite Process",
        index=True,
        help="The suite's process this rule belongs to: it is activated and archived with the company "
        "switches of Settings > CRM > CRM Suite: Processes, and its conditions check the switch of the "
        "record's company.",
    )
    crm_company_calendar = fields.Boolean(
        string="Company Working Schedule",
        help="Count the working days of the delay on the working schedule of the record's company instead "
        "of the calendar chosen here.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        automations = super().create(vals_list)
        self.env.registry.clear_cache()  # _crm_rule_ids
        return automations

    def write(self, vals):
        result = super().write(vals)
        if {"model_id", "active", "trigger", "trigger_field_ids"}.intersection(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _get_actions(self, records, triggers):
        """Odoo searches the rules of the model on every create, write and recompute of a model that has
        active rules; the answer only changes when rules change, so it is cached (same result, no query)."""
        if "__action_done" not in self.env.context:
            self = self.with_context(__action_done={})  # noqa: PLW0642 - as Odoo's own implementation
        return self.browse(self._crm_rule_ids(records._name, tuple(triggers)))

    def _filter_post_export_domain(self, records, feedback=False):
        """Odoo evaluates a rule's condition after every write and every recomputation of a stored field of
        the model, then keeps the records whose trigger fields changed (``_check_trigger_fields``). When the
        rule has trigger fields and none of them is among the changed ones (the written fields, or the
        recomputed ones: the keys of ``old_values``), no record can pass: the condition is not evaluated.
        A new lead's creation recomputes about twenty stored fields, each of which evaluated the stage-task
        rule's condition (same result, less work)."""
        old_values = self.env.context.get("old_values")
        if records and old_values is not None:
            triggers = self._crm_trigger_names()
            if triggers and not any(name in values for values in old_values.values() for name in triggers):
                return records.browse(), None
        return super()._filter_post_export_domain(records, feedback=feedback)

    @tools.ormcache("self.id")
    def _crm_trigger_names(self):
        """Names of the rule's trigger fields, kept in each worker's cache until a rule changes."""
        return tuple(self.sudo().trigger_field_ids.mapped("name"))

    @api.model
    @tools.ormcache("model_name", "triggers")
    def _crm_rule_ids(self, model_name, triggers):
        rules = (
            self.sudo()
            .with_context(active_test=True)
            .search([("model_name", "=", model_name), ("trigger", "in", list(triggers))])
        )
        return tuple(rules.ids)

    @api.model
    def _get_calendar(self, automation, record):
        if automation.crm_company_calendar and "company_id" in record._fields and record.company_id:
            return record.company_id.resource_calendar_id or automation.trg_date_calendar_id
        return super()._get_calendar(automation, record)

    @api.model
    def _crm_process_wanted(self, process):
        """Whether ``process`` should run somewhere: a company has it on (stage tasks: and a stage has
        tasks)."""
        companies = self.env["res.company"].sudo().search([(PROCESS_SWITCHES[process], "=", True)], limit=1)
        if process == "stage_tasks" and companies:
            return bool(self.env["crm.stage.task"].sudo().search_count([], limit=1))
        return bool(companies)

    @api.model
    def _crm_process_sync(self, processes=None):
        """Activate the rules of the processes some company turned on, archive those of the processes no
        company uses. A rule an administrator archived while its process is on stays archived; when a
        process is turned on again after being off everywhere, all its rules are activated and the
        timed ones start from now (no burst for the records whose date passed while it was off)."""
        rules = (
            self.sudo()
            .with_context(active_test=False)
            .search([("crm_process", "in", list(processes or PROCESS_SWITCHES))])
        )
        now = fields.Datetime.now()
        for process, process_rules in rules.grouped("crm_process").items():
            wanted = self._crm_process_wanted(process)
            running = any(process_rules.mapped("active"))
            if wanted and not running:
                process_rules.filtered(lambda rule: rule.trigger == "on_time").last_run = now
                process_rules.active = True
            elif running and not wanted:
                process_rules.active = False

    # ---------------------------------------------------------------------------------------- demo

    @api.model
    def _crm_demo_processes(self):
        """Demo: every process switched on for the main company, and records that trigger each of them (an
        invoice to call about, a paid one, a quotation sent, a deal won and an order delivered three weeks
        ago, stage tasks, idle deals), the timed rules run once as their scheduled action would."""
        env = self.env
        company = env.ref("base.main_company")
        now = fields.Datetime.now()
        admin = env.ref("base.user_admin")
        proposition, won = env.ref("crm.stage_lead3"), env.ref("crm.stage_lead4")
        install = self.with_context(lang=env["res.lang"]._crm_install_lang()).env  # the tasks' titles
        env["crm.stage.task"].create(
            [
                {
                    "stage_id": proposition.id,
                    "sequence": 1,
                    "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
                    "summary": install._("Send the proposal"),
                    "delay_days": 1,
                    "assignee": "salesperson",
                },
                {
                    "stage_id": proposition.id,
                    "sequence": 2,
                    "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
                    "summary": install._("Prepare the estimate"),
                    "delay_days": 2,
                    "assignee": "user",
                    "user_id": admin.id,
                },
                {
                    "stage_id": proposition.id,
                    "sequence": 3,
                    "activity_type_id": env.ref("mail.mail_activity_data_meeting").id,
                    "summary": install._("Review the discount"),
                    "delay_days": 3,
                    "assignee": "team_leader",
                },
            ]
        )
        company.write({**dict.fromkeys(PROCESS_SWITCHES.values(), True), "crm_paid_stage_id": won.id})
        company.crm_idle_start = now - timedelta(days=30)
        # the rules patch the models only once the registry is loaded; the demo triggers them during the
        # install, so it patches them for its own run (the registry patches them again when it is ready)
        self._unregister_hook()
        self._register_hook()
        try:
            self._crm_demo_records(now)
        finally:
            self._unregister_hook()

    @api.model
    def _crm_demo_records(self, now):
        env = self.env
        demo = env.ref("base.user_demo")
        proposition = env.ref("crm.stage_lead3")
        Lead, Order, Move = env["crm.lead"], env["sale.order"], env["account.move"]
        service, goods = env.ref("product.product_product_1"), env.ref("product.product_product_4")

        def order_for(partner, product, lead=None, qty=1.0):
            return Order.create(
                {
                    "partner_id": partner.id,
                    "user_id": demo.id,
                    "opportunity_id": lead.id if lead else False,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": qty})],
                }
            )

        # stage tasks: a deal entering "Proposition"
        Lead.create(
            {
                "name": "Office chairs for the new floor",
                "type": "opportunity",
                "partner_id": env.ref("base.res_partner_3").id,
                "user_id": demo.id,
                "team_id": env.ref("sales_team.team_sales_department").id,
                "expected_revenue": 12000,
            }
        ).stage_id = proposition
        # call about payment: a posted invoice
        Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": env.ref("base.res_partner_2").id,
                "invoice_user_id": demo.id,
                "invoice_line_ids": [
                    Command.create({"product_id": service.id, "quantity": 2, "price_unit": 450})
                ],
            }
        ).action_post()
        # thank for the payment: a deal's order invoiced and paid, the deal moves to the Paid Stage
        paid_lead = Lead.create(
            {
                "name": "Interior design for the showroom",
                "type": "opportunity",
                "partner_id": env.ref("base.res_partner_12").id,
                "user_id": demo.id,
                "stage_id": proposition.id,
                "expected_revenue": 3000,
            }
        )
        paid_order = order_for(paid_lead.partner_id, service, paid_lead, qty=4)
        paid_order.action_confirm()
        paid_order.order_line.qty_delivered = 4
        invoice = paid_order._create_invoices()
        invoice.action_post()
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        # follow up on the proposal: a quotation sent
        order_for(env.ref("base.res_partner_4"), goods, qty=3).action_quotation_sent()
        # ask for feedback: a deal won and an order delivered three weeks ago
        won_lead = Lead.create(
            {
                "name": "Desks for the accounting team",
                "type": "opportunity",
                "partner_id": env.ref("base.res_partner_4").id,
                "user_id": demo.id,
                "expected_revenue": 5400,
            }
        )
        won_lead.action_set_won()
        delivered = order_for(env.ref("base.res_partner_3"), goods, qty=2)
        delivered.action_confirm()
        delivered.order_line.qty_delivered = 2
        # deals without planned activity: a key-account team whose deals sat idle for three weeks
        team = env["crm.team"].create(
            {
                "name": "Key Accounts",
                "user_id": env.ref("base.user_admin").id,
                "member_ids": [Command.set(demo.ids)],
            }
        )
        idle = Lead.create(
            [
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": env.ref(partner).id,
                    "user_id": demo.id,
                    "team_id": team.id,
                    "expected_revenue": revenue,
                }
                for name, partner, revenue in (
                    ("Shelving for the warehouse", "base.res_partner_2", 8000),
                    ("Reception desk", "base.res_partner_12", 2500),
                )
            ]
        )
        env.flush_all()
        past = now - timedelta(days=24)
        env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_conversion = %s, date_last_stage_update = %s "
            "WHERE id = ANY(%s)",
            (past, past, past, idle.ids),
        )
        env.cr.execute("UPDATE crm_lead SET date_closed = %s WHERE id = %s", (past, won_lead.id))
        env.cr.execute("UPDATE sale_order SET crm_delivered_date = %s WHERE id = %s", (past, delivered.id))
        env.invalidate_all()
        # the timed rules (feedback, idle deals) run once as if their scheduled action had been running
        rules = self.search([("crm_process", "in", ("feedback", "idle")), ("trigger", "=", "on_time")])
        rules.last_run = now - timedelta(days=40)
        self._check()
        # the feedback history of a client, the latest one unhappy
        Feedback = env["crm.client.feedback"].with_user(demo)
        Feedback.create(
            {
                "partner_id": env.ref("base.res_partner_2").id,
                "rating": "5",
                "date": now.date() - timedelta(days=60),
            }
        )
        Feedback.create(
            {
                "partner_id": env.ref("base.res_partner_2").id,
                "rating": "2",
                "comment": "The second delivery came a week late and nobody called us.",
            }
        )
