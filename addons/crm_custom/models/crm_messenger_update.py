# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class CrmMessengerUpdate(models.Model):
    """A messenger update already processed (Telegram's ``update_id`` per bot): makes the webhook
    idempotent. Written by the webhook only (no user has write access)."""

    _name = "crm.messenger.update"
    _description = "Messenger Update"
    _order = "id desc"
    _log_access = False

    bot_id = fields.Many2one("crm.messenger.bot", required=True, readonly=True, ondelete="cascade")
    update_id = fields.Char(required=True, readonly=True)
    create_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("update_unique", "UNIQUE(bot_id, update_id)", "An update is processed once per bot."),
    ]

    @api.model
    def _cron_purge(self, days=30):
        """Forget updates older than ``days`` (Telegram gives up redelivering after 24 hours)."""
        self.env.cr.execute(
            "DELETE FROM crm_messenger_update WHERE create_date < %s",
            (fields.Datetime.now() - timedelta(days=days),),
        )
