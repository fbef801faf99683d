# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmMotivationTier(models.Model):
    _name = "crm.motivation.tier"
    _description = "Sales Motivation Tier"
    _order = "scheme_id, kind, threshold"

    scheme_id = fields.Many2one("crm.motivation.scheme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scheme_id.company_id", store=True)
    kind = fields.Selection(
        [("commission", "Commission"), ("coefficient", "Salary Coefficient")],
        required=True,
        default="commission",
    )
    threshold = fields.Float(
        string="From Achievement (%)",
        help="The tier applies from this achievement (included) up to the next tier's threshold (excluded).",
    )
    value = fields.Float(
        digits=(16, 4),
        help="Commission tiers: percent of revenue paid as commission. Coefficient tiers: salary "
        "coefficient.",
    )

    _sql_constraints = [
        (
            "threshold_unique",
            "unique(scheme_id, kind, threshold)",
            "Two tiers cannot start at the same threshold.",
        ),
        ("threshold_positive", "check(threshold >= 0)", "A tier threshold cannot be negative."),
    ]

    def _compute_display_name(self):
        for tier in self:
            tier.display_name = f"≥ {tier.threshold:g} % → {tier.value:g}"
