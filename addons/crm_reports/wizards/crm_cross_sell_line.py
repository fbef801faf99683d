# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, fields, models
from odoo.exceptions import UserError


class CrmCrossSellLine(models.TransientModel):
    """A client of the cross-sell list; the list's buttons act on the selected ones."""

    _name = "crm.cross.sell.line"
    _description = "Cross-Sell Client"
    _order = "revenue desc, id"

    wizard_id = fields.Many2one("crm.cross.sell", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", readonly=True, help="The client's salesperson (client card)."
    )
    company_id = fields.Many2one(related="wizard_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(
        string="Revenue of A",
        readonly=True,
        currency_field="currency_id",
        help="The client's revenue of the bought product or category over the period (invoices minus credit "
        "notes, untaxed, company currency).",
    )
    last_date = fields.Date(string="Last Bought On", readonly=True)
    opportunity_id = fields.Many2one("crm.lead", string="Opportunity Created", readonly=True)
    activity_done = fields.Boolean(string="Activity Scheduled", readonly=True)

    def _assignee(self):
        """The client's salesperson when the user may give leads to others, else the user."""
        if self.user_id and self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            return self.user_id
        return self.env.user

    def action_create_opportunities(self):
        """One opportunity per selected client (not for those that got one already): the client's salesperson,
        the product of interest B when B is a product, the offer in the description."""
        wizard = self.wizard_id.ensure_one()
        lines = self.filtered(lambda line: not line.opportunity_id)
        if not lines:
            raise UserError(_("Select clients without an opportunity created from this list."))
        b_label = wizard._b_label()
        vals_list = []
        for line in lines:
            user = line._assignee()
            vals = {
                "name": _("%(client)s: %(offer)s", client=line.partner_id.display_name, offer=b_label),
                "type": "opportunity",
                "partner_id": line.partner_id.id,
                "user_id": user.id,
                "company_id": wizard.company_id.id,
                "description": Markup("<p>%s</p>")
                % _(
                    "Cross-sell: bought %(a)s, never %(b)s.",
                    a=wizard._a_label(),
                    b=b_label,
                ),
            }
            if wizard.b_product_id:
                vals["product_ids"] = [Command.set(wizard.b_product_id.ids)]
            vals_list.append(vals)
        leads = self.env["crm.lead"].with_company(wizard.company_id).create(vals_list)
        for line, lead in zip(lines, leads, strict=True):
            line.opportunity_id = lead
        return {
            "type": "ir.actions.act_window",
            "name": _("Cross-Sell Opportunities"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", leads.ids)],
        }

    def action_schedule_activities(self):
        """An activity on each selected client's card for its salesperson: offer B."""
        wizard = self.wizard_id.ensure_one()
        lines = self.filtered(lambda line: not line.activity_done)
        if not lines:
            raise UserError(_("Select clients without an activity scheduled from this list."))
        deadline = fields.Date.context_today(self) + timedelta(days=max(wizard.activity_days, 0))
        summary = _("Offer %(offer)s", offer=wizard._b_label())
        note = _("Cross-sell: bought %(a)s, never %(b)s.", a=wizard._a_label(), b=wizard._b_label())
        # one creation per salesperson for all their clients (Odoo's activity_schedule on a recordset)
        for assignee, group in lines.grouped(lambda line: line._assignee()).items():
            group.partner_id.with_company(wizard.company_id).activity_schedule(
                activity_type_id=wizard.activity_type_id.id,
                summary=summary,
                note=note,
                user_id=assignee.id,
                date_deadline=deadline,
                automated=False,
            )
        lines.activity_done = True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%(count)s activities scheduled.", count=len(lines)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
