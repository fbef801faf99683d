# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# Every money KPI follows accounting: customer invoices and credit notes, product lines (untaxed), signed
# company-currency balance.
REVENUE_MOVE_TYPES = ("out_invoice", "out_refund")
# An invoice settled by its credit note is "reversed" while the credit note is "paid": both count, net zero.
PAID_STATES = ("paid", "in_payment", "reversed")


class CrmKpi(models.Model):
    """One metric of the sales plans.

    Extension contract: a KPI is a record (unique ``code``) plus a method named by ``compute_method`` on this
    model, ``method(self, keys, company) -> {key: value}`` where ``keys`` is a list of
    ``(user_id or False, team_id, date_from, date_to)``. It must answer for all keys with ONE query; the
    helper :meth:`_query_actuals` does the matching of keys, so a method only writes the aggregate.
    """

    _name = "crm.kpi"
    _description = "Sales Plan KPI"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code, unique; used by other addons and reports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    unit = fields.Selection(
        [("money", "Money"), ("count", "Count"), ("seconds", "Seconds")],
        required=True,
        default="count",
    )
    compute_method = fields.Char(
        required=True,
        help="Name of the method of crm.kpi that computes the actuals of many (salesperson, period) pairs "
        "in one query.",
    )
    description = fields.Text(translate=True, help="The exact definition of the metric (docs/metrics.md).")
    weight = fields.Float(
        default=1.0,
        help="Default weight of this KPI in a salesperson's weighted achievement; plan lines may "
        "override it.",
    )
    is_activity = fields.Boolean(
        string="Activity KPI",
        help="Counts towards the activity-plan completion that sets the salary coefficient of the motivation "
        "scheme.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "A KPI with this code already exists."),
        ("weight_positive", "check(weight >= 0)", "The weight of a KPI cannot be negative."),
    ]

    @api.constrains("compute_method")
    def _check_compute_method(self):
        for kpi in self:
            if not callable(getattr(self, kpi.compute_method or "", None)):
                raise ValidationError(
                    _(
                        "The KPI %(kpi)s names a method that does not exist: %(method)s",
                        kpi=kpi.name,
                        method=kpi.compute_method,
                    )
                )

    # ------------------------------------------------------------------ business methods

    def _compute_actuals(self, keys, company):
        """Actuals of this KPI for every key ``(user_id or False, team_id, date_from, date_to)``."""
        self.ensure_one()
        method = getattr(self, self.compute_method or "", None)
        if not callable(method):
            raise UserError(_("The KPI %(kpi)s has no compute method.", kpi=self.name))
        keys = list(set(keys))
        if not keys:
            return {}
        result = method(keys, company)
        return {key: result.get(key, 0.0) for key in keys}

    def _query_actuals(self, keys, aggregate_sql, params):
        """Match ``keys`` against an aggregate ``(user_id, team_id, day, value)`` in one SQL statement.

        A key with a salesperson takes the rows of that salesperson; a key without one (the team line) takes
        the rows of its team. Only the rows inside the key's period count.
        """
        users = [key[0] or None for key in keys]
        teams = [key[1] or None for key in keys]
        starts = [key[2] for key in keys]
        ends = [key[3] for key in keys]
        query = f"""
            WITH keys AS (
                SELECT * FROM unnest(%s::int[], %s::int[], %s::date[], %s::date[])
                    AS k(user_id, team_id, date_from, date_to)
            ),
            agg AS ({aggregate_sql})
            SELECT k.user_id, k.team_id, k.date_from, k.date_to, SUM(agg.value)
              FROM keys k JOIN agg ON agg.user_id = k.user_id
             WHERE k.user_id IS NOT NULL AND agg.day BETWEEN k.date_from AND k.date_to
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT k.user_id, k.team_id, k.date_from, k.date_to, SUM(agg.value)
              FROM keys k JOIN agg ON agg.team_id = k.team_id
             WHERE k.user_id IS NULL AND agg.day BETWEEN k.date_from AND k.date_to
             GROUP BY 1, 2, 3, 4
        """  # noqa: S608 - aggregate_sql is code of this model, values go through params
        # JIT compilation costs more than it saves on these one-pass aggregates (0.1-0.3 s per query measured
        # in bench/); SET LOCAL ends with the transaction.
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute(query, [users, teams, starts, ends, *params])
        return {
            (user or False, team or False, date_from, date_to): float(value or 0.0)
            for user, team, date_from, date_to, value in self.env.cr.fetchall()
        }

    @api.model
    def _key_bounds(self, keys):
        return min(key[2] for key in keys), max(key[3] for key in keys)

    def _compute_actuals_revenue(self, keys, company):
        """Posted customer invoices minus posted credit notes, untaxed, company currency, by invoice date."""
        self.flush_model()
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        paid_filter = "AND m.payment_state IN %s" if company.crm_plan_revenue_paid_only else ""
        aggregate = f"""
            SELECT m.invoice_user_id AS user_id, m.team_id AS team_id, l.invoice_date AS day,
                   SUM(-l.balance) AS value
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
             WHERE l.company_id = %s
               AND l.parent_state = 'posted'
               AND l.display_type = 'product'
               AND m.move_type IN %s
               AND l.invoice_date BETWEEN %s AND %s
               {paid_filter}
             GROUP BY 1, 2, 3
        """
        params = [company.id, REVENUE_MOVE_TYPES, date_from, date_to]
        if company.crm_plan_revenue_paid_only:
            params.append(PAID_STATES)
        return self._query_actuals(keys, aggregate, params)

    def _compute_actuals_deals_won(self, keys, company):
        """Opportunities in a won stage, still active, by the date they were closed."""
        self.env["crm.lead"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = """
            SELECT l.user_id, l.team_id, l.date_closed::date AS day, COUNT(*) AS value
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.company_id = %s AND l.type = 'opportunity' AND l.active AND s.is_won
               AND l.date_closed >= %s AND l.date_closed < %s::date + 1
             GROUP BY 1, 2, 3
        """
        return self._query_actuals(keys, aggregate, [company.id, date_from, date_to])

    def _compute_actuals_proposals_sent(self, keys, company):
        """Quotations by the date they were first sent to the customer."""
        self.env["sale.order"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = """
            SELECT o.user_id, o.team_id, o.crm_first_sent_date::date AS day,
                   COUNT(*) AS value
              FROM sale_order o
             WHERE o.company_id = %s
               AND o.crm_first_sent_date >= %s AND o.crm_first_sent_date < %s::date + 1
             GROUP BY 1, 2, 3
        """
        return self._query_actuals(keys, aggregate, [company.id, date_from, date_to])

    def _compute_actuals_meetings(self, keys, company):
        """Calendar events already started, organised by the salesperson, with a customer or a deal."""
        self.env["calendar.event"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = """
            SELECT e.user_id, COALESCE(o.team_id, m.crm_team_id) AS team_id,
                   e.start::date AS day, COUNT(*) AS value
              FROM calendar_event e
              JOIN res_users u ON u.id = e.user_id
              LEFT JOIN crm_lead o ON o.id = e.opportunity_id
              LEFT JOIN LATERAL (
                    SELECT tm.crm_team_id FROM crm_team_member tm
                      JOIN crm_team t ON t.id = tm.crm_team_id
                     WHERE tm.user_id = e.user_id AND tm.active AND t.company_id = %s
                     ORDER BY tm.id LIMIT 1
              ) m ON TRUE
             WHERE e.active AND e.start <= %s
               AND e.start >= %s AND e.start < %s::date + 1
               AND COALESCE(o.company_id, u.company_id) = %s
               AND (e.opportunity_id IS NOT NULL OR EXISTS (
                    SELECT 1 FROM calendar_event_res_partner_rel r
                     WHERE r.calendar_event_id = e.id
                       AND NOT EXISTS (
                            SELECT 1 FROM res_users iu
                             WHERE iu.partner_id = r.res_partner_id AND NOT iu.share)))
             GROUP BY 1, 2, 3
        """
        return self._query_actuals(
            keys, aggregate, [company.id, fields.Datetime.now(), date_from, date_to, company.id]
        )

    def _compute_actuals_leads_new(self, keys, company):
        """Leads and opportunities created in the period, including those later lost."""
        self.env["crm.lead"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = """
            SELECT l.user_id, l.team_id, l.create_date::date AS day, COUNT(*) AS value
              FROM crm_lead l
             WHERE l.company_id = %s
               AND l.create_date >= %s AND l.create_date < %s::date + 1
             GROUP BY 1, 2, 3
        """
        return self._query_actuals(keys, aggregate, [company.id, date_from, date_to])

    def _compute_pipeline(self, keys, company):
        """Expected revenue of open opportunities by their expected closing date (forecasts)."""
        self.env["crm.lead"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = """
            SELECT l.user_id, l.team_id, l.date_deadline AS day, SUM(l.expected_revenue) AS value
              FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.company_id = %s AND l.type = 'opportunity' AND l.active
               AND NOT COALESCE(s.is_won, FALSE)
               AND l.date_deadline BETWEEN %s AND %s
             GROUP BY 1, 2, 3
        """
        return self._query_actuals(keys, aggregate, [company.id, date_from, date_to])
