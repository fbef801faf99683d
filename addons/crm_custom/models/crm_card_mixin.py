# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from . import crm_card_quality_mixin, crm_duplicate_mixin  # noqa: F401 - defined first


class CrmCardMixin(models.AbstractModel):
    """A client or deal card: duplicate guard and card quality, checked on every create and write.

    What must refuse a save (mandatory fields, the guard in block mode) runs in create/write; what only
    records a fact (the warn-mode flag, the completeness score) is a stored computed field, computed in
    one batch when the ORM flushes. A company without rules costs no query.
    """

    _name = "crm.card.mixin"
    _inherit = ["crm.duplicate.mixin", "crm.card.quality.mixin"]
    _description = "CRM Card"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._card_check_mandatory()
        records._duplicate_guard()
        records._card_refresh_score()
        return records

    def write(self, vals):
        result = super().write(vals)
        if any(fname in vals for fname in self._duplicate_trigger_fields):
            self._duplicate_guard()
        self._card_quality_after_write(vals)
        return result
