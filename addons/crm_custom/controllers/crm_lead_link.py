# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request

from odoo.addons.crm.controllers.main import CrmController
from odoo.addons.mail.controllers.mail import MailController


class CrmLeadLinkController(CrmController):
    @http.route()
    def crm_lead_case_mark_lost(self, res_id, token):
        """The "Mark Lost" link of Odoo's lead e-mails: a lead that needs a lost reason gets the dialog."""
        comparison, lead, _redirect = MailController._check_token_and_record_or_redirect(
            "crm.lead", int(res_id), token
        )
        url = comparison and lead and lead._mark_lost_link_url()
        if url:
            return request.redirect(url)
        return super().crm_lead_case_mark_lost(res_id, token)
