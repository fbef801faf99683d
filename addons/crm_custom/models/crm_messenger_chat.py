# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, _lt, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .crm_messenger_bot import MAX_TEXT

# Telegram message kinds without text of their own, named in the chatter.
OTHER_KINDS = (
    ("sticker", _lt("[sticker]")),
    ("voice", _lt("[voice message]")),
    ("video", _lt("[video]")),
    ("video_note", _lt("[video message]")),
    ("audio", _lt("[audio]")),
    ("animation", _lt("[animation]")),
    ("location", _lt("[location]")),
    ("venue", _lt("[venue]")),
    ("poll", _lt("[poll]")),
)


class CrmMessengerChat(models.Model):
    """A client's private chat with a company's bot, and the card (lead or client) it lands on. Written
    by the webhook only (no user has write access)."""

    _name = "crm.messenger.chat"
    _description = "Messenger Chat"
    _check_company_auto = True
    _order = "last_message_date desc, id desc"

    bot_id = fields.Many2one("crm.messenger.bot", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="bot_id.company_id", store=True, index=True)
    provider = fields.Selection(related="bot_id.provider")
    external_chat_id = fields.Char(string="Chat ID", required=True, readonly=True)
    name = fields.Char(readonly=True, help="The client's name in the messenger.")
    username = fields.Char(readonly=True)
    phone = fields.Char(readonly=True, help="The phone of the contact the client shared (E.164).")
    lead_id = fields.Many2one("crm.lead", readonly=True, ondelete="set null", index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner", string="Client", readonly=True, ondelete="set null", index="btree_not_null"
    )
    last_message_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("chat_unique", "UNIQUE(bot_id, external_chat_id)", "A chat is known once per bot."),
    ]

    @api.depends("name", "username", "bot_id")
    def _compute_display_name(self):
        for chat in self:
            who = chat.name or chat.external_chat_id
            if chat.username:
                who = f"{who} (@{chat.username})"
            chat.display_name = f"{chat.bot_id.name}: {who}"

    def _card(self):
        self.ensure_one()
        return self.lead_id or self.partner_id

    # -- incoming -------------------------------------------------------------------------------------
    @api.model
    def _messenger_phone(self, company, number):
        """E.164 form of a shared contact's phone (Telegram sends it without "+")."""
        if not number or not isinstance(number, str):
            return False
        raw = number.strip()
        if raw.isdigit() and len(raw) > 10 and not raw.startswith("0"):
            raw = "+" + raw
        return self.env["crm.lead.intake"]._intake_phone(company, raw)

    @api.model
    def _messenger_chat(self, bot, chat_data, sender, contact):
        """The chat of an incoming message, with its card: a known chat keeps its card; a new one attaches
        to the client whose phone is the shared contact's (an activity for its salesperson), else creates a
        lead for the bot's team."""
        intake = self.env["crm.lead.intake"]
        company = bot.company_id
        key = str(chat_data["id"])
        intake._intake_lock(company, [f"messenger:{bot.id}:{key}"])
        chat = self.search([("bot_id", "=", bot.id), ("external_chat_id", "=", key)])
        phone = contact and self._messenger_phone(company, contact.get("phone_number"))
        name = " ".join(
            part
            for part in (sender.get("first_name"), sender.get("last_name"))
            if isinstance(part, str) and part
        )
        username = sender.get("username") if isinstance(sender.get("username"), str) else False
        now = fields.Datetime.now()
        if chat and chat._card():
            if phone and not chat.phone:
                chat.phone = phone
                if chat.lead_id and not chat.lead_id.phone:
                    chat.lead_id.phone = phone
            chat.last_message_date = now
            return chat
        label = (name or username or key)[:128]
        card = intake._intake_find_card(company, phone=phone) if phone else None
        if card:
            intake._intake_attach(
                card, company, channel=_lt("Telegram %(bot)s", bot=bot.name), team=bot.team_id, post=False
            )
        else:
            card = intake._intake_create_lead(
                company,
                bot.team_id,
                {
                    "name": _lt("Telegram: %(name)s", name=label),
                    "contact_name": label,
                    "phone": phone or False,
                    "source_id": bot.source_id.id,
                },
            )
        vals = {
            "name": label,
            "username": username,
            "phone": phone or False,
            "lead_id": card.id if card._name == "crm.lead" else False,
            "partner_id": card.id if card._name == "res.partner" else card.partner_id.id,
            "last_message_date": now,
        }
        if chat:
            chat.write(vals)
            return chat
        return self.create(dict(vals, bot_id=bot.id, external_chat_id=key))

    def _telegram_post_incoming(self, message):
        """The client's message in the card's chatter (photos and documents attached, downloaded from
        Telegram), its salesperson notified, in the salesperson's language."""
        self.ensure_one()
        card = self._card()
        owner = self.env["crm.lead.intake"]._intake_card_owner(card, self.bot_id.team_id)
        self = self.with_context(lang=owner._crm_lang())  # noqa: PLW0642 - the salesperson reads it
        bot = self.bot_id
        text = message.get("text") or message.get("caption") or ""
        text = text if isinstance(text, str) else ""
        lines, attachments = [], []
        photos = [
            photo for photo in message.get("photo") or [] if isinstance(photo, dict) and photo.get("file_id")
        ]
        if photos:
            largest = max(photos, key=lambda p: (p.get("file_size") or 0, p.get("width") or 0))
            found = bot._telegram_download(largest["file_id"])
            if found:
                attachments.append(found)
            else:
                lines.append(self.env._("[photo not downloaded]"))
        document = message.get("document")
        if isinstance(document, dict) and document.get("file_id"):
            found = bot._telegram_download(document["file_id"])
            if found:
                name = document.get("file_name") if isinstance(document.get("file_name"), str) else found[0]
                attachments.append((name, found[1]))
            else:
                lines.append(self.env._("[document not downloaded]"))
        contact = message.get("contact")
        if isinstance(contact, dict):
            who = " ".join(
                part
                for part in (contact.get("first_name"), contact.get("last_name"))
                if isinstance(part, str)
            )
            lines.append(
                self.env._(
                    "Shared contact: %(name)s %(phone)s", name=who, phone=contact.get("phone_number") or ""
                )
            )
        for key, label in OTHER_KINDS:
            if key in message:
                lines.append(self.env._(label))
        who = self.name or self.external_chat_id
        if self.username:
            who = f"{who} (@{self.username})"
        body = Markup("<p><b>%s</b></p>") % self.env._("Telegram, %(who)s:", who=who)
        for part in [text, *lines]:
            if part:
                body += Markup("<p>%s</p>") % Markup("<br/>").join(part.splitlines())
        card.with_context(mail_create_nosubscribe=True).message_post(
            body=body,
            attachments=attachments,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=owner.partner_id.ids,
        )

    # -- outgoing -------------------------------------------------------------------------------------
    def _messenger_send(self, text):
        """Send ``text`` to the client through the bot (sendMessage) as the current user, and log it on
        the card. The first message to a new lead is its first contact."""
        self.ensure_one()
        card = self._card()
        if not card:
            raise UserError(_("This chat has no card any more."))
        card.check_access("write")
        text = (text or "").strip()
        if not text:
            raise UserError(_("Write the message to send."))
        if len(text) > MAX_TEXT:
            raise UserError(_("A Telegram message holds at most %(max)s characters.", max=MAX_TEXT))
        self.bot_id.sudo()._telegram_call(
            "sendMessage", {"chat_id": int(self.external_chat_id), "text": text}
        )
        body = Markup("<p><b>%s</b></p><p>%s</p>") % (
            _("Sent to Telegram (%(chat)s):", chat=self.name or self.external_chat_id),
            Markup("<br/>").join(text.splitlines()),
        )
        message = card.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        if card._name == "crm.lead":
            card._first_contact_register(message.date)
        return message

    @api.model
    def _messenger_chat_of(self, card):
        """The most recent chat of a card (a lead, or a client and its contacts)."""
        if card._name == "crm.lead":
            domain = ["|", ("lead_id", "=", card.id), ("partner_id", "=", card.partner_id.id or 0)]
        else:
            domain = [("partner_id", "child_of", card.commercial_partner_id.id)]
        return self.sudo().search(domain, limit=1)

    @api.model
    def action_send_chatter_message(self, message_id):
        """ "Send to Telegram" on a chatter message: its text goes to the card's chat."""
        message = self.env["mail.message"].browse(message_id).exists()
        if not message or message.model not in ("crm.lead", "res.partner"):
            raise UserError(_("Only messages of leads and clients can be sent to Telegram."))
        if message.author_id != self.env.user.partner_id:
            raise UserError(_("Only your own messages can be sent to Telegram."))
        card = self.env[message.model].browse(message.res_id)
        chat = self._messenger_chat_of(card)
        if not chat:
            raise UserError(_("%(card)s has no Telegram chat.", card=card.display_name))
        chat.with_env(self.env)._messenger_send(html2plaintext(message.body or ""))
        return True
