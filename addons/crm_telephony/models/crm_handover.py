# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmHandoverLine(models.Model):
    _inherit = "crm.handover.line"

    kind = fields.Selection(
        selection_add=[("call", "Open Call"), ("callback", "Call Back"), ("extension", "PBX Extension")],
        ondelete={"call": "cascade", "callback": "cascade", "extension": "cascade"},
    )
