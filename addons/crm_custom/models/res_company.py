# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_lost_reason_required = fields.Boolean(
        string="Lost Reason Required",
        default=True,
        help="A deal of this company can only be marked lost with a lost reason.",
    )

    # Sales plans (issue 4)
    crm_plan_revenue_paid_only = fields.Boolean(
        string="Plan Revenue: Paid Invoices Only",
        help="The Revenue KPI counts only invoices and credit notes that are paid, in payment or reversed "
        "by a credit note.",
    )
    crm_plan_unrealistic_share = fields.Float(
        string="Unrealistic Plan: Share of Members Missing (%)",
        default=70.0,
        help="A team's next plan is flagged likely unrealistic when, in each of the last months counted, "
        "more than this share of its members missed their revenue plan.",
    )
    crm_plan_unrealistic_months = fields.Integer(
        string="Unrealistic Plan: Consecutive Months",
        default=3,
        help="How many consecutive months of missed revenue plans trigger the realism rule and the coaching "
        "list.",
    )
