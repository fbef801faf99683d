# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

CARD_TARGETS = [("company", "Companies"), ("contact", "Contacts"), ("lead", "Leads and Deals")]
TARGET_MODELS = {"company": "res.partner", "contact": "res.partner", "lead": "crm.lead"}


class CrmMandatoryField(models.Model):
    """One line of a company's mandatory fields policy: a card of the target must fill one of the fields."""

    _name = "crm.mandatory.field"
    _description = "Mandatory Card Field"
    _order = "target, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    target = fields.Selection(CARD_TARGETS, string="Cards", required=True, default="company")
    target_model = fields.Char(compute="_compute_target_model")
    field_ids = fields.Many2many(
        "ir.model.fields",
        string="Fields",
        required=True,
        domain="[('model', '=', target_model), ('store', '=', True), ('readonly', '=', False)]",
        help="The card must have at least one of these fields filled in (one field: that field is required).",
    )
    name = fields.Char(string="Rule", compute="_compute_name", store=True)

    @api.depends("target")
    def _compute_target_model(self):
        for rule in self:
            rule.target_model = TARGET_MODELS.get(rule.target)

    @api.depends("field_ids", "target")
    def _compute_name(self):
        for rule in self:
            rule.name = _(" or ").join(sorted(rule.field_ids.mapped("field_description")))

    @api.constrains("field_ids", "target")
    def _check_field_model(self):
        for rule in self:
            wrong = rule.field_ids.filtered(lambda f, rule=rule: f.model != TARGET_MODELS[rule.target])
            if wrong:
                raise ValidationError(
                    _(
                        "Field %(field)s does not belong to %(cards)s.",
                        field=wrong[0].field_description,
                        cards=dict(self._fields["target"]._description_selection(self.env))[rule.target],
                    )
                )

    @api.model
    def _check_records(self, records, target_of, changed=None):
        """Refuse the records of ``records`` missing a mandatory field of their company's policy.

        :param target_of: function giving a record's target ("company", "contact", "lead" or None)
        :param changed: on write, the field names written; only the rules on those fields are checked, so
            incomplete existing cards stay editable for everything else
        """
        # the context is user input: the skip is honoured in superuser mode only (docs/security.md)
        if not records or (self.env.context.get("crm_mandatory_skip") and self.env.su):
            return
        companies = records.mapped(lambda r: (r.company_id or self.env.company).id)
        rules = self.sudo().with_context(active_test=True).search([("company_id", "in", companies)])
        if changed is not None:
            rules = rules.filtered(lambda rule: set(rule.field_ids.mapped("name")) & set(changed))
        if not rules:
            return
        problems = []
        for record in records:
            company_id = (record.company_id or self.env.company).id
            target = target_of(record)
            for rule in rules:
                if rule.company_id.id != company_id or rule.target != target:
                    continue
                if not any(record[fname] for fname in rule.field_ids.mapped("name")):
                    problems.append(
                        _(
                            '"%(card)s": fill in %(fields)s.',
                            card=record.display_name,
                            fields=rule.name,
                        )
                    )
        if problems:
            raise ValidationError(_("Mandatory fields are missing:\n%(lines)s", lines="\n".join(problems)))
