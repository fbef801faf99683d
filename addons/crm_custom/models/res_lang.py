# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _lt, api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _crm_install_lang(self):
        """The language in which an install writes the records it creates once with texts that are not
        translatable (names of utm sources, of demo records): the installing user's (an administrator who
        installs from Apps in Russian), else the main administrator's (a database created in Russian), else
        English."""
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        for lang in (self.env.context.get("lang"), admin.lang if admin else False):
            if lang and (lang == "en_US" or self._get_data(code=lang)):
                return lang
        return "en_US"

    @api.model
    def _crm_data_names(self):
        """``{xml id: (field, lazy translation)}``: the English texts of data and demo records whose field
        is not translatable (each addon adds its own)."""
        return {
            "crm_custom.utm_source_phone": ("name", _lt("Phone call")),
            "crm_custom.utm_source_email": ("name", _lt("E-mail")),
            "crm_custom.utm_source_website_form": ("name", _lt("Website form")),
            "crm_custom.utm_source_messenger": ("name", _lt("Messenger")),
            "crm_custom.utm_source_referral": ("name", _lt("Referral")),
            "crm_custom.utm_source_exhibition": ("name", _lt("Exhibition")),
            "crm_custom.crm_lead_intake_source_website_demo": ("name", _lt("Website contact form")),
            "crm_custom.crm_lead_intake_source_partner_api_demo": ("name", _lt("Reseller portal (API)")),
            "crm_custom.crm_messenger_bot_demo": ("name", _lt("Sales bot")),
        }

    @api.model
    def _crm_localise_names(self, xmlids):
        """Write the texts of these records (see ``_crm_data_names``) in the install language. Called by
        the data files that create them, once (``noupdate``) or with the demo data."""
        lang = self._crm_install_lang()
        if lang == "en_US":
            return
        env = self.with_context(lang=lang).env
        names = self._crm_data_names()
        for xmlid in xmlids:
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record and xmlid in names:
                fname, text = names[xmlid]
                record.sudo()[fname] = env._(text)
