# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "crm.system.fields.mixin"]

    crm_first_sent_date = fields.Datetime(
        string="First Sent On",
        copy=False,
        readonly=True,
        index=True,
        system=True,  # input of the Proposals Sent KPI: set when the quotation is first sent, never by users
        help="When the quotation was first sent to the customer (state Quotation Sent); the date of the "
        "Proposals Sent KPI.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        sent = orders.filtered(lambda order: order.state == "sent" and not order.crm_first_sent_date)
        if sent:
            sent._system_write({"crm_first_sent_date": fields.Datetime.now()})
        return orders

    def write(self, vals):
        if vals.get("state") == "sent":
            first = self.filtered(lambda order: not order.crm_first_sent_date)
            if first:
                first._system_write({"crm_first_sent_date": fields.Datetime.now()})
        return super().write(vals)
