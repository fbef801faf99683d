# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CrmLead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    def _convert_and_allocate(self, leads, user_ids, team_id=False):
        """Conversion assigns salespeople lead by lead or by round-robin subsets: the First Contact
        activities of the converted leads are scheduled once, for all of them, at the end."""
        with self.env["crm.lead"]._first_contact_deferred():
            return super()._convert_and_allocate(leads, user_ids, team_id=team_id)
