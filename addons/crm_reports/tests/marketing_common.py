# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command

from .common import ReportsCommon, at


class MarketingCommon(ReportsCommon):
    """Channels (utm sources) with leads, won deals invoiced through their sale orders, marketing spend."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["utm.source"]
        cls.source_1 = Source.create({"name": "Search Ads"})
        cls.source_2 = Source.create({"name": "Exhibition"})
        cls.source_3 = Source.create({"name": "Radio"})  # spend, no lead
        cls.medium = cls.env["utm.medium"].create({"name": "Paid"})
        cls.campaign = cls.env["utm.campaign"].create({"name": "Spring"})
        cls.service = cls.env["product.product"].create(
            {"name": "Implementation", "type": "service", "invoice_policy": "order", "list_price": 100.0}
        )

    @classmethod
    def _lead(cls, name, source=None, kind="opportunity", created="2026-03-05 10:00:00", user=None, **vals):
        with at(cls.env, created):
            return cls.env["crm.lead"].create(
                {
                    "name": name,
                    "type": kind,
                    "company_id": cls.company.id,
                    "user_id": (user or cls.salesman_1).id,
                    "team_id": cls.team.id,
                    "partner_id": cls.customer.id,
                    "source_id": source.id if source else False,
                    "medium_id": cls.medium.id if source else False,
                    **vals,
                }
            )

    @classmethod
    def _won(cls, lead, when="2026-03-08 10:00:00"):
        with at(cls.env, when):
            lead.action_set_won()
        return lead

    @classmethod
    def _order_invoice(cls, lead, amount, invoice_date, post=True):
        """A confirmed sale order of the opportunity (as from its Quotations button), invoiced at
        ``amount`` untaxed on ``invoice_date``."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": lead.partner_id.id,
                "opportunity_id": lead.id,
                "user_id": lead.user_id.id,
                "team_id": lead.team_id.id,
                "company_id": cls.company.id,
                "order_line": [
                    Command.create({"product_id": cls.service.id, "product_uom_qty": 1, "price_unit": amount})
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = invoice_date
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _credit_note(cls, invoice, amount, date):
        """A posted credit note of ``amount`` (untaxed) reversing part of ``invoice`` (linked to the same
        sale order lines, as Odoo's reversal leaves it)."""
        wizard = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"date": date, "journal_id": invoice.journal_id.id, "reason": "Partial return"})
        )
        wizard.refund_moves()
        credit = invoice.reversal_move_ids
        credit.invoice_date = date
        credit.invoice_line_ids.price_unit = amount
        credit.action_post()
        return credit

    @classmethod
    def _cost(cls, source, month, amount, company=None, medium=None, campaign=None):
        return cls.env["crm.marketing.cost"].create(
            {
                "company_id": (company or cls.company).id,
                "date": month,
                "source_id": source.id,
                "medium_id": medium.id if medium else False,
                "campaign_id": campaign.id if campaign else False,
                "amount": amount,
            }
        )
