# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _lt, api, fields, models

RATINGS = [
    ("1", "1 - Very poor"),
    ("2", "2 - Poor"),
    ("3", "3 - Fair"),
    ("4", "4 - Good"),
    ("5", "5 - Excellent"),
]
# a rating at or below this one flags the client card and notifies the sales managers
LOW_RATING = 2


class CrmClientFeedback(models.Model):
    """A client's feedback after a sale: the rating and comment the salesperson collected."""

    _name = "crm.client.feedback"
    _description = "Client Feedback"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    rating = fields.Selection(RATINGS, required=True)
    comment = fields.Text()
    user_id = fields.Many2one(
        "res.users", string="Recorded By", required=True, default=lambda self: self.env.user, readonly=True
    )
    lead_id = fields.Many2one("crm.lead", string="Deal", check_company=True, index="btree_not_null")
    order_id = fields.Many2one("sale.order", string="Sales Order", check_company=True, index="btree_not_null")
    low_rating = fields.Boolean(compute="_compute_low_rating", store=True)

    @api.depends("rating")
    def _compute_low_rating(self):
        for feedback in self:
            feedback.low_rating = bool(feedback.rating) and int(feedback.rating) <= LOW_RATING

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["user_id"] = self.env.uid  # who recorded it, whatever the caller sends
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                partner.check_access("read")  # no feedback (nor alert) on a client the user cannot see
                vals["partner_id"] = partner.commercial_partner_id.id
        feedbacks = super().create(vals_list)
        feedbacks.partner_id._crm_refresh_feedback()
        feedbacks._close_feedback_requests()
        feedbacks.filtered("low_rating")._alert_managers()
        return feedbacks

    def write(self, vals):
        partners = self.partner_id
        vals = dict(vals)
        vals.pop("user_id", None)  # who recorded it stays
        if vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        result = super().write(vals)
        if {"rating", "date", "partner_id"}.intersection(vals):
            (partners | self.partner_id)._crm_refresh_feedback()
        return result

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        partners.exists()._crm_refresh_feedback()
        return result

    def _close_feedback_requests(self):
        """The open "Ask for feedback" activities of the clients are done: the feedback is in."""
        request_type = self.env.ref("crm_custom.mail_activity_type_ask_feedback", raise_if_not_found=False)
        if not request_type:
            return
        for feedback in self:
            activities = feedback.partner_id._crm_open_activities(request_type).sudo()
            if activities:
                activities._crm_feedback(
                    _lt(
                        "Rating %(rating)s/5. %(comment)s",
                        rating=feedback.rating,
                        comment=feedback.comment or "",
                    )
                )

    def _alert_managers(self):
        """A low rating: note on the client card notifying the sales managers of its company, one note per
        language of the managers (the card's salesperson's when no manager is notified)."""
        managers_group = self.env.ref("sales_team.group_sale_manager")
        for feedback in self:
            managers = managers_group.users.filtered(
                lambda user, company=feedback.company_id: company in user.company_ids and not user.share
            )
            by_lang = managers.grouped(lambda user: user._crm_lang()) or {
                feedback.partner_id.user_id._crm_lang(): managers
            }
            for lang, readers in by_lang.items():
                env = feedback.with_context(lang=lang).env
                client = feedback.partner_id.with_env(env).display_name
                body = Markup("<p>%s</p><p>%s</p>") % (
                    env._(
                        "Low rating from %(client)s: %(rating)s/5 (recorded by %(user)s).",
                        client=client,
                        rating=feedback.rating,
                        user=feedback.user_id.name,
                    ),
                    feedback.comment or "",
                )
                feedback.partner_id.with_env(env).sudo().message_post(
                    body=body,
                    subject=env._("Low client rating: %(client)s", client=client),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    partner_ids=readers.partner_id.ids,
                )
