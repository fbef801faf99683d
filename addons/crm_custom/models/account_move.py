# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
