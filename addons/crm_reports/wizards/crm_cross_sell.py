# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class CrmCrossSell(models.TransientModel):
    """Cross-sell: the clients who bought A but never B, with their salesperson, to offer them B.

    A and B are each a product or a product category (its sub-categories included). The books read are those
    of the companies of the company filter: a client who bought B only through a company outside the filter
    is listed (it never bought B from these companies); once that company is in the filter, it is not.

    - bought A: the client's revenue of A (invoices minus credit notes, as in the sales report) over the
      period is positive, among the sales-report rows the user may read (a salesperson: their own);
    - never bought B: no posted customer invoice of B to the client in those companies, at any date, whoever
      the salesperson (otherwise a salesperson would offer B to a colleague's buyer of B).
    """

    _name = "crm.cross.sell"
    _description = "Cross-Sell: Bought A but Never B"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="Whose books are read, for A and for B: a client who bought B only through a company not "
        "listed here counts as never having bought B.",
    )
    a_product_id = fields.Many2one("product.product", string="Bought Product")
    a_categ_id = fields.Many2one("product.category", string="Bought Category")
    b_product_id = fields.Many2one("product.product", string="Never Bought Product")
    b_categ_id = fields.Many2one("product.category", string="Never Bought Category")
    date_from = fields.Date(string="Bought From", help="First invoice date of A purchases (empty: any).")
    date_to = fields.Date(string="Bought To", help="Last invoice date of A purchases (empty: any).")
    line_ids = fields.One2many("crm.cross.sell.line", "wizard_id", string="Clients")
    client_count = fields.Integer(compute="_compute_client_count")
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False),
        domain="[('res_model', 'in', (False, 'res.partner'))]",
    )
    activity_days = fields.Integer(
        string="Due in (days)", default=7, help="Deadline of the activities, counted from today."
    )

    @api.depends("line_ids")
    def _compute_client_count(self):
        for wizard in self:
            wizard.client_count = len(wizard.line_ids)

    @api.constrains("a_product_id", "a_categ_id", "b_product_id", "b_categ_id")
    def _check_a_b(self):
        for wizard in self:
            if bool(wizard.a_product_id) == bool(wizard.a_categ_id):
                raise ValidationError(
                    _("Choose what the clients bought: a product or a category (one of them).")
                )
            if bool(wizard.b_product_id) == bool(wizard.b_categ_id):
                raise ValidationError(
                    _("Choose what the clients never bought: a product or a category (one of them).")
                )

    @api.constrains("company_ids")
    def _check_companies(self):
        for wizard in self.sudo():
            if wizard.company_ids - self.env.user.company_ids:
                raise ValidationError(_("You can only read the books of your companies."))

    # ------------------------------------------------------------------ labels

    def _a_label(self):
        return self.a_product_id.display_name or self.a_categ_id.display_name

    def _b_label(self):
        return self.b_product_id.display_name or self.b_categ_id.display_name

    # ------------------------------------------------------------------ search

    def _product_domain(self, product, categ, field="product_id"):
        if product:
            return [(field, "=", product.id)]
        return [(f"{field}.categ_id", "child_of", categ.id)]

    def _a_domain(self):
        domain = [
            ("company_id", "in", self.company_ids.ids),
            *self._product_domain(self.a_product_id, self.a_categ_id),
        ]
        if self.date_from:
            domain.append(("date", ">=", self.date_from))
        if self.date_to:
            domain.append(("date", "<=", self.date_to))
        return domain

    def _b_products(self):
        """SQL of the ids of the products that are B."""
        if self.b_product_id:
            return SQL("SELECT %s", self.b_product_id.id)
        categs = self.env["product.category"].sudo().search([("id", "child_of", self.b_categ_id.id)])
        return SQL(
            "SELECT pp.id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id"
            " WHERE pt.categ_id IN %s",
            tuple(categs.ids),
        )

    def _find_clients(self):
        """``[(client id, revenue of A, last invoice date of A)]`` in one query: the A rows the user may read
        (``crm.report.sales`` with its record rules), grouped by client, minus the clients with a posted
        customer invoice of B in the filter's companies."""
        self.ensure_one()
        # the record rules of the report apply with the filter's companies as the allowed ones
        companies = sorted(self.company_ids.ids, key=lambda cid: cid != self.company_id.id)
        sales = self.env["crm.report.sales"].with_context(allowed_company_ids=companies)
        if not sales.has_access("read"):
            raise UserError(_("You are not allowed to read the sales report."))
        query = sales._search(self._a_domain())
        table = sales._table
        rows = query.select(
            SQL.identifier(table, "partner_id"),
            SQL.identifier(table, "revenue"),
            SQL.identifier(table, "date"),
        )
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.partner_id, SUM(a.revenue), MAX(a.date)
                  FROM (%(rows)s) a
                 WHERE a.partner_id IS NOT NULL
                   AND NOT EXISTS (
                        SELECT 1
                          FROM account_move m
                          JOIN account_move_line l ON l.move_id = m.id
                         WHERE m.commercial_partner_id = a.partner_id
                           AND m.move_type = 'out_invoice' AND m.state = 'posted'
                           AND l.display_type = 'product' AND l.company_id IN %(companies)s
                           AND l.product_id IN (%(b)s))
                 GROUP BY a.partner_id
                HAVING SUM(a.revenue) > 0
                 ORDER BY SUM(a.revenue) DESC, a.partner_id
                """,
                rows=rows,
                companies=tuple(self.company_ids.ids),
                b=self._b_products(),
            )
        )
        return self.env.cr.fetchall()

    def action_find_clients(self):
        """List the clients who bought A but never B (the list replaces the previous one)."""
        self.ensure_one()
        found = self._find_clients()
        partners = self.env["res.partner"].sudo().browse([row[0] for row in found])
        self.line_ids.unlink()
        self.env["crm.cross.sell.line"].create(
            [
                {
                    "wizard_id": self.id,
                    "partner_id": partner_id,
                    "user_id": partner.user_id.id,
                    "revenue": revenue,
                    "last_date": last_date,
                }
                for (partner_id, revenue, last_date), partner in zip(found, partners, strict=True)
            ]
        )
        return self.action_open_clients()

    def action_open_clients(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_reports.crm_cross_sell_line_action")
        action["name"] = _("Bought %(a)s, never %(b)s", a=self._a_label(), b=self._b_label())
        action["domain"] = [("wizard_id", "=", self.id)]
        action["context"] = {"default_wizard_id": self.id}
        return action
