# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools

SCORE_HELP = (
    "Weights of the rules met by the salesperson's cards that day, as a percentage of the weights of all "
    "rules measured on those cards."
)


class CrmCardQualityTrend(models.Model):
    """Per salesperson and day: card-quality score and its change against the previous snapshot."""

    _name = "crm.card.quality.trend"
    _description = "Card Quality per Salesperson"
    _auto = False
    _order = "date desc, score"
    _rec_name = "user_id"

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    cards = fields.Integer(readonly=True, aggregator="sum")
    items_met = fields.Integer(readonly=True, aggregator="sum")
    items_total = fields.Integer(readonly=True, aggregator="sum")
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg", help=SCORE_HELP)
    previous_score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg")
    trend = fields.Float(
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Score minus the score of the previous snapshot of the same salesperson (yesterday's, usually).",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                WITH daily AS (
                    SELECT l.date, l.company_id, l.user_id,
                           count(DISTINCT (l.target, l.res_id)) AS cards,
                           sum(l.passed) AS items_met,
                           count(*) AS items_total,
                           round(100.0 * sum(l.passed * l.weight) / NULLIF(sum(l.weight), 0), 1) AS score
                      FROM crm_card_quality_line l
                     GROUP BY l.date, l.company_id, l.user_id
                )
                SELECT row_number() OVER (ORDER BY d.date, d.company_id, d.user_id) AS id,
                       d.*,
                       lag(d.score) OVER w AS previous_score,
                       d.score - lag(d.score) OVER w AS trend
                  FROM daily d
                WINDOW w AS (PARTITION BY d.company_id, d.user_id ORDER BY d.date)
            )
            """
        )
