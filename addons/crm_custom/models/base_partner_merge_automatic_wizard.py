# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The contacts merged into one are not duplicates of the result (duplicate guard in block mode)."""
        ids = partner_ids.ids if isinstance(partner_ids, models.BaseModel) else list(partner_ids)
        merging = self.with_context(crm_duplicate_merging_ids=tuple(ids))
        return super(BasePartnerMergeAutomaticWizard, merging)._merge(
            partner_ids,
            dst_partner=dst_partner and dst_partner.with_env(merging.env),
            extra_checks=extra_checks,
        )
