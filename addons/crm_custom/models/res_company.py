# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.base.models.res_partner import _tz_get


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_lost_reason_required = fields.Boolean(
        string="Lost Reason Required",
        default=True,
        help="A deal of this company can only be marked lost with a lost reason.",
    )

    # -- data quality (issue 3) --------------------------------------------------------------------
    crm_duplicate_guard = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Duplicate Guard",
        default="warn",
        required=True,
        help="What happens when a partner or lead of this company is saved with the same E.164 phone or "
        "mobile, normalized e-mail or tax id as another client's card: Off does nothing, Warn saves and "
        "flags it, Block refuses it.",
    )
    crm_client_active_days = fields.Integer(
        string="Active Client Period (days)",
        default=180,
        help="A client is active when it has a posted customer invoice dated within this many days.",
    )

    crm_card_quality_digest = fields.Boolean(
        string="Daily Card-Quality Digest",
        help="After the nightly card-quality table, e-mail each sales manager of the company its summary per "
        "salesperson (score and trend against the previous day).",
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

    # Periods of the whole suite (plans, KPIs, reports, dashboards)
    crm_tz = fields.Selection(
        _tz_get,
        string="Reporting Timezone",
        compute="_compute_crm_tz",
        store=True,
        readonly=False,
        help="Periods of the CRM suite (plan KPIs, reports, dashboards) are calendar days in this timezone; "
        "it defaults to the timezone of the company's address (UTC when it has none).",
    )

    @api.depends("partner_id.tz")
    def _compute_crm_tz(self):
        for company in self:
            if not company.crm_tz:
                company.crm_tz = company.partner_id.tz or "UTC"

    def _crm_today(self):
        """Today's date in the company's reporting timezone."""
        self.ensure_one()
        return fields.Date.context_today(self.with_context(tz=self.crm_tz or "UTC"))

    def write(self, vals):
        result = super().write(vals)
        if "crm_client_active_days" in vals:
            # the period moves clients between active and dormant without any invoice changing
            partners = (
                self.env["res.partner"]
                .with_context(active_test=False)
                .search(
                    [("client_status", "in", ("active", "dormant")), ("company_id", "in", [False, *self.ids])]
                )
            )
            partners._recompute_client_status()
        return result
