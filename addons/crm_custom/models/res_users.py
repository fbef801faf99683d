# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _crm_lang(self):
        """The language in which to write for these users: the first of them that has an active one, else
        the current environment's. What a job or another user writes for someone (a chatter note on their
        card, an activity, an e-mail, a pop-up) is written in the reader's language, as Odoo's own mail
        templates are rendered in the recipient's; ``record.with_context(lang=...).env._(...)`` then
        translates in it."""
        Lang = self.env["res.lang"]
        for lang in self.mapped("lang"):
            if lang and (lang == "en_US" or Lang._get_data(code=lang)):
                return lang
        return self.env.lang or "en_US"
