# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmMessengerSendWizard(models.TransientModel):
    _name = "crm.messenger.send.wizard"
    _description = "Send to Telegram"

    res_model = fields.Char(string="Card Model", required=True)
    res_id = fields.Integer(string="Card", required=True)
    chat_id = fields.Many2one("crm.messenger.chat", readonly=True)
    body = fields.Text(string="Message", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = values.get("res_model") or self.env.context.get("active_model")
        res_id = values.get("res_id") or self.env.context.get("active_id")
        if model in ("crm.lead", "res.partner") and res_id:
            card = self.env[model].browse(res_id)
            card.check_access("read")
            values.update(
                res_model=model,
                res_id=res_id,
                chat_id=self.env["crm.messenger.chat"]._messenger_chat_of(card).id,
            )
        return values

    def action_send(self):
        self.ensure_one()
        if self.res_model not in ("crm.lead", "res.partner") or not self.chat_id:
            raise UserError(_("This card has no Telegram chat."))
        card = self.env[self.res_model].browse(self.res_id)
        if self.chat_id.sudo() != self.env["crm.messenger.chat"]._messenger_chat_of(card):
            raise UserError(_("This chat does not belong to this card."))
        self.chat_id._messenger_send(self.body)
        return {"type": "ir.actions.act_window_close"}
