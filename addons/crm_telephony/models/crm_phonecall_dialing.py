# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmPhonecallDialing(models.AbstractModel):
    """Click-to-dial: ring the user's extension, connect it to the number and log the call; inherited by
    ``crm.phonecall``."""

    _name = "crm.phonecall.dialing"
    _description = "Click-to-Dial"

    @api.model
    def _pbx_dial(self, number, partner=None, lead=None):
        """Start an outbound call from the current user's extension and log it."""
        user = self.env.user
        if not number:
            raise UserError(_("There is no number to call."))
        if not user.pbx_extension:
            raise UserError(_("You have no PBX extension: ask an administrator to set it in your user."))
        pbx = (
            self.env["crm.pbx"]
            .sudo()
            .search(
                [("company_id", "=", self.env.company.id), ("provider", "in", ("zadarma", "asterisk"))],
                limit=1,
            )
        )
        if not pbx:
            raise UserError(
                _("No PBX able to place calls is configured for %(company)s.", company=self.env.company.name)
            )
        # the extension of this user on this PBX, as the webhook maps it (users of the PBX's company): the
        # same extension number in another company is another user's phone
        extension = pbx._pbx_user_extension(user)
        if not extension:
            raise UserError(
                _(
                    "Your PBX extension belongs to %(home)s, not to %(company)s: switch to %(home)s to place "
                    "calls, or ask an administrator.",
                    home=user.company_id.name,
                    company=pbx.company_id.name,
                )
            )
        number_e164 = pbx._to_e164(number)
        if not number_e164:
            raise UserError(_("The number %(number)s cannot be read.", number=number))
        external_id = pbx._pbx_originate(extension, number_e164)
        # the values come from the PBX's answer and the user's own records: the system path writes them
        call = self._system_create(
            {
                "name": _("Outbound call to %(number)s", number=number_e164),
                "direction": "out",
                "pbx_id": pbx.id,
                "external_call_id": external_id or False,
                "company_id": pbx.company_id.id,
                "user_id": user.id,
                "pbx_extension": extension,
                "partner_id": (partner or (lead and lead.partner_id) or self.env["res.partner"]).id,
                "opportunity_id": lead.id if lead else False,
                "partner_phone": number_e164,
                "remote_e164": number_e164,
                "called_number": number,
                "caller_number": extension,
                "ring_start": fields.Datetime.now(),
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Calling %(number)s from extension %(ext)s.", number=number_e164, ext=extension),
                "next": {"type": "ir.actions.act_window_close"},
                "call_id": call.id,
            },
        }

    def action_pbx_dial(self):
        self.ensure_one()
        return self._pbx_dial(
            self.remote_e164 or self.partner_phone, partner=self.partner_id, lead=self.opportunity_id
        )
