# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hmac
import logging
import secrets

import requests

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import frozendict

from ..transaction import read_committed
from .crm_lead_intake import IntakeError

_logger = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"
# Bot API limits: a bot may download files up to 20 MB; a text message holds 4096 characters.
MAX_FILE = 20 * 1024 * 1024
MAX_TEXT = 4096
# Updates the webhook asks Telegram for.
ALLOWED_UPDATES = ["message"]


class CrmMessengerBot(models.Model):
    """A company's bot in a messenger (Telegram): clients write to it, their chats become leads."""

    _name = "crm.messenger.bot"
    _inherit = ["crm.system.fields.mixin", "crm.registry.cache.mixin"]  # the webhook caches the secret
    _description = "Messenger Bot"
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    provider = fields.Selection([("telegram", "Telegram")], required=True, default="telegram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Team of the leads of new chats; their salesperson is chosen by the team's assignment rules.",
    )
    source_id = fields.Many2one(
        "utm.source",
        default=lambda self: self.env.ref("crm_custom.utm_source_messenger", raise_if_not_found=False),
        help="Source of the leads of new chats.",
    )
    token = fields.Char(
        string="Bot Token",
        groups="base.group_system",
        copy=False,
        help="The token BotFather gave for this bot. Readable by system administrators only.",
    )
    api_url = fields.Char(
        string="Bot API URL",
        groups="base.group_system",
        default=TELEGRAM_API,
        help="Root URL of the Telegram Bot API (a local Bot API server may replace the public one).",
    )
    # set by "Connect to Telegram" only (system=True: refused to users, docs/security.md)
    webhook_secret = fields.Char(groups="base.group_system", copy=False, readonly=True, system=True)
    webhook_registered = fields.Boolean(readonly=True, copy=False, system=True)
    bot_username = fields.Char(
        readonly=True, copy=False, system=True, help="The bot's @username, as Telegram reports it."
    )
    webhook_url = fields.Char(string="Webhook URL", compute="_compute_webhook_url")
    chat_ids = fields.One2many("crm.messenger.chat", "bot_id", string="Chats")
    chat_count = fields.Integer(string="Chats Count", compute="_compute_chat_count")

    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for bot in self:
            bot.webhook_url = f"{base}/crm_custom/v1/telegram/{bot.id}" if bot.id else False

    def _compute_chat_count(self):
        counts = dict(
            self.env["crm.messenger.chat"]._read_group([("bot_id", "in", self.ids)], ["bot_id"], ["__count"])
        )
        for bot in self:
            bot.chat_count = counts.get(bot, 0)

    def write(self, vals):
        result = super().write(vals)
        if "token" in vals:
            # a new token is another bot for Telegram: its webhook must be registered again
            self.sudo().filtered("webhook_registered").write({"webhook_registered": False})
        return result

    # -- webhook authentication ------------------------------------------------------------------------
    @api.model
    @tools.ormcache()
    def _messenger_secret_table(self):
        """{bot id: webhook secret} of the active bots, read once per worker until a bot changes."""
        self.flush_model(["webhook_secret", "active"])
        self.env.cr.execute(
            "SELECT id, webhook_secret FROM crm_messenger_bot WHERE active AND webhook_secret IS NOT NULL"
        )
        return frozendict(self.env.cr.fetchall())

    @api.model
    def _messenger_authenticate(self, bot_id, secret):
        """The active bot ``bot_id`` when ``secret`` is its webhook secret (constant-time), else empty."""
        stored = self._messenger_secret_table().get(bot_id)
        if not (stored and secret and hmac.compare_digest(stored.encode(), secret.encode())):
            return self.browse()
        return self.browse(bot_id)

    # -- Bot API ----------------------------------------------------------------------------------------
    def _telegram_base(self):
        self.ensure_one()
        bot = self.sudo()
        if not bot.token:
            raise UserError(_("The bot %(bot)s has no token.", bot=bot.name))
        return (bot.api_url or TELEGRAM_API).rstrip("/"), bot.token

    def _telegram_call(self, method, payload=None):
        """Call a Bot API method; returns its ``result`` or raises UserError with Telegram's description."""
        base, token = self._telegram_base()
        try:
            response = requests.post(f"{base}/bot{token}/{method}", json=payload or {}, timeout=10)
            data = response.json()
        except (requests.RequestException, ValueError) as error:
            raise UserError(_("Telegram did not answer correctly: %(error)s", error=error)) from error
        if not isinstance(data, dict) or not data.get("ok"):
            description = data.get("description") if isinstance(data, dict) else None
            raise UserError(
                _(
                    "Telegram refused %(method)s: %(message)s",
                    method=method,
                    message=description or response.status_code,
                )
            )
        return data.get("result")

    def _telegram_download(self, file_id):
        """(file name, content) of a file the client sent, through getFile; None when it cannot be fetched
        or is over the Bot API's 20 MB."""
        base, token = self._telegram_base()
        try:
            info = self._telegram_call("getFile", {"file_id": file_id})
        except UserError as error:
            _logger.info("Telegram file %s not fetched: %s", file_id, error)
            return None
        path = isinstance(info, dict) and info.get("file_path")
        if not path or (info.get("file_size") or 0) > MAX_FILE:
            return None
        try:
            with requests.get(f"{base}/file/bot{token}/{path}", timeout=30, stream=True) as response:
                if response.status_code != 200:
                    return None
                content = b""
                for chunk in response.iter_content(64 * 1024):
                    content += chunk
                    if len(content) > MAX_FILE:
                        return None
        except requests.RequestException as error:
            _logger.info("Telegram file %s not downloaded: %s", file_id, error)
            return None
        return path.rsplit("/", 1)[-1], content

    # -- actions (system administrators) ----------------------------------------------------------------
    def _check_system(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can configure a bot's connection to Telegram."))

    def action_register_webhook(self):
        """Ask Telegram to deliver the bot's updates to this database, with a new secret token."""
        self.ensure_one()
        self._check_system()
        me = self._telegram_call("getMe")
        secret = secrets.token_urlsafe(32)
        self._telegram_call(
            "setWebhook",
            {"url": self.webhook_url, "secret_token": secret, "allowed_updates": ALLOWED_UPDATES},
        )
        self.sudo().write(
            {
                "webhook_secret": secret,
                "webhook_registered": True,
                "bot_username": (me or {}).get("username") or False,
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Telegram now sends this bot's messages to %(url)s.", url=self.webhook_url),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_chats(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Chats"),
            "res_model": "crm.messenger.chat",
            "view_mode": "list,form",
            "domain": [("bot_id", "=", self.id)],
        }

    # -- incoming updates --------------------------------------------------------------------------------
    def _telegram_process_update(self, update):
        """Process one Telegram ``Update`` (the decoded JSON) and return the reply.

        Idempotent on ``update_id``: the update is logged first (unique per bot), a repeated or concurrent
        delivery finds it and changes nothing. Only private chats' messages are taken; other updates are
        acknowledged and ignored. A new chat attaches to the client whose phone is the shared contact's,
        else creates a lead (source Messenger); each message lands in the card's chatter."""
        self.ensure_one()
        if not isinstance(update, dict) or not _is_int(update.get("update_id")):
            raise IntakeError("not a Telegram update: update_id missing")
        message = update.get("message")
        if message is not None and not isinstance(message, dict):
            raise IntakeError("invalid field: message")
        read_committed(self.env.cr)
        self.env.cr.execute(
            """
            INSERT INTO crm_messenger_update (bot_id, update_id, create_date)
            VALUES (%s, %s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (bot_id, update_id) DO NOTHING RETURNING id
            """,
            (self.id, str(update["update_id"])),
        )
        if not self.env.cr.fetchone():
            return {"ok": True, "duplicate": True}
        chat_data = (message or {}).get("chat")
        if not (
            isinstance(chat_data, dict)
            and chat_data.get("type") == "private"
            and _is_int(chat_data.get("id"))
        ):
            return {"ok": True, "ignored": True}
        sender = message.get("from") if isinstance(message.get("from"), dict) else chat_data
        contact = message.get("contact") if isinstance(message.get("contact"), dict) else None
        chat = self.env["crm.messenger.chat"]._messenger_chat(self, chat_data, sender, contact)
        chat._telegram_post_incoming(message)
        return {
            "ok": True,
            "chat_id": chat.id,
            "lead_id": chat.lead_id.id or None,
            "partner_id": chat.partner_id.id or None,
        }


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**62
