# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import _lt, api, models

_logger = logging.getLogger(__name__)

# Headers of automatic replies (RFC 3834 Auto-Submitted, and the older ones still sent by mail servers).
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
AUTO_PRECEDENCE = ("auto_reply", "bulk", "junk")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _crm_is_auto_reply(self, message):
        """Whether an incoming e-mail was sent by a machine (out-of-office, autoresponder, bulk)."""
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return True
        if any(message.get(header) for header in AUTO_REPLY_HEADERS):
            return True
        return (message.get("Precedence") or "").strip().lower() in AUTO_PRECEDENCE

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """Lead intake by e-mail: a message that would create a lead (a sales team's alias) is dropped when
        it is an automatic reply, and goes to the sender's card when the sender is a known client (the
        duplicate guard's rule on the normalized e-mail). Replies to a thread and bounces are left to
        Odoo (a bounce never routes anywhere)."""
        routes = super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )
        result = []
        for route in routes:
            route_model, route_thread_id, route_values, user_id, alias = route
            if route_model != "crm.lead" or route_thread_id:
                result.append(route)
                continue
            if self._crm_is_auto_reply(message):
                _logger.info(
                    "Lead intake: automatic reply from %s with Message-Id %s creates no lead",
                    message_dict.get("email_from"),
                    message_dict.get("message_id"),
                )
                continue
            result.append(self._crm_intake_route(message_dict, route))
        return result

    @api.model
    def _crm_intake_route(self, message_dict, route):
        """The route of a new e-mail to a sales alias: the known sender's card, else the lead creation."""
        route_model, _thread_id, route_values, user_id, alias = route
        team = self.env["crm.team"].browse((route_values or {}).get("team_id")).exists()
        company = team.company_id or self.env.company
        if not company.crm_intake_email_to_card:
            return route  # Odoo's behaviour: every new e-mail to the alias makes a lead
        intake = self.env["crm.lead.intake"]
        email = intake._intake_email(message_dict.get("email_from"))
        card = intake._intake_find_card(company, email=email) if email else None
        if not card:
            return route
        _logger.info("Lead intake: e-mail from %s goes to %s %s", email, card._name, card.id)
        values = {"crm_intake": {"company_id": company.id, "team_id": team.id}}
        return (card._name, card.id, values, user_id, alias)

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        thread_id = super()._message_route_process(message, message_dict, routes)
        intake = self.env["crm.lead.intake"]
        for route_model, route_thread_id, route_values, _user_id, _alias in routes or ():
            info = (route_values or {}).get("crm_intake") if isinstance(route_values, dict) else None
            if info and route_thread_id:
                card = self.env[route_model].sudo().browse(route_thread_id)
                intake.sudo()._intake_attach(
                    card,
                    self.env["res.company"].browse(info["company_id"]),
                    channel=_lt("E-mail: %(subject)s", subject=message_dict.get("subject") or ""),
                    team=self.env["crm.team"].browse(info["team_id"]),
                    post=False,
                )
        return thread_id
