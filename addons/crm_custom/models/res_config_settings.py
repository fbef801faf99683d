# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required",
        readonly=False,
    )

    # Sales plans (issue 4)
    crm_plan_revenue_paid_only = fields.Boolean(
        related="company_id.crm_plan_revenue_paid_only", readonly=False
    )
    crm_plan_unrealistic_share = fields.Float(related="company_id.crm_plan_unrealistic_share", readonly=False)
    crm_plan_unrealistic_months = fields.Integer(
        related="company_id.crm_plan_unrealistic_months", readonly=False
    )
