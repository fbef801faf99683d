# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required",
        readonly=False,
    )

    # -- data quality (issue 3) --------------------------------------------------------------------
    crm_duplicate_guard = fields.Selection(
        related="company_id.crm_duplicate_guard",
        readonly=False,
    )
    crm_client_active_days = fields.Integer(
        related="company_id.crm_client_active_days",
        readonly=False,
    )
    crm_card_quality_digest = fields.Boolean(
        related="company_id.crm_card_quality_digest",
        readonly=False,
    )

    # -- sales plans (issue 4) ---------------------------------------------------------------------
    crm_tz = fields.Selection(related="company_id.crm_tz", readonly=False)
    crm_plan_revenue_paid_only = fields.Boolean(
        related="company_id.crm_plan_revenue_paid_only", readonly=False
    )
    crm_plan_unrealistic_share = fields.Float(related="company_id.crm_plan_unrealistic_share", readonly=False)
    crm_plan_unrealistic_months = fields.Integer(
        related="company_id.crm_plan_unrealistic_months", readonly=False
    )

    # -- processes ---------------------------------------------------------------------------------
    crm_process_payment_call = fields.Boolean(related="company_id.crm_process_payment_call", readonly=False)
    crm_process_payment_thanks = fields.Boolean(
        related="company_id.crm_process_payment_thanks", readonly=False
    )
    crm_process_proposal_followup = fields.Boolean(
        related="company_id.crm_process_proposal_followup", readonly=False
    )
    crm_process_feedback = fields.Boolean(related="company_id.crm_process_feedback", readonly=False)
    crm_process_stage_tasks = fields.Boolean(related="company_id.crm_process_stage_tasks", readonly=False)
    crm_process_idle = fields.Boolean(related="company_id.crm_process_idle", readonly=False)
    crm_idle_days = fields.Integer(related="company_id.crm_idle_days", readonly=False)
    crm_paid_stage_id = fields.Many2one(related="company_id.crm_paid_stage_id", readonly=False)
    crm_portfolio_access = fields.Boolean(related="company_id.crm_portfolio_access", readonly=False)

    def action_crm_open_process_rules(self):
        """The automation rules of the suite's processes, to read, change or copy them."""
        action = self.env["ir.actions.actions"]._for_xml_id("base_automation.base_automation_act")
        action["domain"] = [("crm_process", "!=", False)]
        action["context"] = {"active_test": False, "search_default_group_by_crm_process": 1}
        return action

    # -- lead intake -------------------------------------------------------------------------------
    crm_first_contact = fields.Boolean(related="company_id.crm_first_contact", readonly=False)
    crm_first_contact_sla = fields.Float(related="company_id.crm_first_contact_sla", readonly=False)
    crm_intake_email_to_card = fields.Boolean(related="company_id.crm_intake_email_to_card", readonly=False)
