# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required",
        string="Lost Reason Required",
    )

    def action_set_lost(self, **additional_values):
        """Refuse to lose a deal without a reason when its company asks for one."""
        reason = additional_values.get("lost_reason_id")
        missing = self.filtered(
            lambda lead: (
                (lead.company_id or self.env.company).crm_lost_reason_required
                and not reason
                and not lead.lost_reason_id
            )
        )
        if missing:
            raise UserError(
                _(
                    "Choose a lost reason before marking these deals as lost: %(names)s",
                    names=", ".join(missing.mapped("display_name")),
                )
            )
        return super().action_set_lost(**additional_values)
