# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

# The stages a deal reached, derived from its stage history: every stage up to the highest one it visited
# (stages ordered by sequence, then id), with the first day it reached that stage or a later one and the day
# the deal was created (both in its company's timezone), and the time it spent in it.
_REACH_SQL = """
    WITH ranked AS (
        SELECT s.id, row_number() OVER (ORDER BY s.sequence, s.id) AS rank FROM crm_stage s
    ),
    visit AS (
        SELECT h.lead_id, h.stage_id, r.rank, MIN(h.date_start) AS first_start,
               COALESCE(SUM(EXTRACT(EPOCH FROM h.date_end - h.date_start)), 0) AS seconds,
               MAX(CASE WHEN h.date_end IS NULL THEN h.date_start END) AS open_since
          FROM crm_lead_stage_history h
          JOIN ranked r ON r.id = h.stage_id
         WHERE %(all)s OR h.lead_id = ANY(%(lead_ids)s)
         GROUP BY 1, 2, 3
    ),
    walk AS (
        SELECT v.*,
               MIN(v.first_start) OVER (PARTITION BY v.lead_id ORDER BY v.rank DESC) AS reached,
               COALESCE(LAG(v.rank) OVER (PARTITION BY v.lead_id ORDER BY v.rank), 0) AS prev_rank,
               v.rank = MAX(v.rank) OVER (PARTITION BY v.lead_id) AS is_last
          FROM visit v
    )
    INSERT INTO crm_lead_stage_reach (lead_id, stage_id, reached_on, cohort_on, seconds, open_since, visited,
                                      is_last)
    SELECT w.lead_id, t.id,
           ((w.reached AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(cmp.crm_tz, 'UTC'))::date,
           ((lead.create_date AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(cmp.crm_tz, 'UTC'))::date,
           CASE WHEN t.id = w.stage_id THEN w.seconds ELSE 0 END,
           CASE WHEN t.id = w.stage_id THEN w.open_since END,
           t.id = w.stage_id, t.id = w.stage_id AND w.is_last
      FROM walk w
      JOIN ranked t ON t.rank > w.prev_rank AND t.rank <= w.rank
      JOIN crm_lead lead ON lead.id = w.lead_id
      LEFT JOIN res_company cmp ON cmp.id = lead.company_id
"""


class CrmLeadStageReach(models.Model):
    """The stages each deal reached (technical, derived from ``crm.lead.stage.history``; the funnel's rows).

    Rebuilt for the deals whose stage changes, in the statement that records the change, and for every deal
    when the order of the stages or a company's reporting timezone changes (by a job) or the history is
    backfilled.
    """

    _name = "crm.lead.stage.reach"
    _description = "Stage Reached by a Deal"
    _log_access = False
    _rec_name = "stage_id"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", readonly=True)
    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", readonly=True)
    reached_on = fields.Date(readonly=True, help="First day the deal reached this stage or a later one.")
    cohort_on = fields.Date(readonly=True, help="Day the deal was created.")
    seconds = fields.Float(readonly=True, help="Seconds spent in the stage in the visits that ended.")
    open_since = fields.Datetime(
        readonly=True, help="Start of the deal's current visit, when it is in this stage."
    )
    visited = fields.Boolean(readonly=True, help="The deal was in this stage (not only past it).")
    is_last = fields.Boolean(readonly=True, help="The highest stage the deal reached.")

    _sql_constraints = [("lead_stage_unique", "unique(lead_id, stage_id)", "A deal reaches a stage once.")]

    @api.model
    def _trigger_rebuild(self):
        cron = self.env.ref("crm_reports.crm_lead_stage_reach_cron", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _rebuild_sql(self, lead_ids=None):
        """SQL that rebuilds the rows of ``lead_ids`` (every deal when None) from the stage history."""
        everything = lead_ids is None
        return SQL(
            "DELETE FROM crm_lead_stage_reach WHERE %(all)s OR lead_id = ANY(%(lead_ids)s); " + _REACH_SQL,
            all=everything,
            lead_ids=list(lead_ids or []),
        )

    @api.model
    def _rebuild(self, lead_ids=None):
        self.env["crm.lead.stage.history"].flush_model()
        self.env["crm.stage"].flush_model(["sequence"])
        self.env["crm.lead"].flush_model(["company_id"])
        self.env["res.company"].flush_model(["crm_tz"])
        self.env.cr.execute(self._rebuild_sql(lead_ids))
        self.invalidate_model()

    @api.model
    def _cron_rebuild(self):
        """Job run after the order of the stages or a reporting timezone changed: the rows depend on them."""
        self._rebuild()
