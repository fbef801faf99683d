# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_lost_reason_required = fields.Boolean(
        string="Lost Reason Required",
        default=True,
        help="A deal of this company can only be marked lost with a lost reason.",
    )
