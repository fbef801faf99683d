# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# user fields the PBX intake config caches (users by extension)
EXTENSION_FIELDS = {"pbx_extension", "active", "company_id"}


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

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        if any(vals.get("pbx_extension") for vals in vals_list):
            self.env.registry.clear_cache()
        return users

    def write(self, vals):
        res = super().write(vals)
        if EXTENSION_FIELDS.intersection(vals) and (
            "pbx_extension" in vals or any(user.pbx_extension for user in self)
        ):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        had_extension = any(user.pbx_extension for user in self)
        res = super().unlink()
        if had_extension:
            self.env.registry.clear_cache()
        return res
