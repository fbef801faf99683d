# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

CARD_TARGETS = [("company", "Companies"), ("contact", "Contacts"), ("lead", "Leads and Deals")]
TARGET_MODELS = {"company": "res.partner", "contact": "res.partner", "lead": "crm.lead"}


class CrmMandatoryField(models.Model):
    """One line of a company's mandatory fields policy: a card of the target must fill one of the fields."""

    _name = "crm.mandatory.field"
    _inherit = ["crm.registry.cache.mixin"]
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
    # built from the fields' labels when read, in the reader's language
    name = fields.Char(string="Rule", compute="_compute_name", search="_search_name")

    @api.depends("target")
    def _compute_target_model(self):
        for rule in self:
            rule.target_model = TARGET_MODELS.get(rule.target)

    @api.depends("field_ids", "target")
    @api.depends_context("lang")
    def _compute_name(self):
        for rule in self:
            rule.name = self._fields_label(rule.field_ids)

    def _search_name(self, operator, value):
        return [("field_ids.field_description", operator, value)]

    @api.model
    def _fields_label(self, fields_):
        """ "Phone or Mobile": the labels of ``fields_`` (ir.model.fields) in the current language."""
        return self.env._(" or ").join(sorted(fields_.mapped("field_description")))

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
    @tools.ormcache()
    def _rules_data(self):
        """Active rules per (company id, target) as ``((field ids, field names), ...)``, read once per
        registry (the labels are rendered in the language of the user who gets the message).

        A card is checked on every create and write: with this cache a company without a policy, or a write
        of fields no rule names, costs no query.
        """
        rules = {}
        for rule in self.sudo().with_context(active_test=True).search([]):
            key = (rule.company_id.id, rule.target)
            rules[key] = (
                *rules.get(key, ()),
                (tuple(rule.field_ids.ids), tuple(rule.field_ids.mapped("name"))),
            )
        return rules

    @api.model
    def _check_records(self, records, target_of, changed=None):
        """Refuse the records of ``records`` missing a mandatory field of their company's policy.

        :param target_of: function giving a record's target ("company", "contact", "lead" or None)
        :param changed: on write, the field names written; only the rules on those fields are checked, so
            incomplete existing cards stay editable for everything else
        """
        # the context is user input: the skip is honoured in superuser mode only (docs/security.md)
        data = self._rules_data()
        if not records or not data or (self.env.context.get("crm_mandatory_skip") and self.env.su):
            return
        changed = None if changed is None else set(changed)
        problems = []
        for record in records:
            rules = data.get(((record.company_id or self.env.company).id, target_of(record)), ())
            for field_ids, fnames in rules:
                if changed is not None and changed.isdisjoint(fnames):
                    continue
                if not any(record[fname] for fname in fnames):
                    name = self._fields_label(self.env["ir.model.fields"].sudo().browse(field_ids))
                    problems.append(
                        _('"%(card)s": fill in %(fields)s.', card=record.display_name, fields=name)
                    )
        if problems:
            raise ValidationError(
                _(
                    "Mandatory fields are missing (CRM > Data Quality > Mandatory Fields):\n%(lines)s",
                    lines="\n".join(problems),
                )
            )
