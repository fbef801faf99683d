# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmHandoverLine(models.Model):
    _inherit = "crm.handover.line"

    kind = fields.Selection(
        selection_add=[("call", "Open Call"), ("callback", "Call Back"), ("extension", "PBX Extension")],
        ondelete={"call": "cascade", "callback": "cascade", "extension": "cascade"},
    )

    def _note_render(self, values):
        if self.kind == "extension":
            return self.env._("Extension %(extension)s freed", extension=values.get("extension") or "")
        return super()._note_render(values)
