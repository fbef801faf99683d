# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import float_compare


class CrmMotivationScheme(models.Model):
    _name = "crm.motivation.scheme"
    _description = "Sales Motivation Scheme"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    commission_tier_ids = fields.One2many(
        "crm.motivation.tier",
        "scheme_id",
        domain=[("kind", "=", "commission")],
        context={"default_kind": "commission"},
        string="Commission Tiers",
    )
    coefficient_tier_ids = fields.One2many(
        "crm.motivation.tier",
        "scheme_id",
        domain=[("kind", "=", "coefficient")],
        context={"default_kind": "coefficient"},
        string="Salary Coefficient Tiers",
    )

    _sql_constraints = [
        ("company_unique", "unique(company_id)", "A company has one motivation scheme."),
    ]

    def _tier(self, kind, achievement):
        """The tier of the highest threshold reached: a threshold is reached by an equal achievement."""
        tiers = self.sudo()[f"{kind}_tier_ids"].sorted("threshold", reverse=True)
        return next(
            (tier for tier in tiers if float_compare(achievement, tier.threshold, precision_digits=4) >= 0),
            tiers.browse(),
        )
