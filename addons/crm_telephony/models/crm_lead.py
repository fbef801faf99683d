# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_pbx_dial(self):
        self.ensure_one()
        number = self.env.context.get("dial_field") == "mobile" and self.mobile or self.phone or self.mobile
        return self.env["crm.phonecall"]._pbx_dial(number, partner=self.partner_id, lead=self)
