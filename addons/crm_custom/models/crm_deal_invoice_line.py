# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

# The (journal item, opportunity) pairs of revenue: a journal item of revenue (crm.kpi._revenue_line_filter)
# invoiced from an order line of a sale order of the opportunity. A journal item invoiced from the orders of
# several opportunities has one row per opportunity; ``is_primary`` marks the oldest (lowest id) of them, the
# one the channel report credits so that it never counts the item twice.
_INSERT_SQL = """
    INSERT INTO crm_deal_invoice_line (move_line_id, opportunity_id, is_primary, company_id, currency_id,
                                       invoice_date, balance)
    SELECT l.id, pair.opportunity_id,
           pair.opportunity_id = MIN(pair.opportunity_id) OVER (PARTITION BY l.id),
           l.company_id, l.company_currency_id, l.invoice_date, l.balance
      FROM (
            SELECT DISTINCT rel.invoice_line_id, so.opportunity_id
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
             WHERE so.opportunity_id IS NOT NULL AND %(items)s
           ) pair
      JOIN account_move_line l ON l.id = pair.invoice_line_id
      JOIN account_move m ON m.id = l.move_id
     WHERE %(revenue)s
"""


class CrmDealInvoiceLine(models.Model):
    """The journal items of revenue invoiced from the sale orders of each opportunity (technical).

    Kept by the system, set-based, in the statements that can change it: a move posted, reset to draft or
    cancelled, journal items linked to or unlinked from order lines, an order's opportunity changed, orders,
    order lines and opportunities deleted (journal items and moves deleted: the foreign keys cascade). The
    won deals' revenue (``crm.kpi``) and crm_reports' channel report read it instead of recomputing the
    links of every sale order; ``_rebuild`` recomputes it from scratch (install, upgrade, tests).
    """

    _name = "crm.deal.invoice.line"
    _description = "Revenue Journal Item of a Deal"
    _log_access = False
    _rec_name = "move_line_id"
    _order = "move_line_id, opportunity_id"

    move_line_id = fields.Many2one(
        "account.move.line", string="Journal Item", required=True, readonly=True, ondelete="cascade"
    )
    opportunity_id = fields.Many2one("crm.lead", required=True, readonly=True, index=True, ondelete="cascade")
    is_primary = fields.Boolean(
        string="Credited Deal",
        readonly=True,
        help="The oldest of the opportunities that invoiced this journal item: the one the channel report "
        "credits with its revenue.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_date = fields.Date(readonly=True)
    balance = fields.Monetary(readonly=True, currency_field="currency_id")

    _sql_constraints = [
        (
            "move_line_opportunity_unique",
            "unique(move_line_id, opportunity_id)",
            "A journal item counts once for an opportunity.",
        )
    ]

    def init(self):
        # the channel report reads the credited rows of a company, by invoice date
        tools.create_index(
            self.env.cr,
            "crm_deal_invoice_line_primary_idx",
            self._table,
            ["company_id", "invoice_date"],
            where="is_primary",
        )

    # ------------------------------------------------------------------ kept by the system only

    @api.model_create_multi
    def create(self, vals_list):
        self._refuse()
        return super().create(vals_list)

    def write(self, vals):
        self._refuse()
        return super().write(vals)

    def unlink(self):
        self._refuse()
        return super().unlink()

    @api.model
    def _refuse(self):
        # the system writes the rows in SQL (``_refresh``): through the ORM, nobody does, not even an admin
        raise AccessError(
            _(
                "The revenue journal items of the deals are kept by the system from the posted invoices and "
                "their sale orders; they cannot be created, changed or deleted by hand."
            )
        )

    # ------------------------------------------------------------------ maintenance

    @api.model
    def _refresh_sql(self, items=None):
        """SQL that recomputes the rows of the journal items ``items`` (SQL of journal item ids; every
        journal item when None)."""
        kpi = self.env["crm.kpi"]
        if items is None:
            return SQL(
                "TRUNCATE crm_deal_invoice_line; " + _INSERT_SQL,
                items=SQL("TRUE"),
                revenue=kpi._revenue_line_filter("l", "m"),
            )
        return SQL(
            "DELETE FROM crm_deal_invoice_line WHERE move_line_id IN (%(ids)s); " + _INSERT_SQL,
            ids=items,
            items=SQL("rel.invoice_line_id IN (%s)", items),
            revenue=kpi._revenue_line_filter("l", "m"),
        )

    @api.model
    def _refresh(self, line_ids=None, move_ids=None):
        """Recompute the rows of the journal items ``line_ids`` and of the journal items of the moves
        ``move_ids`` (one statement for all of them)."""
        parts = []
        if line_ids:
            parts.append(SQL("SELECT unnest(%s::int[])", sorted(set(line_ids))))
        if move_ids:
            parts.append(
                SQL("SELECT id FROM account_move_line WHERE move_id = ANY(%s)", sorted(set(move_ids)))
            )
        if not parts:
            return
        self._flush_sources()
        self.env.cr.execute(self._refresh_sql(SQL(" UNION ").join(parts)))
        self.invalidate_model()

    @api.model
    def _rebuild(self):
        """Recompute every row from the posted invoices and the sale orders (install, upgrade, tests)."""
        self._flush_sources()
        self.env.cr.execute(self._refresh_sql())
        self.invalidate_model()

    @api.model
    def _flush_sources(self):
        self.env["account.move"].flush_model(["move_type", "state"])
        self.env["account.move.line"].flush_model(
            ["move_id", "parent_state", "display_type", "company_id", "invoice_date", "balance"]
        )
        self.env["sale.order"].flush_model(["opportunity_id"])
        self.env["sale.order.line"].flush_model(["order_id", "invoice_lines"])

    @api.model
    def _line_ids_of_orders(self, order_ids):
        """The journal items invoiced from the order lines of the orders ``order_ids``."""
        if not order_ids:
            return []
        self.env["sale.order.line"].flush_model(["order_id", "invoice_lines"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT rel.invoice_line_id
                  FROM sale_order_line sol
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                 WHERE sol.order_id = ANY(%s)
                """,
                list(order_ids),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
