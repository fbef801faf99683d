# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.tools import float_compare


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

    crm_delivered_date = fields.Datetime(
        string="Fully Delivered On",
        compute="_compute_crm_delivered_date",
        store=True,
        copy=False,
        system=True,  # the date the Ask for Feedback process counts from: computed, never written by users
        help="When the last goods of the confirmed order were delivered (every line of goods delivered in "
        "full); empty while something is left to deliver or the order has no goods.",
    )

    def init(self):
        # the won deals' revenue (crm.kpi) and the channel report find the orders of opportunities through it
        tools.create_index(
            self.env.cr,
            "sale_order_crm_opportunity_idx",
            self._table,
            ["opportunity_id"],
            where="opportunity_id IS NOT NULL",
        )

    @api.depends(
        "state",
        "order_line.qty_delivered",
        "order_line.product_uom_qty",
        "order_line.product_id.type",
        "order_line.display_type",
    )
    def _compute_crm_delivered_date(self):
        for order in self:
            goods = order.order_line.filtered(
                lambda line: (
                    not line.display_type
                    and not line.is_downpayment
                    and line.product_id.type == "consu"
                    and line.product_uom_qty > 0
                )
            )
            delivered = (
                order.state == "sale"
                and goods
                and all(
                    float_compare(
                        line.qty_delivered,
                        line.product_uom_qty,
                        precision_rounding=line.product_uom.rounding or 0.01,
                    )
                    >= 0
                    for line in goods
                )
            )
            order.crm_delivered_date = (
                (order.crm_delivered_date or fields.Datetime.now()) if delivered else False
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
        result = super().write(vals)
        if "opportunity_id" in vals:
            # the orders' invoiced revenue moves to their new deal (crm.deal.invoice.line)
            attribution = self.env["crm.deal.invoice.line"]
            attribution._refresh(line_ids=attribution._line_ids_of_orders(self.ids))
        return result

    def unlink(self):
        attribution = self.env["crm.deal.invoice.line"]
        items = attribution._line_ids_of_orders(self.ids)
        result = super().unlink()
        attribution._refresh(line_ids=items)
        return result
