# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    pbx_extension = fields.Char(
        string="PBX Extension",
        copy=False,
        index="btree_not_null",
        help="Internal number of this user on the company's PBX; calls to it are logged for this user.",
    )

    _sql_constraints = [
        (
            "pbx_extension_company_uniq",
            "unique(pbx_extension, company_id)",
            "This PBX extension is already used by another user of the same company.",
        ),
    ]
