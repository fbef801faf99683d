# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL


class CrmLeadStageHistory(models.Model):
    """One visit of a deal to a stage: when it entered, when it left (empty while it is still there).

    Written by SQL only: one statement per create/write of deals that changes their stage
    (``crm.lead._stage_history_record``), and a backfill from the chatter's stage tracking at install. The
    funnel report (``crm.report.funnel``) reads it.
    """

    _name = "crm.lead.stage.history"
    _description = "Deal Stage History"
    _order = "lead_id, date_start, id"
    _rec_name = "stage_id"
    _log_access = False

    lead_id = fields.Many2one(
        "crm.lead", string="Lead/Opportunity", required=True, ondelete="cascade", readonly=True
    )
    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", readonly=True)
    date_start = fields.Datetime(string="Entered", required=True, readonly=True)
    date_end = fields.Datetime(
        string="Left",
        readonly=True,
        help="When the deal moved to another stage; empty while it is in this one.",
    )
    user_id = fields.Many2one("res.users", string="Moved By", readonly=True, ondelete="set null")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    duration_days = fields.Float(
        string="Days in Stage",
        compute="_compute_duration_days",
        digits=(16, 2),
        help="Days from entering the stage to leaving it (to now while the deal is still in it).",
    )

    def _auto_init(self):
        result = super()._auto_init()
        tools.create_index(
            self.env.cr, "crm_lead_stage_history_lead_date_idx", self._table, ["lead_id", "date_start"]
        )
        tools.create_index(
            self.env.cr,
            "crm_lead_stage_history_open_idx",
            self._table,
            ["lead_id"],
            where="date_end IS NULL",
        )
        return result

    @api.depends("date_start", "date_end")
    def _compute_duration_days(self):
        now = fields.Datetime.now()
        for visit in self:
            end = visit.date_end or now
            visit.duration_days = (
                (end - visit.date_start).total_seconds() / 86400.0 if visit.date_start else 0.0
            )

    # ------------------------------------------------------------------ business methods

    @api.model
    def _record(self, rows, when, user_id):
        """Record that the deals ``rows`` (``[(lead_id, stage_id, company_id)]``) enter these stages ``when``.

        One statement: the open visit of a deal to another stage is closed, a visit to the new stage opened;
        a deal already in that stage keeps its visit.
        """
        rows = [row for row in rows if row[1]]
        if not rows:
            return
        record = SQL(
            """
                WITH moved AS (
                    SELECT * FROM unnest(%s::int[], %s::int[], %s::int[]) AS m(lead_id, stage_id, company_id)
                ),
                closed AS (
                    UPDATE crm_lead_stage_history h
                       SET date_end = %s
                      FROM moved
                     WHERE h.lead_id = moved.lead_id AND h.date_end IS NULL AND h.stage_id <> moved.stage_id
                )
                INSERT INTO crm_lead_stage_history (lead_id, stage_id, date_start, user_id, company_id)
                SELECT moved.lead_id, moved.stage_id, %s, %s, moved.company_id
                  FROM moved
                 WHERE NOT EXISTS (
                        SELECT 1 FROM crm_lead_stage_history h
                         WHERE h.lead_id = moved.lead_id AND h.date_end IS NULL
                           AND h.stage_id = moved.stage_id)
                """,
            [row[0] for row in rows],
            [row[1] for row in rows],
            [row[2] or None for row in rows],
            when,
            when,
            user_id,
        )
        # one round trip: the visits, then the funnel rows of these deals
        reach = self.env["crm.lead.stage.reach"]
        self.env.cr.execute(SQL("%s; %s", record, reach._rebuild_sql([row[0] for row in rows])))
        self.invalidate_model()
        reach.invalidate_model()

    @api.model
    def _backfill(self):
        """History of the deals that have none, from the stage changes tracked in their chatter.

        A deal starts, at its creation, in the old stage of its first tracked change (its current stage when
        nothing was tracked); each tracked change opens a visit that the next one closes. A deal whose last
        tracked stage is not its current one (tracking was switched off) gets a last visit to its current
        stage from its last stage update. Set-based: two statements whatever the number of deals.
        """
        self.env["crm.lead"].flush_model()
        self.env["mail.tracking.value"].flush_model()
        self.env["mail.message"].flush_model()
        field_id = self.env["ir.model.fields"]._get("crm.lead", "stage_id").id
        self.env.cr.execute(
            SQL(
                """
                WITH todo AS (
                    SELECT l.id, l.stage_id, l.company_id, l.create_date, l.create_uid
                      FROM crm_lead l
                     WHERE NOT EXISTS (SELECT 1 FROM crm_lead_stage_history h WHERE h.lead_id = l.id)
                ),
                tracked AS (
                    SELECT m.res_id AS lead_id, v.create_date AS at, v.old_value_integer AS old_stage,
                           v.new_value_integer AS new_stage, COALESCE(v.create_uid, m.create_uid) AS user_id,
                           row_number() OVER w AS rn, lead(v.create_date) OVER w AS next_at
                      FROM mail_tracking_value v
                      JOIN mail_message m ON m.id = v.mail_message_id
                      JOIN todo ON todo.id = m.res_id
                     WHERE v.field_id = %s AND m.model = 'crm.lead'
                    WINDOW w AS (PARTITION BY m.res_id ORDER BY v.create_date, v.id)
                )
                INSERT INTO crm_lead_stage_history
                       (lead_id, stage_id, date_start, date_end, user_id, company_id)
                SELECT todo.id, COALESCE(first.old_stage, todo.stage_id), todo.create_date, first.at,
                       todo.create_uid, todo.company_id
                  FROM todo
                  LEFT JOIN tracked first ON first.lead_id = todo.id AND first.rn = 1
                 WHERE EXISTS (
                        SELECT 1 FROM crm_stage s WHERE s.id = COALESCE(first.old_stage, todo.stage_id))
                UNION ALL
                SELECT t.lead_id, t.new_stage, t.at, t.next_at, t.user_id, todo.company_id
                  FROM tracked t
                  JOIN todo ON todo.id = t.lead_id
                 WHERE EXISTS (SELECT 1 FROM crm_stage s WHERE s.id = t.new_stage)
                """,
                field_id,
            )
        )
        # deals whose last known visit is not their current stage
        self.env.cr.execute(
            """
            WITH stale AS (
                SELECT l.id AS lead_id, l.stage_id, l.company_id,
                       GREATEST(h.date_start, COALESCE(l.date_last_stage_update, l.write_date)) AS at
                  FROM crm_lead l
                  JOIN crm_lead_stage_history h ON h.lead_id = l.id AND h.date_end IS NULL
                 WHERE l.stage_id IS NOT NULL AND h.stage_id <> l.stage_id
            ),
            closed AS (
                UPDATE crm_lead_stage_history h SET date_end = stale.at
                  FROM stale WHERE h.lead_id = stale.lead_id AND h.date_end IS NULL
            )
            INSERT INTO crm_lead_stage_history (lead_id, stage_id, date_start, company_id)
            SELECT lead_id, stage_id, at, company_id FROM stale
            """
        )
        self.invalidate_model()
        self.env["crm.lead.stage.reach"]._rebuild()
