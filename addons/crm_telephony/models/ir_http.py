# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        # The PBX webhooks check their request before Odoo reads any of its body (it parses form bodies
        # before the controller runs): size, content type, signature header (controllers/main.py).
        guard = rule.endpoint.routing.get("pbx_body_guard")
        if guard:
            guard()
        return super()._pre_dispatch(rule, args)
