# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import SQL

# Outcomes of an inbound call that nobody took (the same list asks for a call back).
UNANSWERED_SQL = ("missed", "busy", "no_answer", "voicemail")


class CrmKpi(models.Model):
    """Telephony KPIs of the sales plans: one aggregate query over crm_phonecall per KPI and batch."""

    _inherit = "crm.kpi"

    @api.model
    def _phonecall_measures(self):
        """The telephony KPIs: ``{code: (value, condition)}`` over the calls of ``_phonecall_aggregate``."""
        return {
            "calls_in": (SQL("COUNT(*)"), SQL("c.direction = 'in'")),
            "calls_out": (SQL("COUNT(*)"), SQL("c.direction = 'out' AND c.state = 'done'")),
            "calls_missed": (SQL("COUNT(*)"), SQL("c.direction = 'in' AND c.outcome IN %s", UNANSWERED_SQL)),
            "talk_time": (SQL("SUM(COALESCE(c.talk_seconds, 0))"), SQL("c.outcome = 'answered'")),
        }

    def _phonecall_aggregate(self, companies, date_from, date_to, values, condition):
        """Calls of the companies as rows ``(company_id, user_id, team_id, day, <values>)`` (``_aggregate``):
        the calls that count for every telephony KPI, restricted by ``condition``."""
        self.env["crm.phonecall"].flush_model()
        self.env["res.company"].flush_model(["crm_tz"])
        return SQL(
            """
            SELECT c.company_id, c.user_id, c.team_id, %s AS day, %s
              FROM crm_phonecall c
              JOIN res_company cmp ON cmp.id = c.company_id
             WHERE c.company_id IN %s
               AND c.active
               AND c.state != 'cancel'
               -- a call counts when it came from a PBX or was logged by its own user (docs/metrics.md)
               AND (c.pbx_id IS NOT NULL OR c.create_uid = c.user_id)
               AND %s
               AND %s
             GROUP BY 1, 2, 3, 4
            """,
            self._local_day(SQL("c.date"), SQL("cmp.crm_tz")),
            values,
            tuple(companies.ids),
            self._period_filter(SQL("c.date"), SQL("cmp.crm_tz"), date_from, date_to),
            condition,
        )

    def _phonecall_kpi(self, code, companies, date_from, date_to):
        value, condition = self._phonecall_measures()[code]
        return self._phonecall_aggregate(companies, date_from, date_to, SQL("%s AS value", value), condition)

    def _aggregate_calls_in(self, companies, date_from=None, date_to=None):
        """Inbound calls received, answered or not."""
        return self._phonecall_kpi("calls_in", companies, date_from, date_to)

    def _aggregate_calls_out(self, companies, date_from=None, date_to=None):
        """Outbound calls held (placed), whatever their outcome."""
        return self._phonecall_kpi("calls_out", companies, date_from, date_to)

    def _aggregate_calls_missed(self, companies, date_from=None, date_to=None):
        """Inbound calls nobody took."""
        return self._phonecall_kpi("calls_missed", companies, date_from, date_to)

    def _aggregate_talk_time(self, companies, date_from=None, date_to=None):
        """Seconds of conversation of answered calls, both directions."""
        return self._phonecall_kpi("talk_time", companies, date_from, date_to)

    @api.model
    def _aggregate_several(self, codes, companies, date_from=None, date_to=None, columns=None):
        """The telephony KPIs among ``codes`` in one pass over the calls (each value filtered by its KPI's
        condition), the others from ``super``."""
        columns = columns or codes
        measures = self._phonecall_measures()
        mine = [code for code in codes if code in measures]
        if not mine:
            return super()._aggregate_several(codes, companies, date_from, date_to, columns)
        values, any_kpi = self._filtered_measures(measures, mine, columns)
        calls = self._phonecall_aggregate(companies, date_from, date_to, values, any_kpi)
        others = [code for code in codes if code not in measures]
        if not others:
            return calls
        rest = super()._aggregate_several(others, companies, date_from, date_to, columns)
        return SQL("%s UNION ALL %s", calls, rest)

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
