# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _lt, api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _crm_data_names(self):
        return {
            **super()._crm_data_names(),
            "crm_telephony.utm_source_phone": ("name", _lt("Phone")),
            "crm_telephony.crm_pbx_demo": ("name", _lt("Office PBX (demo)")),
        }
