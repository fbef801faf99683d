# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    crm_first_sent_date = fields.Datetime(
        string="First Sent On",
        copy=False,
        readonly=True,
        index=True,
        help="When the quotation was first sent to the customer (state Quotation Sent); the date of the "
        "Proposals Sent KPI.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state") == "sent" and not vals.get("crm_first_sent_date"):
                vals["crm_first_sent_date"] = fields.Datetime.now()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") == "sent":
            first = self.filtered(lambda order: not order.crm_first_sent_date)
            if first:
                super(SaleOrder, first).write({"crm_first_sent_date": fields.Datetime.now()})
        return super().write(vals)
