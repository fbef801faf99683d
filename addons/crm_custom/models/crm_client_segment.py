# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmClientSegment(models.Model):
    _name = "crm.client.segment"
    _description = "Client Segment"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to offer the segment in every company.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(name, company_id)", "A segment with this name already exists."),
    ]
