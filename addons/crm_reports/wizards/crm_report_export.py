# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

REPORT_TYPES = [
    ("intake", "Lead Intake"),
    ("funnel", "Funnel"),
    ("sales", "Sales"),
    ("activity", "Department Activity"),
    ("plan", "Plan vs Fact"),
    ("channel", "Channel Effectiveness"),
]
GROUP_BYS = [
    ("user_id", "Salesperson"),
    ("team_id", "Sales Team"),
    ("month", "Month"),
    ("partner_id", "Customer"),
    ("product_id", "Product"),
    ("product_categ_id", "Product Category"),
    ("source_id", "Source"),
    ("medium_id", "Medium"),
    ("campaign_id", "Campaign"),
    ("stage_id", "Stage"),
    ("kpi_id", "KPI"),
]


class CrmReportExport(models.TransientModel):
    """The period, company and filters of an Excel export or of the PDF management summary.

    Each report is read through its model with the user's access rights (record rules apply); the file
    states the filters it was made with.
    """

    _name = "crm.report.export"
    _description = "Management Report Export"

    report_type = fields.Selection(REPORT_TYPES, string="Report", required=True, default="sales")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    date_from = fields.Date(string="From", required=True, default=lambda self: self._default_period()[0])
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_period()[1])
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", domain="[('company_id', 'in', [company_id, False])]"
    )
    user_ids = fields.Many2many("res.users", string="Salespeople", domain="[('share', '=', False)]")
    group_by = fields.Selection(GROUP_BYS, required=True, default="user_id")
    with_details = fields.Boolean(
        string="Detail Rows",
        default=True,
        help="Below the summary, one row per record with subtotals per group.",
    )

    @api.model
    def _default_period(self):
        today = self.env.company._crm_today()
        start = today.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(_("The period ends before it starts."))

    @api.onchange("report_type")
    def _onchange_report_type(self):
        self.group_by = self._spec()["groups"][0]

    # ------------------------------------------------------------------ the reports

    def _spec(self):
        """What each report exports: model, date field, detail columns, measures, groupings, chart."""
        self.ensure_one()
        specs = {
            "intake": {
                "model": "crm.report.lead.intake",
                "title": _("Lead Intake"),
                "date": "date",
                "columns": [
                    "date",
                    "lead_id",
                    "type",
                    "source_id",
                    "medium_id",
                    "campaign_id",
                    "product_id",
                    "stage_id",
                    "user_id",
                    "team_id",
                ],
                "measures": [
                    "lead_count",
                    "opportunity_count",
                    "won_count",
                    "lost_count",
                    "expected_revenue",
                ],
                "groups": ["source_id", "user_id", "team_id", "month", "product_id", "product_categ_id"],
                "chart": ("column", ["lead_count", "won_count"]),
                "order": "date, lead_id, id",
            },
            "funnel": {
                "model": "crm.report.funnel",
                "title": _("Funnel"),
                "date": "cohort_date",
                "columns": [
                    "cohort_date",
                    "lead_id",
                    "stage_id",
                    "date_reached",
                    "days_in_stage",
                    "user_id",
                    "team_id",
                    "source_id",
                    "won",
                    "lost",
                    "lost_reason_id",
                ],
                "measures": ["deal_count", "won_count", "lost_count"],
                "summary_measures": [
                    "deal_count",
                    "conversion",
                    "lost_count",
                    "drop_off",
                    "won_count",
                    "days_in_stage",
                ],
                "groups": ["stage_id", "user_id", "team_id", "source_id", "month"],
                "chart": ("bar", ["deal_count"]),
                "order": "cohort_date, lead_id, stage_sequence",
            },
            "sales": {
                "model": "crm.report.sales",
                "title": _("Sales"),
                "date": "date",
                "columns": [
                    "date",
                    "move_id",
                    "partner_id",
                    "product_id",
                    "product_categ_id",
                    "user_id",
                    "team_id",
                    "quantity",
                ],
                "measures": ["revenue"],
                "groups": ["user_id", "team_id", "month", "partner_id", "product_id", "product_categ_id"],
                "chart": ("column", ["revenue"]),
                "order": "date, id",
            },
            "activity": {
                "model": "crm.report.activity",
                "title": _("Department Activity"),
                "date": "date",
                "columns": ["date", "user_id", "team_id"],
                "measures": [
                    "calls_in",
                    "calls_out",
                    "calls_missed",
                    "talk_minutes",
                    "meetings",
                    "proposals_sent",
                    "deals_won",
                    "leads_new",
                    "revenue",
                ],
                "groups": ["user_id", "team_id", "month"],
                "chart": ("column", ["calls_in", "calls_out", "meetings"]),
                "order": "date, user_id, team_id",
            },
            "plan": {
                "model": "crm.report.plan.fact",
                "title": _("Plan vs Fact"),
                "date": "date",
                "columns": ["date", "team_id", "line_kind", "user_id", "kpi_id", "achievement"],
                "measures": ["target", "actual", "forecast", "team_target", "team_actual"],
                "groups": ["user_id", "team_id", "kpi_id", "month"],
                "chart": ("column", ["target", "actual"]),
                "order": "date, team_id, kpi_id, line_kind, user_id",
            },
            "channel": {
                "model": "crm.report.channel",
                "title": _("Channel Effectiveness"),
                "date": "date",
                "columns": [
                    "date",
                    "kind",
                    "source_id",
                    "medium_id",
                    "campaign_id",
                    "lead_id",
                    "user_id",
                    "team_id",
                ],
                "measures": ["lead_count", "opportunity_count", "won_count", "revenue", "spend"],
                "summary_measures": [
                    "lead_count",
                    "opportunity_count",
                    "won_count",
                    "revenue",
                    "spend",
                    "cost_per_lead",
                    "cost_per_won",
                    "romi",
                ],
                "groups": ["source_id", "medium_id", "campaign_id", "month", "user_id", "team_id"],
                "chart": ("column", ["spend", "revenue"]),
                "order": "date, kind, id",
            },
        }
        return specs[self.report_type]

    def _domain(self):
        """The records of the export: the company, the period (on the report's date) and the filters."""
        self.ensure_one()
        spec = self._spec()
        domain = [
            ("company_id", "=", self.company_id.id),
            (spec["date"], ">=", self.date_from),
            (spec["date"], "<=", self.date_to),
        ]
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        if self.report_type == "plan":
            domain.append(("kpi_id.code", "=", "revenue"))
        return domain

    def _filters_text(self):
        """The filters of the export, as written in the file's header."""
        self.ensure_one()
        parts = [_("Company: %(company)s", company=self.company_id.name)]
        parts.append(
            _(
                "Period: %(start)s - %(end)s",
                start=fields.Date.to_string(self.date_from),
                end=fields.Date.to_string(self.date_to),
            )
        )
        if self.team_ids:
            parts.append(_("Sales teams: %(teams)s", teams=", ".join(self.team_ids.mapped("name"))))
        if self.user_ids:
            parts.append(_("Salespeople: %(users)s", users=", ".join(self.user_ids.mapped("name"))))
        if self.report_type == "plan":
            parts.append(_("KPI: Revenue"))
        return parts

    def _group_label(self):
        return dict(self._fields["group_by"]._description_selection(self.env))[self.group_by]

    # ------------------------------------------------------------------ actions

    def _check_access_to_report(self):
        self.ensure_one()
        model = self.env[self._spec()["model"]]
        if not model.has_access("read"):
            raise UserError(
                _("You are not allowed to read the %(report)s report.", report=self._spec()["title"])
            )

    def action_export_xlsx(self):
        self._check_access_to_report()
        if self.group_by not in self._spec()["groups"]:
            raise UserError(_("This report cannot be grouped by %(group)s.", group=self._group_label()))
        return self.env.ref("crm_reports.crm_report_xlsx").report_action(self)

    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("crm_reports.crm_report_summary_pdf").report_action(self)
