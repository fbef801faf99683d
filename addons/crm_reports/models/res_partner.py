# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .report_help import HELP

_logger = logging.getLogger(__name__)

ABC_CLASSES = [("a", "A"), ("b", "B"), ("c", "C")]
# shares of the revenue that the A clients, then the A and B clients, make up
ABC_THRESHOLDS = (0.80, 0.95)

# month * 100 + day of the birthdate; immutable, so PostgreSQL indexes it
_BIRTHDAY_KEY_SQL = "((EXTRACT(MONTH FROM birthdate_date) * 100 + EXTRACT(DAY FROM birthdate_date))::int)"


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_birthday_key = fields.Integer(
        string="Birthday (Month and Day)",
        compute="_compute_crm_birthday_key",
        search="_search_crm_birthday_key",
        help="Month and day of the birthdate as a number (14 May: 514), whatever the year: the dashboards "
        "find the birthdays of the coming days with it.",
    )

    def init(self):
        result = super().init()
        tools.create_index(
            self.env.cr,
            "res_partner_crm_birthday_key_idx",
            self._table,
            [_BIRTHDAY_KEY_SQL],
            where="birthdate_date IS NOT NULL",
        )
        return result

    @api.depends("birthdate_date")
    def _compute_crm_birthday_key(self):
        for partner in self:
            day = partner.birthdate_date
            partner.crm_birthday_key = day.month * 100 + day.day if day else 0

    def _search_crm_birthday_key(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(f"Operator {operator} is not supported on crm_birthday_key")
        keys = [value] if operator == "=" else list(value)
        keys = [int(key) for key in keys if key and not isinstance(key, bool)]
        if not keys:
            return [("id", "=", False)]
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT id FROM res_partner WHERE birthdate_date IS NOT NULL AND %s IN %s)",
                    SQL(_BIRTHDAY_KEY_SQL),
                    tuple(keys),
                ),
            )
        ]

    crm_abc_class = fields.Selection(
        ABC_CLASSES,
        string="ABC Class",
        company_dependent=True,
        readonly=True,
        copy=False,
        help=HELP["partner.abc_class"],
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._crm_abc_drop(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "crm_abc_class" in vals and not self.env.su:
            vals = dict(vals)
            self._crm_abc_drop(vals)
        return super().write(vals)

    def _crm_abc_drop(self, vals):
        """The class is computed from the books: what a user's call gives for it is left out (Odoo's partner
        merge copies every stored field to the merged partner, which must still work)."""
        if vals.pop("crm_abc_class", None):
            _logger.info("User %s: the ABC class is set by the nightly job only, value ignored", self.env.uid)

    # ------------------------------------------------------------------ ABC analysis

    @api.model
    def _cron_crm_abc(self):
        """Nightly: the ABC classes of every company's clients, one statement per company."""
        for company in self.env["res.company"].sudo().search([]):
            self._crm_abc_compute(company)

    @api.model
    def _crm_abc_period(self, company):
        """(first day, last day) of the company's ABC period: its last ``crm_abc_months`` months, up to today
        (in the company's reporting timezone)."""
        today = company._crm_today()
        months = max(company.crm_abc_months or 12, 1)
        return today - relativedelta(months=months) + relativedelta(days=1), today

    @api.model
    def _crm_abc_compute(self, company, date_from=None, date_to=None):
        """Set the ABC class of the company's clients from their revenue over the period (default: the
        company's ABC period), set-based: the revenue per client (the Revenue definition of the sales report:
        product lines of posted customer invoices minus credit notes, company currency), ranked by a window
        function, written in one UPDATE; the classes of clients without revenue in the period are cleared.
        Returns ``{class: number of clients}``."""
        if date_from is None or date_to is None:
            date_from, date_to = self._crm_abc_period(company)
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        self.flush_model(["crm_abc_class"])
        low, high = ABC_THRESHOLDS
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
                WITH revenue AS (
                    SELECT m.commercial_partner_id AS partner_id, SUM(-l.balance) AS revenue
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id
                     WHERE l.company_id = %(company)s AND %(lines)s
                       AND l.invoice_date BETWEEN %(date_from)s AND %(date_to)s
                       AND m.commercial_partner_id IS NOT NULL
                     GROUP BY 1
                ),
                ranked AS (
                    SELECT partner_id, revenue,
                           COALESCE(SUM(GREATEST(revenue, 0)) OVER (
                               ORDER BY revenue DESC, partner_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
                           SUM(GREATEST(revenue, 0)) OVER () AS total
                      FROM revenue
                ),
                classes AS (
                    SELECT partner_id,
                           CASE WHEN revenue > 0 AND before < CAST(%(low)s AS numeric) * total THEN 'a'
                                WHEN revenue > 0 AND before < CAST(%(high)s AS numeric) * total THEN 'b'
                                ELSE 'c' END AS abc
                      FROM ranked
                ),
                cleared AS (
                    -- NOT IN over the classes (never NULL): one hashed look-up per classed client; a NOT
                    -- EXISTS on the CTE was planned as a nested loop (clients x classes) at 100,000 clients
                    UPDATE res_partner p SET crm_abc_class = p.crm_abc_class - %(key)s
                     WHERE p.crm_abc_class ? %(key)s
                       AND p.id NOT IN (SELECT c.partner_id FROM classes c)
                    RETURNING p.id
                ),
                updated AS (
                    UPDATE res_partner p
                       SET crm_abc_class = COALESCE(p.crm_abc_class, '{}'::jsonb)
                                           || jsonb_build_object(%(key)s, c.abc)
                      FROM classes c
                     WHERE p.id = c.partner_id AND (p.crm_abc_class ->> %(key)s) IS DISTINCT FROM c.abc
                    RETURNING p.id
                )
                SELECT abc, COUNT(*) FROM classes GROUP BY abc
                """,
                company=company.id,
                lines=self.env["crm.kpi"]._revenue_line_filter("l", "m"),
                date_from=date_from,
                date_to=date_to,
                low=low,
                high=high,
                key=key,
            )
        )
        counts = dict(self.env.cr.fetchall())
        self.invalidate_model(["crm_abc_class"])
        return {abc: counts.get(abc, 0) for abc, _label in ABC_CLASSES}
