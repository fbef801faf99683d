# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_client_feedback import RATINGS

CLIENT_STATUS_HELP = (
    "Active: a posted customer invoice dated within the company's Active Client Period; "
    "Lost: not active, no open deal and at least one lost deal; "
    "Dormant: invoiced before but not within the period; Prospect: never invoiced and not lost. "
    "Counted for the client and all its contacts, in the client's company (any company for a shared client)."
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.card.mixin", "crm.system.fields.mixin"]

    _duplicate_columns = {
        "phone": ("phone_sanitized", "phone_e164"),
        "email": ("email_normalized",),
        "vat": ("vat",),
    }
    _duplicate_trigger_fields = ("phone", "mobile", "email", "vat", "parent_id", "company_id", "country_id")
    _duplicate_entity_column = "commercial_partner_id"
    _duplicate_depends = (
        "phone_sanitized",
        "phone_e164",
        "email_normalized",
        "vat",
        "parent_id",
        "commercial_partner_id",
        "company_id",
    )
    _card_kind_fields = ("is_company", "type")

    # Odoo 18 stores these without an index on res.partner; the duplicate guard looks them up by equality
    phone_sanitized = fields.Char(index="btree_not_null")
    email_normalized = fields.Char(index="btree_not_null")
    duplicate_ids = fields.Many2many(
        "res.partner",
        "crm_partner_duplicate_rel",
        "partner_id",
        "duplicate_id",
        string="Possible Duplicates",
        compute="_compute_duplicate_ids",
        help="Cards of other clients of the same company with the same phone, mobile, e-mail or tax id.",
    )
    duplicate_count = fields.Integer(string="Duplicates", compute="_compute_duplicate_ids")
    messenger_chat_ids = fields.One2many(
        "crm.messenger.chat", "partner_id", string="Messenger Chats", groups="sales_team.group_sale_salesman"
    )

    # -- card (issue 3) -------------------------------------------------------------------------------
    legal_name = fields.Char(help="Full registered name of the company, as in its registration documents.")
    kpp = fields.Char(
        string="KPP",
        size=9,
        help="Tax registration reason code (KPP) of a Russian organisation: 9 characters.",
    )
    segment_id = fields.Many2one(
        "crm.client.segment",
        string="Client Segment",
        ondelete="restrict",
        index="btree_not_null",
        check_company=True,
    )
    preferred_channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("messenger", "Messenger"),
            ("sms", "SMS"),
            ("meeting", "Meeting"),
        ],
        help="How this person or company prefers to be contacted.",
    )
    client_status = fields.Selection(
        [("prospect", "Prospect"), ("active", "Active"), ("dormant", "Dormant"), ("lost", "Lost")],
        compute="_compute_client_status",
        store=True,
        index=True,
        help=CLIENT_STATUS_HELP,
    )
    legal_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_address_ids",
        help="The client's first invoice address.",
    )
    actual_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_address_ids",
        help="The client's first delivery address, or else its first other address.",
    )
    legal_address = fields.Text(string="Legal Address Text", compute="_compute_address_ids")
    actual_address = fields.Text(string="Actual Address Text", compute="_compute_address_ids")
    crm_feedback_ids = fields.One2many("crm.client.feedback", "partner_id", string="Feedback History")
    # set by the feedback history only (crm.client.feedback; system=True: refused to users)
    crm_feedback_rating = fields.Selection(
        RATINGS,
        string="Last Rating",
        readonly=True,
        system=True,
        copy=False,
        help="The rating of the client's latest feedback.",
    )
    crm_feedback_alert = fields.Boolean(
        string="Unhappy Client",
        readonly=True,
        system=True,
        copy=False,
        index="btree_not_null",
        help="The client's latest feedback rated us 1 or 2 out of 5.",
    )
    amount_due = fields.Monetary(
        compute="_compute_amount_due",
        currency_field="currency_id",
        help="Residual amount of the client's posted customer invoices and credit notes in this company, "
        "in the company currency (credit notes negative).",
    )

    @api.depends(
        "parent_id",
        "invoice_ids.state",
        "invoice_ids.invoice_date",
        "opportunity_ids.active",
        "opportunity_ids.probability",
        "child_ids.invoice_ids.state",
        "child_ids.invoice_ids.invoice_date",
        "child_ids.opportunity_ids.active",
        "child_ids.opportunity_ids.probability",
    )
    def _compute_client_status(self):
        clients = self.filtered(lambda partner: partner.id and not partner.parent_id)
        (self - clients).client_status = False
        if not clients:
            return
        facts = clients._client_status_facts()
        today = fields.Date.context_today(self)
        for partner in clients:
            last_invoice, has_open, has_lost = facts.get(partner.id, (None, False, False))
            days = (partner.company_id or self.env.company).crm_client_active_days
            if last_invoice and last_invoice >= today - timedelta(days=days):
                partner.client_status = "active"
            elif has_lost and not has_open:
                partner.client_status = "lost"
            elif last_invoice:
                partner.client_status = "dormant"
            else:
                partner.client_status = "prospect"

    def _client_status_facts(self):
        """Last posted invoice date, open deal, lost deal per client: one query for the whole batch."""
        self.env["account.move"].flush_model(["state", "move_type", "invoice_date", "commercial_partner_id"])
        self.env["crm.lead"].flush_model(["active", "probability", "type", "partner_id"])
        self.env.cr.execute(
            """
            SELECT p.id, inv.last_date, COALESCE(deal.has_open, FALSE), COALESCE(deal.has_lost, FALSE)
              FROM res_partner p
              LEFT JOIN LATERAL (
                    SELECT max(m.invoice_date) AS last_date
                      FROM account_move m
                     WHERE m.commercial_partner_id = p.id
                       AND m.state = 'posted'
                       AND m.move_type = 'out_invoice'
                       AND (p.company_id IS NULL OR m.company_id = p.company_id)
              ) inv ON TRUE
              LEFT JOIN LATERAL (
                    SELECT bool_or(l.active AND COALESCE(l.probability, 0) < 100) AS has_open,
                           bool_or(NOT l.active AND COALESCE(l.probability, 0) = 0) AS has_lost
                      FROM crm_lead l
                      JOIN res_partner c ON c.id = l.partner_id
                     WHERE c.commercial_partner_id = p.id
                       AND l.type = 'opportunity'
              ) deal ON TRUE
             WHERE p.id = ANY(%s)
            """,
            [self.ids],
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.depends("child_ids.type", "child_ids.active")
    def _compute_address_ids(self):
        for partner in self:
            children = partner.commercial_partner_id.child_ids
            partner.legal_address_id = children.filtered(lambda c: c.type == "invoice")[:1]
            partner.actual_address_id = (
                children.filtered(lambda c: c.type == "delivery")[:1]
                or children.filtered(lambda c: c.type == "other")[:1]
            )
            partner.legal_address = partner.legal_address_id.contact_address or False
            partner.actual_address = partner.actual_address_id.contact_address or False

    @api.depends_context("company")
    def _compute_amount_due(self):
        company = self.env.company
        result = dict.fromkeys(self.ids, 0.0)
        clients = self.filtered("id").commercial_partner_id
        if clients:
            groups = self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", clients.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
            by_client = {client.id: amount for client, amount in groups}
            for partner in self.filtered("id"):
                result[partner.id] = by_client.get(partner.commercial_partner_id.id, 0.0)
        for partner in self:
            partner.amount_due = result.get(partner.id, 0.0)

    @api.constrains("kpp")
    def _check_kpp(self):
        for partner in self:
            if partner.kpp and not (len(partner.kpp) == 9 and partner.kpp[:4].isdigit()):
                raise ValidationError(
                    _(
                        "KPP %(kpp)s of %(name)s must have 9 characters, the first 4 digits.",
                        kpp=partner.kpp,
                        name=partner.display_name,
                    )
                )

    @api.model
    def _cron_compute_client_status(self):
        """Time alone turns active clients dormant: recompute the active ones every night."""
        partners = self.with_context(active_test=False).search([("client_status", "=", "active")])
        partners._recompute_client_status()

    def _recompute_client_status(self):
        self.env.add_to_compute(self._fields["client_status"], self)
        self.flush_recordset(["client_status"])

    def _duplicate_entity_id(self):
        return self.commercial_partner_id.id

    def _card_target(self):
        self.ensure_one()
        if self.is_company:
            return "company"
        return "contact" if self.type == "contact" else None

    def _duplicate_keys(self):
        keys = super()._duplicate_keys()
        # like Odoo's own same-VAT warning: one-character VATs ("/") mean "not subject to tax"
        if self.vat and len(self.vat) > 1 and not self.parent_id:
            keys.add(("vat", self.vat))
        return keys

    def _duplicate_extra_where(self, kind):
        if kind == "vat":
            return "t.parent_id IS NULL"
        return super()._duplicate_extra_where(kind)

    def action_view_amount_due(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def _crm_refresh_feedback(self):
        """Last rating and unhappy flag of these clients from their latest feedback (newest date, then id)."""
        for partner in self.sudo():
            latest = (
                self.env["crm.client.feedback"]
                .sudo()
                .search([("partner_id", "=", partner.id)], order="date desc, id desc", limit=1)
            )
            vals = {"crm_feedback_rating": latest.rating or False, "crm_feedback_alert": latest.low_rating}
            if (
                partner.crm_feedback_rating != vals["crm_feedback_rating"]
                or partner.crm_feedback_alert != vals["crm_feedback_alert"]
            ):
                partner.write(vals)

    def action_crm_record_feedback(self):
        """Form to record the client's feedback (rating and comment) in its history."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record Feedback"),
            "res_model": "crm.client.feedback",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": (self.company_id or self.env.company).id,
            },
        }
