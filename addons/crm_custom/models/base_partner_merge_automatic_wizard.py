# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The contacts merged into one are not duplicates of the result (duplicate guard in block mode)."""
        ids = partner_ids.ids if isinstance(partner_ids, models.BaseModel) else list(partner_ids)
        with self.env["res.partner"]._duplicate_merging(ids):
            return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)

    def _update_values(self, src_partners, dst_partner):
        """The merged contacts' feedback history has moved to the kept one (``_update_foreign_keys``): each
        one's last rating and unhappy flag (system fields) follow their history again before Odoo copies
        the other contacts' values into the kept one."""
        (src_partners | dst_partner)._crm_refresh_feedback()
        return super()._update_values(src_partners, dst_partner)
