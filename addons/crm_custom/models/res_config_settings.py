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
