# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmPhonecallReport(models.Model):
    """OCA's call report, with the call's lead: its record rules are those of the calls, which name it."""

    _inherit = "crm.phonecall.report"

    opportunity_id = fields.Many2one("crm.lead", string="Lead/Opportunity", readonly=True)

    def _select(self):
        return super()._select() + ", c.opportunity_id"
