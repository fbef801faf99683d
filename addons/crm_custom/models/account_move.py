# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .crm_kpi import REVENUE_MOVE_TYPES

# a move's journal items are revenue or not by these fields (crm.kpi._revenue_line_filter); posted, the
# others cannot change
ATTRIBUTION_FIELDS = ("state", "move_type")  # a posted move keeps its invoice date


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "crm.system.fields.mixin"]

    # set by the process only (system=True): set by hand, it would stop the thank-you e-mail and the deal's
    # move to the Paid Stage; cleared, it would send the e-mail again
    crm_payment_thanked = fields.Boolean(
        string="Thanked for Payment",
        readonly=True,
        copy=False,
        system=True,
        help="The customer got the thank-you e-mail for paying this invoice (process Thank for the "
        "Payment); it is sent once.",
    )

    def write(self, vals):
        invoices = self._crm_revenue_moves() if any(name in vals for name in ATTRIBUTION_FIELDS) else None
        result = super().write(vals)
        if invoices is not None:
            # posted, reset to draft or cancelled: their journal items gain or lose their deals' revenue
            self.env["crm.deal.invoice.line"]._refresh(move_ids=(invoices | self._crm_revenue_moves()).ids)
        return result

    def _crm_revenue_moves(self):
        return self.filtered(lambda move: move.move_type in REVENUE_MOVE_TYPES)

    def _crm_deals(self):
        """The opportunities these invoices bill, through their sales orders."""
        return self.invoice_line_ids.sale_line_ids.order_id.opportunity_id

    def _crm_move_deals_to_paid_stage(self):
        """Process Thank for the Payment: move the invoices' opportunities to their company's Paid Stage
        (when the company sets one; a deal already there or lost stays where it is)."""
        for move in self:
            stage = move.company_id.crm_paid_stage_id
            if not stage:
                continue
            deals = move._crm_deals().filtered(
                lambda deal, stage=stage: deal.active and deal.stage_id != stage
            )
            if deals:
                deals.write({"stage_id": stage.id})
