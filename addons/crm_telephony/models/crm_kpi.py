# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# Outcomes of an inbound call that nobody took (the same list asks for a call back).
UNANSWERED_SQL = ("missed", "busy", "no_answer", "voicemail")


class CrmKpi(models.Model):
    """Telephony KPIs of the sales plans: one aggregate query over crm_phonecall per KPI and batch."""

    _inherit = "crm.kpi"

    def _phonecall_actuals(self, keys, company, value_sql, condition_sql, params=()):
        # a call counts when it came from a PBX or was logged by its own user (docs/metrics.md)
        self.env["crm.phonecall"].flush_model()
        date_from, date_to = self._key_bounds(keys)
        aggregate = f"""
            SELECT c.user_id, c.team_id, c.date::date AS day, {value_sql} AS value
              FROM crm_phonecall c
             WHERE c.company_id = %s
               AND c.active
               AND c.state != 'cancel'
               AND (c.pbx_id IS NOT NULL OR c.create_uid = c.user_id)
               AND c.date >= %s AND c.date < %s::date + 1
               AND {condition_sql}
             GROUP BY 1, 2, 3
        """
        return self._query_actuals(keys, aggregate, [company.id, date_from, date_to, *params])

    def _compute_actuals_calls_in(self, keys, company):
        """Inbound calls received, answered or not."""
        return self._phonecall_actuals(keys, company, "COUNT(*)", "c.direction = 'in'")

    def _compute_actuals_calls_out(self, keys, company):
        """Outbound calls held (placed), whatever their outcome."""
        return self._phonecall_actuals(keys, company, "COUNT(*)", "c.direction = 'out' AND c.state = 'done'")

    def _compute_actuals_calls_missed(self, keys, company):
        """Inbound calls nobody took."""
        return self._phonecall_actuals(
            keys, company, "COUNT(*)", "c.direction = 'in' AND c.outcome IN %s", [UNANSWERED_SQL]
        )

    def _compute_actuals_talk_time(self, keys, company):
        """Seconds of conversation of answered calls, both directions."""
        return self._phonecall_actuals(
            keys, company, "SUM(COALESCE(c.talk_seconds, 0))", "c.outcome = 'answered'"
        )
