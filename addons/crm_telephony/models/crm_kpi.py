# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL

# Outcomes of an inbound call that nobody took (the same list asks for a call back).
UNANSWERED_SQL = ("missed", "busy", "no_answer", "voicemail")


class CrmKpi(models.Model):
    """Telephony KPIs of the sales plans: one aggregate query over crm_phonecall per KPI and batch."""

    _inherit = "crm.kpi"

    def _phonecall_aggregate(self, companies, date_from, date_to, value_sql, condition_sql):
        """Calls of the companies as rows ``(company_id, user_id, team_id, day, value)`` (``_aggregate``)."""
        self.env["crm.phonecall"].flush_model()
        self.env["res.company"].flush_model(["crm_tz"])
        return SQL(
            """
            SELECT c.company_id, c.user_id, c.team_id, %s AS day, %s AS value
              FROM crm_phonecall c
              JOIN res_company cmp ON cmp.id = c.company_id
             WHERE c.company_id IN %s
               AND c.active
               AND c.state != 'cancel'
               AND %s
               AND %s
             GROUP BY 1, 2, 3, 4
            """,
            self._local_day(SQL("c.date"), SQL("cmp.crm_tz")),
            value_sql,
            tuple(companies.ids),
            self._period_filter(SQL("c.date"), SQL("cmp.crm_tz"), date_from, date_to),
            condition_sql,
        )

    def _aggregate_calls_in(self, companies, date_from=None, date_to=None):
        """Inbound calls received, answered or not."""
        return self._phonecall_aggregate(
            companies, date_from, date_to, SQL("COUNT(*)"), SQL("c.direction = 'in'")
        )

    def _aggregate_calls_out(self, companies, date_from=None, date_to=None):
        """Outbound calls held (placed), whatever their outcome."""
        return self._phonecall_aggregate(
            companies, date_from, date_to, SQL("COUNT(*)"), SQL("c.direction = 'out' AND c.state = 'done'")
        )

    def _aggregate_calls_missed(self, companies, date_from=None, date_to=None):
        """Inbound calls nobody took."""
        return self._phonecall_aggregate(
            companies,
            date_from,
            date_to,
            SQL("COUNT(*)"),
            SQL("c.direction = 'in' AND c.outcome IN %s", UNANSWERED_SQL),
        )

    def _aggregate_talk_time(self, companies, date_from=None, date_to=None):
        """Seconds of conversation of answered calls, both directions."""
        return self._phonecall_aggregate(
            companies,
            date_from,
            date_to,
            SQL("SUM(COALESCE(c.talk_seconds, 0))"),
            SQL("c.outcome = 'answered'"),
        )

    def _compute_actuals_calls_in(self, keys, company):
        """Inbound calls received, answered or not."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_calls_in)

    def _compute_actuals_calls_out(self, keys, company):
        """Outbound calls held (placed), whatever their outcome."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_calls_out)

    def _compute_actuals_calls_missed(self, keys, company):
        """Inbound calls nobody took."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_calls_missed)

    def _compute_actuals_talk_time(self, keys, company):
        """Seconds of conversation of answered calls, both directions."""
        return self._actuals_from_aggregate(keys, company, self._aggregate_talk_time)
