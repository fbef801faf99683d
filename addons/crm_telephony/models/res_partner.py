# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # phone_sanitized keeps only one of phone/mobile and has no index in 18.0; crm_custom stores the phone
    # alone as the indexed phone_e164, and the caller look-up needs the mobile the same way.
    mobile_e164 = fields.Char(
        string="Mobile (E.164)", compute="_compute_mobile_e164", store=True, index="btree_not_null"
    )

    @api.depends("mobile", "country_id", "company_id")
    def _compute_mobile_e164(self):
        for partner in self:
            partner.mobile_e164 = (
                partner.mobile and partner._phone_format(fname="mobile", force_format="E164") or False
            )

    def action_pbx_dial(self):
        self.ensure_one()
        number = self.env.context.get("dial_field") == "mobile" and self.mobile or self.phone or self.mobile
        return self.env["crm.phonecall"]._pbx_dial(number, partner=self)
