# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools.misc import format_date

from .report_help import HELP


class CrmMarketingCost(models.Model):
    """What advertising cost, per month and channel (utm source, medium, campaign), in the company currency.

    Entered by marketing or imported from a spreadsheet (Odoo's import, with the template of
    ``get_import_templates``); the channel report sets it against the leads and the revenue of the channel.
    """

    _name = "crm.marketing.cost"
    _description = "Marketing Spend"
    _check_company_auto = True
    _order = "date desc, source_id, medium_id, campaign_id, id"
    _rec_names_search = ["source_id", "medium_id", "campaign_id", "note"]

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="Month",
        required=True,
        index=True,
        default=lambda self: self._default_month(),
        help=HELP["cost.date"],
    )
    source_id = fields.Many2one("utm.source", required=True, ondelete="restrict", index=True)
    medium_id = fields.Many2one("utm.medium", ondelete="restrict")
    campaign_id = fields.Many2one("utm.campaign", ondelete="restrict")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, currency_field="currency_id", help=HELP["cost.amount"])
    note = fields.Char()

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A marketing spend cannot be negative."),
        (
            "date_first_of_month",
            "CHECK(date = date_trunc('month', date)::date)",
            "A marketing spend is entered for a month (its first day).",
        ),
    ]

    @api.model
    def _default_month(self):
        return self.env.company._crm_today().replace(day=1)

    @api.depends("date", "source_id", "medium_id", "campaign_id")
    def _compute_display_name(self):
        for cost in self:
            channel = " / ".join(
                name for name in (cost.source_id.name, cost.medium_id.name, cost.campaign_id.name) if name
            )
            month = format_date(self.env, cost.date, date_format="LLLL yyyy") if cost.date else ""
            cost.display_name = f"{channel} ({month})" if month else channel

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._first_of_month(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._first_of_month(vals)
        return super().write(vals)

    @api.model
    def _first_of_month(self, vals):
        """A spend belongs to a month: any day of it (typed in a form or a spreadsheet) means the month."""
        if vals.get("date"):
            vals["date"] = fields.Date.to_date(vals["date"]).replace(day=1)

    # ------------------------------------------------------------------ demo

    @api.model
    def _demo_create_year(self, channels):
        """Demo: a spend per month for the last 12 months of each ``(source xml id, medium xml id, campaign
        xml id or False, monthly amount)`` of ``channels``, varying from month to month (reproducible)."""
        today = self.env.company._crm_today().replace(day=1)
        vals_list = []
        for index, (source, medium, campaign, amount) in enumerate(channels):
            for month in range(12):
                vals_list.append(
                    {
                        "company_id": self.env.company.id,
                        "date": today - relativedelta(months=month),
                        "source_id": self.env.ref(source).id,
                        "medium_id": self.env.ref(medium).id if medium else False,
                        "campaign_id": self.env.ref(campaign).id if campaign else False,
                        "amount": round(amount * (0.8 + 0.05 * ((month * 7 + index * 3) % 9)), -1),
                        "note": _("Demo spend"),
                    }
                )
        return self.create(vals_list)

    # ------------------------------------------------------------------ import

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": _("Import Template for Marketing Spend"),
                "template": "/crm_reports/static/xls/crm_marketing_cost.xlsx",
            }
        ]
