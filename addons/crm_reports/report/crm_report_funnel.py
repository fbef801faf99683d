# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.report_help import HELP


class CrmReportFunnel(models.Model):
    """One row per opportunity and stage it reached, from the stage history.

    Stages are ordered by sequence: an opportunity that jumped from New to Proposition also reached
    Qualified; one that went forward, back and forward again reached each stage once. A stage of another
    team counts only when the opportunity was in it. The rows come from ``crm.lead.stage.reach``, kept from
    the history when a deal changes stage.
    """

    _name = "crm.report.funnel"
    _inherit = "crm.report.mixin"
    _description = "Sales Funnel Report"
    _auto = False
    _rec_name = "lead_id"
    _order = "cohort_date desc, lead_id, stage_sequence"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True, help=HELP["funnel.stage_id"])
    stage_sequence = fields.Integer(readonly=True, aggregator=None)
    date_reached = fields.Date(string="Reached On", readonly=True, help=HELP["funnel.date_reached"])
    days_in_stage = fields.Float(
        readonly=True, digits=(16, 1), aggregator="avg", help=HELP["funnel.days_in_stage"]
    )
    cohort_date = fields.Date(string="Created On", readonly=True, help=HELP["funnel.cohort_date"])
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    won = fields.Boolean(string="Deal Won", readonly=True, help=HELP["funnel.won"])
    lost = fields.Boolean(string="Lost in This Stage", readonly=True, help=HELP["funnel.lost"])
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True, help=HELP["funnel.lost_reason_id"])
    deal_count = fields.Integer(string="Deals Reached", readonly=True, help=HELP["funnel.deal_count"])
    won_count = fields.Integer(string="Won", readonly=True, help=HELP["funnel.won_count"])
    lost_count = fields.Integer(string="Lost Here", readonly=True, help=HELP["funnel.lost_count"])
    conversion = fields.Float(
        string="Conversion to a Later Stage (%)",
        readonly=True,
        aggregator="avg",
        help=HELP["funnel.conversion"],
    )
    drop_off = fields.Float(
        string="Drop-off (%)", readonly=True, aggregator="avg", help=HELP["funnel.drop_off"]
    )

    _depends = {
        "crm.lead.stage.reach": [
            "lead_id",
            "stage_id",
            "reached_on",
            "cohort_on",
            "seconds",
            "open_since",
            "is_last",
        ],
        "crm.lead": [
            "type",
            "user_id",
            "team_id",
            "company_id",
            "source_id",
            "medium_id",
            "campaign_id",
            "partner_id",
            "create_date",
            "date_closed",
            "active",
            "probability",
            "stage_id",
            "lost_reason_id",
        ],
        "crm.stage": ["sequence", "team_id", "is_won"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        lost_here = SQL("(NOT lead.active AND lead.probability = 0 AND reach.stage_id = lead.stage_id)")
        won = SQL("(lead.active AND COALESCE(current.is_won, FALSE))")
        # an open visit lasts until the deal was won or lost, else until now
        open_end = SQL(
            """GREATEST(CASE WHEN %(won)s OR (NOT lead.active AND lead.probability = 0)
                             THEN COALESCE(lead.date_closed, now() AT TIME ZONE 'UTC')
                             ELSE now() AT TIME ZONE 'UTC' END, reach.open_since)""",
            won=won,
        )
        return SQL(
            """
            SELECT reach.lead_id::bigint * 65536 + mod(reach.stage_id, 65536) AS id,
                   reach.lead_id,
                   reach.stage_id,
                   stage.sequence AS stage_sequence,
                   %(reached)s AS date_reached,
                   (reach.seconds
                    + CASE WHEN reach.open_since IS NULL THEN 0
                           ELSE EXTRACT(EPOCH FROM %(open_end)s - reach.open_since) END) / 86400.0
                       AS days_in_stage,
                   %(cohort)s AS cohort_date,
                   lead.user_id,
                   lead.team_id,
                   lead.company_id,
                   lead.source_id,
                   lead.medium_id,
                   lead.campaign_id,
                   lead.partner_id,
                   %(won)s AS won,
                   %(lost_here)s AS lost,
                   CASE WHEN %(lost_here)s THEN lead.lost_reason_id END AS lost_reason_id,
                   1 AS deal_count,
                   CASE WHEN %(won)s THEN 1 ELSE 0 END AS won_count,
                   CASE WHEN %(lost_here)s THEN 1 ELSE 0 END AS lost_count,
                   CASE WHEN reach.is_last THEN 0.0 ELSE 100.0 END AS conversion,
                   CASE WHEN %(lost_here)s THEN 100.0 ELSE 0.0 END AS drop_off
            """,
            reached=SQL("reach.reached_on"),
            cohort=SQL("reach.cohort_on"),
            open_end=open_end,
            won=won,
            lost_here=lost_here,
        )

    @api.model
    def _from(self):
        return SQL(
            """
              FROM crm_lead_stage_reach reach
              JOIN crm_lead lead ON lead.id = reach.lead_id
              JOIN crm_stage stage ON stage.id = reach.stage_id
              LEFT JOIN crm_stage current ON current.id = lead.stage_id
            """
        )

    @api.model
    def _where(self):
        return SQL(
            """
             WHERE lead.type = 'opportunity'
               AND (reach.visited OR stage.team_id IS NULL OR stage.team_id = lead.team_id)
            """
        )
