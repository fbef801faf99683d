# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailActivityMixin(models.AbstractModel):
    _inherit = "mail.activity.mixin"

    def _crm_activity_target(self, target="record"):
        """The record an automated activity of this record goes on: itself, or its client card (the
        commercial entity of its partner); an empty recordset when it has no client."""
        self.ensure_one()
        if target != "client":
            return self
        if self._name == "res.partner":
            return self.commercial_partner_id
        if "partner_id" in self._fields:
            return self.partner_id.commercial_partner_id
        return self.env["res.partner"]

    def _crm_open_activities(self, activity_types):
        """Open activities of ``activity_types`` on these records."""
        if not self:
            return self.env["mail.activity"]
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "in", activity_types.ids),
                ]
            )
            .with_env(self.env)
        )
