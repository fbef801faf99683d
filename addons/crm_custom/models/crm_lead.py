# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# the mixin must be registered before crm.lead inherits it; models/__init__.py imports crm_lead first
from . import crm_card_mixin  # noqa: F401 - defined before the models that inherit it


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.card.mixin"]

    _duplicate_trigger_fields = ("phone", "mobile", "email_from", "partner_id", "company_id", "country_id")
    _duplicate_entity_column = "partner_id"
    _duplicate_depends = ("phone_sanitized", "phone_e164", "email_normalized", "partner_id", "company_id")

    lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required",
        string="Lost Reason Required",
    )
    product_ids = fields.Many2many(
        "product.product",
        "crm_lead_product_interest_rel",
        "lead_id",
        "product_id",
        string="Products of Interest",
        # not check_company: Odoo checks every check_company field of a lead each time its team or
        # salesperson is written, a query per lead for a many2many; _check_product_company does it instead
        domain="[('sale_ok', '=', True), '|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Products or services the client asked about.",
    )
    duplicate_ids = fields.Many2many(
        "crm.lead",
        "crm_lead_duplicate_rel",
        "lead_id",
        "duplicate_id",
        string="Possible Duplicates",
        compute="_compute_duplicate_ids",
        help="Open leads and deals of other clients of the same company with the same phone, mobile or "
        "e-mail.",
    )
    duplicate_count = fields.Integer(string="Duplicates", compute="_compute_duplicate_ids")

    # not on company_id: Odoo recomputes a lead's company whenever its salesperson or team changes, and the
    # check would read the products of every lead assigned; write() checks a company written explicitly
    @api.constrains("product_ids")
    def _check_product_company(self):
        for lead in self.filtered("product_ids"):
            wrong = lead.product_ids.sudo().filtered(
                lambda product, lead=lead: product.company_id and product.company_id != lead.company_id
            )
            if wrong:
                raise ValidationError(
                    _(
                        "Products of interest of %(lead)s belong to another company: %(products)s",
                        lead=lead.display_name,
                        products=", ".join(wrong.mapped("display_name")),
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("company_id"):
            self._check_product_company()
        return result

    def _duplicate_entity_id(self):
        return self.partner_id.id

    def _card_target(self):
        return "lead"

    def _lost_reason_missing(self, reason=None):
        """The leads that cannot be lost without a reason: their company requires one and they have none."""
        if reason:
            return self.browse()
        return self.filtered(
            lambda lead: (
                (lead.company_id or self.env.company).crm_lost_reason_required and not lead.lost_reason_id
            )
        )

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        """The leads merged into one are not duplicates of the result (duplicate guard in block mode)."""
        merging = self.with_context(crm_duplicate_merging_ids=tuple(self.ids))
        return super(CrmLead, merging)._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length
        )

    def _mark_lost_link_url(self):
        """Where the "Mark Lost" link of a lead e-mail leads when this lead cannot be lost without a reason:
        the lead's form with the lost-reason dialog (client action ``crm_custom.lead_mark_lost``)."""
        self.ensure_one()
        if not self._lost_reason_missing():
            return False
        return f"/odoo/action-crm_custom.lead_mark_lost?lead_id={self.id}"

    def action_set_lost(self, **additional_values):
        """Refuse to lose a deal without a reason when its company asks for one.

        The policy holds users, whatever way they call it (the dialog, a button, RPC); code that runs as
        superuser (scheduled jobs, automation written by an administrator, data loading) is trusted to
        know why it closes a deal, as Odoo's own flows do.
        """
        missing = (
            self.browse()
            if self.env.su
            else self._lost_reason_missing(additional_values.get("lost_reason_id"))
        )
        if missing:
            raise UserError(
                _(
                    "Choose a lost reason before marking these deals as lost: %(names)s\n"
                    "(The setting Lost Reason Required of CRM > Configuration > Settings asks for one; an "
                    "administrator can switch it off per company.)",
                    names=", ".join(missing.mapped("display_name")),
                )
            )
        return super().action_set_lost(**additional_values)
