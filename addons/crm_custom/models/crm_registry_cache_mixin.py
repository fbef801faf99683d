# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmRegistryCacheMixin(models.AbstractModel):
    """Records that request paths and checks read from the registry's ``ormcache`` (rules, intake sources,
    bots, PBX configurations and routing): creating, changing or deleting them empties that cache, so every
    worker reads them again. ``_crm_cache_fields``: the fields whose change matters (None: any field)."""

    _name = "crm.registry.cache.mixin"
    _description = "Records Cached in the Registry"

    _crm_cache_fields = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._crm_cache_fields is None or not self._crm_cache_fields.isdisjoint(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
