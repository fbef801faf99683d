# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, file_open
from odoo.tools.translate import PoFileReader

# Every money KPI follows accounting: customer invoices and credit notes, product lines (untaxed), signed
# company-currency balance.
REVENUE_MOVE_TYPES = ("out_invoice", "out_refund")
# An invoice settled by its credit note is "reversed" while the credit note is "paid": both count, net zero.
PAID_STATES = ("paid", "in_payment", "reversed")
# The sales ratios: KPI code -> (numerator, denominator, factor), each part a ``_aggregate_<code>`` of this
# model. A ratio is never summed nor averaged: over any set of records (a plan line's, a report group's) it is
# factor * SUM(numerator) / SUM(denominator) of that set, and nothing (0) when the denominator is 0.
RATIOS = {
    "conversion_rate": ("deals_won", "deals_closed", 100.0),
    "avg_deal_size": ("won_revenue", "deals_won", 1.0),
    "avg_sales_cycle": ("won_cycle_days", "deals_won", 1.0),
}


class CrmKpi(models.Model):
    """One metric of the sales plans.

    Extension contract: a KPI is a record (unique ``code``, created by a module's data, never by a user:
    ``code`` and ``compute_method`` are system fields) plus a method ``_compute_actuals_<name>`` named by
    ``compute_method`` on this model, ``method(self, keys, company) -> {key: value}`` where ``keys`` is a
    list of ``(user_id or False, team_id, date_from, date_to)``. It must answer for all keys with ONE
    query; the helper :meth:`_query_actuals` does the matching of keys, so a method only writes the
    aggregate.

    The suite's KPIs write that aggregate once, as ``_aggregate_<code>(companies, date_from, date_to)``
    returning SQL rows ``(company_id, user_id, team_id, day, value)`` with ``day`` in the company's timezone;
    their compute method and the reports (crm_reports' activity report) both use it.
    """

    _name = "crm.kpi"
    _inherit = ["crm.system.fields.mixin"]
    _description = "Sales Plan KPI"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    # what a KPI computes is code (its data record and its method), not a setting: salaries are paid on it
    code = fields.Char(
        required=True, system=True, help="Technical code, unique; used by other addons and reports."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    unit = fields.Selection(
        [
            ("money", "Money"),
            ("count", "Count"),
            ("seconds", "Seconds"),
            ("percent", "Percent"),
            ("days", "Days"),
        ],
        required=True,
        default="count",
    )
    is_ratio = fields.Boolean(
        string="Ratio",
        compute="_compute_is_ratio",
        store=True,
        help="A ratio of two sums (conversion rate, average deal size, average sales cycle): the team line "
        "computes it from the team's records, and it is never added up across lines.",
    )
    lower_is_better = fields.Boolean(
        help="Achievement is target divided by actual (e.g. a sales cycle of 20 days against a target of "
        "30 days is 150 %); 0 while the actual is 0.",
    )
    compute_method = fields.Char(
        required=True,
        system=True,
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

    def init(self):
        # the closed-deal KPIs (deals won, deals closed, won deals' cycle days and revenue) read the closed
        # opportunities through this index alone (index-only scan), not the whole crm_lead table
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS crm_lead_closed_deal_idx
                ON crm_lead (company_id, date_closed)
                INCLUDE (id, user_id, team_id, stage_id, create_date, active, probability)
             WHERE type = 'opportunity' AND date_closed IS NOT NULL
            """
        )
        # the Revenue KPI groups journal items by their move's company, salesperson, team and invoice date:
        # without these statistics PostgreSQL multiplies the columns' distinct counts, expects about as many
        # groups as rows and gives up the parallel plan (section "Management reports" of docs/benchmarks.md)
        self.env.cr.execute("SELECT 1 FROM pg_statistic_ext WHERE stxname = 'account_move_crm_revenue_stat'")
        if not self.env.cr.rowcount:
            self.env.cr.execute(
                """
                CREATE STATISTICS account_move_crm_revenue_stat (ndistinct)
                    ON company_id, invoice_user_id, team_id, invoice_date FROM account_move
                """
            )
            self.env.cr.execute("ANALYZE account_move")

    @api.depends("code")
    def _compute_is_ratio(self):
        for kpi in self:
            kpi.is_ratio = kpi.code in RATIOS

    @api.constrains("compute_method")
    def _check_compute_method(self):
        for kpi in self:
            method = kpi.compute_method or ""
            if not method.startswith("_compute_actuals_") or not callable(getattr(self, method, None)):
                raise ValidationError(
                    _(
                        "The KPI %(kpi)s names a method that does not exist: %(method)s",
                        kpi=kpi.name,
                        method=kpi.compute_method,
                    )
                )

    # ------------------------------------------------------------------ business methods

    @api.model
    def _reload_descriptions(self, module):
        """Migrations: the KPI records of ``module`` are ``noupdate``; give them the descriptions (the metric
        definitions) shipped in its data file now, and their translations from its .po files."""
        with file_open(f"{module}/data/crm_kpi_data.xml", "rb") as handle:
            tree = etree.parse(handle)
        kpis = {}
        for record in tree.xpath("//record[@model='crm.kpi']"):
            kpi = self.env.ref(f"{module}.{record.get('id')}", raise_if_not_found=False)
            description = record.xpath("field[@name='description']")
            if kpi and description:
                kpi.with_context(lang="en_US").description = description[0].text
                kpis[record.get("id")] = kpi
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            try:
                with file_open(f"{module}/i18n/{lang.split('_')[0]}.po", "rb") as handle:
                    entries = list(PoFileReader(handle))
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry["name"] == "crm.kpi,description" and entry["value"] and entry["imd_name"] in kpis:
                    kpis[entry["imd_name"]].update_field_translations("description", {lang: entry["value"]})

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

    def _query_actuals(self, keys, aggregate_sql, params=()):
        """Match ``keys`` against an aggregate ``(user_id, team_id, day, value)`` in one SQL statement.

        ``aggregate_sql`` is an :class:`~odoo.tools.SQL` (or a string with its ``params``). A key with a
        salesperson takes the rows of that salesperson; a key without one (the team line) takes the rows of
        its team. Only the rows inside the key's period count.
        """
        aggregate = aggregate_sql if isinstance(aggregate_sql, SQL) else SQL(aggregate_sql, *params)
        sums = self._query_sums(keys, aggregate, ["value"])
        return {key: values[0] for key, values in sums.items()}

    def _query_sums(self, keys, aggregate, columns):
        """``{key: (sum of each of columns)}`` of the rows of ``aggregate`` (SQL rows with ``user_id``,
        ``team_id``, ``day`` and ``columns``) that match each key, as :meth:`_query_actuals` matches them."""
        sums = SQL(", ").join(SQL("SUM(agg.%s)", SQL.identifier(column)) for column in columns)
        query = SQL(
            """
            WITH keys AS (
                SELECT * FROM unnest(%s::int[], %s::int[], %s::date[], %s::date[])
                    AS k(user_id, team_id, date_from, date_to)
            ),
            agg AS (%s)
            SELECT k.user_id, k.team_id, k.date_from, k.date_to, %s
              FROM keys k JOIN agg ON agg.user_id = k.user_id
             WHERE k.user_id IS NOT NULL AND agg.day BETWEEN k.date_from AND k.date_to
             GROUP BY 1, 2, 3, 4
            UNION ALL
            SELECT k.user_id, k.team_id, k.date_from, k.date_to, %s
              FROM keys k JOIN agg ON agg.team_id = k.team_id
             WHERE k.user_id IS NULL AND agg.day BETWEEN k.date_from AND k.date_to
             GROUP BY 1, 2, 3, 4
            """,
            [key[0] or None for key in keys],
            [key[1] or None for key in keys],
            [key[2] for key in keys],
            [key[3] for key in keys],
            aggregate,
            sums,
            sums,
        )
        # JIT compilation costs more than it saves on these one-pass aggregates (0.1-0.3 s per query measured
        # in bench/); SET LOCAL ends with the transaction.
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute(query)
        return {
            (user or False, team or False, date_from, date_to): tuple(float(value or 0.0) for value in values)
            for user, team, date_from, date_to, *values in self.env.cr.fetchall()
        }

    @api.model
    def _key_bounds(self, keys):
        return min(key[2] for key in keys), max(key[3] for key in keys)

    def _actuals_from_aggregate(self, keys, company, aggregate_method):
        """Actuals of the keys from an aggregate method (see :meth:`_aggregate`), in one query."""
        date_from, date_to = self._key_bounds(keys)
        return self._query_actuals(keys, aggregate_method(company, date_from, date_to))

    @api.model
    def _ratio_parts(self):
        """The sales ratios: ``{code: (numerator code, denominator code, factor)}`` (``RATIOS``)."""
        return RATIOS

    def _ratio_actuals(self, keys, company, code):
        """Actuals of the ratio KPI ``code`` for the keys: both parts summed over each key's records in one
        query (the parts side by side, ``_aggregate_several``), then divided; 0 without a denominator."""
        numerator, denominator, factor = self._ratio_parts()[code]
        date_from, date_to = self._key_bounds(keys)
        aggregate = self._aggregate_several([numerator, denominator], company, date_from, date_to)
        sums = self._query_sums(keys, aggregate, [numerator, denominator])
        return {
            key: factor * num / den if den else 0.0
            for key, (num, den) in ((key, sums.get(key, (0.0, 0.0))) for key in keys)
        }

    @api.model
    def _ratio_value(self, code, numerator, denominator):
        """The ratio ``code`` of two sums (the same arithmetic everywhere: plan lines, reports)."""
        factor = self._ratio_parts()[code][2]
        return factor * numerator / denominator if denominator else 0.0

    # ------------------------------------------------------------------ aggregates (the definitions)

    def _aggregate(self, companies, date_from=None, date_to=None):
        """The definition of this KPI as SQL: rows ``(company_id, user_id, team_id, day, value)``.

        ``day`` is the calendar day in the company's timezone (``res.company.crm_tz``); the rows are the
        company's records grouped by salesperson, team and day. Without dates every day counts. Reports
        (crm_reports' activity report) sum these rows: they reuse the definition, they do not copy it.
        The method is ``_aggregate_<code>`` on this model.
        """
        self.ensure_one()
        method = getattr(self, f"_aggregate_{self.code}", None)
        if not callable(method):
            raise UserError(_("The KPI %(kpi)s has no SQL definition.", kpi=self.name))
        return method(companies, date_from, date_to)

    @api.model
    def _aggregate_several(self, codes, companies, date_from=None, date_to=None, columns=None):
        """Several KPIs as rows ``(company_id, user_id, team_id, day, <column>, ...)``: one column per code of
        ``columns`` (default: ``codes``) and, in each row, the value of one of the ``codes`` (0 in the other
        columns): the rows of each KPI's aggregate, side by side. A module whose KPIs read the same table
        overrides this to read it once, and asks ``super`` for the other codes. The closed-deal KPIs
        (``_closed_deal_measures``) are read here in one pass over the closed opportunities."""
        columns = columns or codes
        measures = self._closed_deal_measures()
        mine = [code for code in codes if code in measures]
        branches = []
        if len(mine) > 1:
            values, any_kpi = self._filtered_measures(measures, mine, columns)
            branches.append(self._closed_deal_aggregate(companies, date_from, date_to, values, any_kpi))
            codes = [code for code in codes if code not in mine]
        for code in codes:
            values = SQL(", ").join(
                SQL("agg.value AS %s", SQL.identifier(column))
                if column == code
                else SQL("0 AS %s", SQL.identifier(column))
                for column in columns
            )
            aggregate = getattr(self, f"_aggregate_{code}")(companies, date_from, date_to)
            branches.append(
                SQL(
                    "SELECT agg.company_id, agg.user_id, agg.team_id, agg.day, %s FROM (%s) agg",
                    values,
                    aggregate,
                )
            )
        return SQL(" UNION ALL ").join(branches)

    @api.model
    def _filtered_measures(self, measures, codes, columns):
        """SQL of the columns of ``_aggregate_several`` for KPIs read in one pass over one table: each of
        ``codes`` as its aggregate over the rows of its condition (``measures[code] = (aggregate,
        condition)``), 0 in the other ``columns``; and the condition of any of them (the rows to read)."""
        values = SQL(", ").join(
            SQL(
                "COALESCE(%s FILTER (WHERE %s), 0) AS %s",
                measures[column][0],
                measures[column][1],
                SQL.identifier(column),
            )
            if column in codes
            else SQL("0 AS %s", SQL.identifier(column))
            for column in columns
        )
        return values, SQL("(%s)", SQL(" OR ").join(measures[code][1] for code in codes))

    @api.model
    def _local_day(self, column, tz_column):
        """SQL of the calendar day of the UTC timestamp ``column`` in the timezone ``tz_column``."""
        return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(%s, 'UTC'))::date", column, tz_column)

    @api.model
    def _company_tz(self, companies, company_column):
        """SQL of the timezone (``res.company.crm_tz``) of the company ``company_column``, one of
        ``companies``, written as a constant per company rather than a join with ``res_company``: a query
        without that join can run in parallel workers."""
        cases = SQL(" ").join(
            SQL("WHEN %s THEN %s", company.id, company.crm_tz or "UTC") for company in companies.sudo()
        )
        return SQL("(CASE %s %s ELSE 'UTC' END)", company_column, cases)

    @api.model
    def _period_filter(self, column, tz_column, date_from, date_to):
        """Rows of the UTC timestamp ``column`` whose local day falls in the period.

        The first condition (UTC, one day wider on each side, enough for any timezone) lets PostgreSQL use an
        index on ``column``; the second is exact.
        """
        conditions = []
        if date_from:
            conditions.append(SQL("%s >= %s", column, date_from - timedelta(days=1)))
            conditions.append(SQL("%s >= %s", self._local_day(column, tz_column), date_from))
        if date_to:
            conditions.append(SQL("%s < %s", column, date_to + timedelta(days=2)))
            conditions.append(SQL("%s <= %s", self._local_day(column, tz_column), date_to))
        return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")

    @api.model
    def _date_filter(self, column, date_from, date_to):
        """Rows of the date ``column`` (no time, no timezone) in the period."""
        conditions = []
        if date_from:
            conditions.append(SQL("%s >= %s", column, date_from))
        if date_to:
            conditions.append(SQL("%s <= %s", column, date_to))
        return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")

    @api.model
    def _revenue_line_filter(self, line, move):
        """Journal items that make revenue: product lines of posted customer invoices and credit notes.

        Shared by the Revenue KPI and crm_reports' sales report, so that both count the same lines.
        """
        return SQL(
            "%s = 'posted' AND %s = 'product' AND %s IN %s",
            SQL.identifier(line, "parent_state"),
            SQL.identifier(line, "display_type"),
            SQL.identifier(move, "move_type"),
            REVENUE_MOVE_TYPES,
        )

    def _aggregate_revenue(self, companies, date_from=None, date_to=None):
        """Posted customer invoices minus posted credit notes, untaxed, company currency, by invoice date.

        The rows are grouped by the move's company and invoice date (the journal item's own, which Odoo
        stores from its move) so that PostgreSQL, with the statistics created in :meth:`init`, knows how few
        groups there are and aggregates in parallel workers as the sales report does."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        paid_only = companies.sudo().filtered("crm_plan_revenue_paid_only")
        return SQL(
            """
            SELECT m.company_id, m.invoice_user_id AS user_id, m.team_id AS team_id, m.invoice_date AS day,
                   SUM(-l.balance) AS value
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
             WHERE l.company_id IN %s
               AND %s
               AND %s
               AND %s
             GROUP BY 1, 2, 3, 4
            """,
            tuple(companies.ids),
            self._revenue_line_filter("l", "m"),
            self._date_filter(SQL("l.invoice_date"), date_from, date_to),
            SQL("(l.company_id NOT IN %s OR m.payment_state IN %s)", tuple(paid_only.ids), PAID_STATES)
            if paid_only
            else SQL("TRUE"),
        )

    def _aggregate_deals_won(self, companies, date_from=None, date_to=None):
        """Opportunities in a won stage, still active, by the day they were closed."""
        return self._closed_deal_kpi("deals_won", companies, date_from, date_to)

    def _aggregate_proposals_sent(self, companies, date_from=None, date_to=None):
        """Quotations by the day they were first sent to the customer."""
        self.env["sale.order"].flush_model()
        self.env["res.company"].flush_model(["crm_tz"])
        return SQL(
            """
            SELECT o.company_id, o.user_id, o.team_id, %s AS day, COUNT(*) AS value
              FROM sale_order o
              JOIN res_company cmp ON cmp.id = o.company_id
             WHERE o.company_id IN %s AND o.crm_first_sent_date IS NOT NULL
               AND %s
             GROUP BY 1, 2, 3, 4
            """,
            self._local_day(SQL("o.crm_first_sent_date"), SQL("cmp.crm_tz")),
            tuple(companies.ids),
            self._period_filter(SQL("o.crm_first_sent_date"), SQL("cmp.crm_tz"), date_from, date_to),
        )

    def _aggregate_meetings(self, companies, date_from=None, date_to=None):
        """Calendar events already started, organised by the salesperson, with a customer or a deal."""
        self.env["calendar.event"].flush_model()
        self.env["crm.lead"].flush_model(["company_id", "team_id"])
        self.env["res.company"].flush_model(["crm_tz"])
        return SQL(
            """
            SELECT e.company_id, e.user_id, COALESCE(e.lead_team_id, m.crm_team_id) AS team_id,
                   %s AS day, COUNT(*) AS value
              FROM (
                    SELECT ev.id, ev.user_id, ev.start, o.team_id AS lead_team_id,
                           COALESCE(o.company_id, u.company_id) AS company_id
                      FROM calendar_event ev
                      JOIN res_users u ON u.id = ev.user_id
                      LEFT JOIN crm_lead o ON o.id = ev.opportunity_id
                     WHERE ev.active AND ev.start <= %s
                       AND (ev.opportunity_id IS NOT NULL OR EXISTS (
                            SELECT 1 FROM calendar_event_res_partner_rel r
                             WHERE r.calendar_event_id = ev.id
                               AND NOT EXISTS (
                                    SELECT 1 FROM res_users iu
                                     WHERE iu.partner_id = r.res_partner_id AND NOT iu.share)))
                   ) e
              JOIN res_company cmp ON cmp.id = e.company_id
              LEFT JOIN LATERAL (
                    SELECT tm.crm_team_id FROM crm_team_member tm
                      JOIN crm_team t ON t.id = tm.crm_team_id
                     WHERE tm.user_id = e.user_id AND tm.active AND t.company_id = e.company_id
                     ORDER BY tm.id LIMIT 1
              ) m ON TRUE
             WHERE e.company_id IN %s AND %s
             GROUP BY 1, 2, 3, 4
            """,
            self._local_day(SQL("e.start"), SQL("cmp.crm_tz")),
            fields.Datetime.now(),
            tuple(companies.ids),
            self._period_filter(SQL("e.start"), SQL("cmp.crm_tz"), date_from, date_to),
        )

    def _aggregate_leads_new(self, companies, date_from=None, date_to=None):
        """Leads and opportunities created in the period, including those later lost or archived.

        The day is the lead's stored creation day (``crm.lead.create_day``: its creation time in the company's
        timezone), read through the index on (company, day)."""
        self.env["crm.lead"].flush_model()
        return SQL(
            """
            SELECT l.company_id, l.user_id, l.team_id, l.create_day AS day, COUNT(*) AS value
              FROM crm_lead l
             WHERE l.company_id IN %s AND %s
             GROUP BY 1, 2, 3, 4
            """,
            tuple(companies.ids),
            self._date_filter(SQL("l.create_day"), date_from, date_to),
        )

    @api.model
    def _closed_deals_sql(self, companies, date_from=None, date_to=None, won_only=False):
        """SQL rows ``(id, company_id, user_id, team_id, day, created_day, won)`` of the opportunities of the
        companies closed in the period: won (in a won stage, still active) or lost (archived with probability
        0), ``day`` the day they were closed and ``created_day`` the day they were created (company
        timezone). A deal without a closing date is in no period. The closed-deal KPIs
        (``_closed_deal_measures``) and the won deals' revenue are conditions and sums over these rows, read
        through the index ``crm_lead_closed_deal_idx`` (:meth:`init`). ``won_only``: the won deals alone."""
        self.env["crm.lead"].flush_model()
        self.env["crm.stage"].flush_model(["is_won"])
        tz = self._company_tz(companies, SQL("l.company_id"))
        return SQL(
            """
            SELECT l.id, l.company_id, l.user_id, l.team_id, %s AS day, %s AS created_day,
                   (l.active AND COALESCE(s.is_won, FALSE)) AS won
              FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.company_id IN %s AND l.type = 'opportunity' AND l.date_closed IS NOT NULL
               AND (%s)
               AND %s
            """,
            self._local_day(SQL("l.date_closed"), tz),
            self._local_day(SQL("l.create_date"), tz),
            tuple(companies.ids),
            SQL("l.active AND s.is_won")
            if won_only
            else SQL("(l.active AND COALESCE(s.is_won, FALSE)) OR (NOT l.active AND l.probability = 0)"),
            self._period_filter(SQL("l.date_closed"), tz, date_from, date_to),
        )

    @api.model
    def _closed_deal_measures(self):
        """The KPIs of the closed opportunities: ``{code: (SQL aggregate over the rows d of
        _closed_deals_sql, SQL condition of the rows it takes)}``: each KPI's definition, used alone
        (``_aggregate_<code>``) and side by side in one pass (``_aggregate_several``)."""
        return {
            "deals_won": (SQL("COUNT(*)"), SQL("d.won")),
            "deals_closed": (SQL("COUNT(*)"), SQL("TRUE")),
            "won_cycle_days": (SQL("SUM(d.day - d.created_day)"), SQL("d.won")),
        }

    @api.model
    def _closed_deal_aggregate(self, companies, date_from, date_to, values, condition):
        """Rows ``(company_id, user_id, team_id, day, <values>)`` of the closed deals matching
        ``condition``."""
        return SQL(
            """
            SELECT d.company_id, d.user_id, d.team_id, d.day, %s
              FROM (%s) d
             WHERE %s
             GROUP BY 1, 2, 3, 4
            """,
            values,
            self._closed_deals_sql(companies, date_from, date_to),
            condition,
        )

    @api.model
    def _closed_deal_kpi(self, code, companies, date_from, date_to):
        value, condition = self._closed_deal_measures()[code]
        return self._closed_deal_aggregate(
            companies, date_from, date_to, SQL("%s AS value", value), condition
        )

    @api.model
    def _won_deals_sql(self, companies, date_from=None, date_to=None):
        """SQL rows ``(id, company_id, user_id, team_id, day, created_day)`` of the won opportunities of the
        companies (in a won stage, active) whose closing day falls in the period (the Deals Won KPI's)."""
        return SQL(
            "SELECT d.id, d.company_id, d.user_id, d.team_id, d.day, d.created_day FROM (%s) d",
            self._closed_deals_sql(companies, date_from, date_to, won_only=True),
        )

    def _aggregate_deals_closed(self, companies, date_from=None, date_to=None):
        """Opportunities closed (won, or lost) by the day they were closed: the conversion rate's base."""
        return self._closed_deal_kpi("deals_closed", companies, date_from, date_to)

    def _aggregate_won_revenue(self, companies, date_from=None, date_to=None):
        """Invoiced revenue of the deals won, on the day each was won: the average deal size's numerator.

        Each journal item counts once per won deal whose sale orders invoiced it (the pairs the system keeps
        in ``crm.deal.invoice.line`` with the item's company and balance). The join starts from the won deals
        of the period, so a one-day dashboard reads only that day's deals' rows (through the index on the
        opportunity)."""
        self.env["crm.deal.invoice.line"].flush_model()
        return SQL(
            """
            SELECT won.company_id, won.user_id, won.team_id, won.day, SUM(-dil.balance) AS value
              FROM (%s) won
              JOIN crm_deal_invoice_line dil
                ON dil.opportunity_id = won.id AND dil.company_id = won.company_id
             GROUP BY 1, 2, 3, 4
            """,
            self._won_deals_sql(companies, date_from, date_to),
        )

    def _aggregate_won_cycle_days(self, companies, date_from=None, date_to=None):
        """Days from creation to won of the deals won, on the day each was won: the sales cycle's
        numerator."""
        return self._closed_deal_kpi("won_cycle_days", companies, date_from, date_to)

    # ------------------------------------------------------------------ compute methods (KPI records)

    def _compute_actuals_revenue(self, keys, company):
        """Posted customer invoices minus posted credit notes, untaxed, company currency, by invoice date."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_revenue)

    def _compute_actuals_deals_won(self, keys, company):
        """Opportunities in a won stage, still active, by the date they were closed."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_deals_won)

    def _compute_actuals_proposals_sent(self, keys, company):
        """Quotations by the date they were first sent to the customer."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_proposals_sent)

    def _compute_actuals_meetings(self, keys, company):
        """Calendar events already started, organised by the salesperson, with a customer or a deal."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_meetings)

    def _compute_actuals_leads_new(self, keys, company):
        """Leads and opportunities created in the period, including those later lost."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_leads_new)

    def _compute_actuals_conversion_rate(self, keys, company):
        """Deals won / deals closed (won or lost), in percent, by closing day."""
        return self._ratio_actuals(keys, company, "conversion_rate")

    def _compute_actuals_avg_deal_size(self, keys, company):
        """Invoiced revenue of the deals won / deals won, by the day they were won."""
        return self._ratio_actuals(keys, company, "avg_deal_size")

    def _compute_actuals_avg_sales_cycle(self, keys, company):
        """Days from creation to won, averaged over the deals won, by the day they were won."""
        return self._ratio_actuals(keys, company, "avg_sales_cycle")

    def _compute_pipeline(self, keys, company):
        """Expected revenue of open opportunities by their expected closing date (forecasts)."""
        self.env["crm.lead"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = SQL(
            """
            SELECT l.user_id, l.team_id, l.date_deadline AS day, SUM(l.expected_revenue) AS value
              FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.company_id = %s AND l.type = 'opportunity' AND l.active
               AND NOT COALESCE(s.is_won, FALSE)
               AND l.date_deadline BETWEEN %s AND %s
             GROUP BY 1, 2, 3
            """,
            company.id,
            date_from,
            date_to,
        )
        return self._query_actuals(keys, aggregate)
