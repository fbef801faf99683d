# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from .crm_mandatory_field import CARD_TARGETS, TARGET_MODELS


class CrmCardScoreRule(models.Model):
    """One item of a company's card completeness checklist."""

    _name = "crm.card.score.rule"
    _description = "Card Completeness Rule"
    _order = "target, sequence, id"
    _check_company_auto = True

    name = fields.Char(
        string="Label", required=True, translate=True, help="Shown on cards that miss this item."
    )
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
    field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model', '=', target_model), ('store', '=', True)]",
        help="The item is met when this field is filled in.",
    )
    domain = fields.Char(
        string="Condition",
        help="The item is met when the card matches this domain (and fills the field, when one is set).",
    )
    weight = fields.Integer(default=10, help="Relative weight of the item in the card's score.")

    _sql_constraints = [
        ("weight_positive", "CHECK(weight > 0)", "The weight of a completeness rule must be positive."),
    ]

    @api.depends("target")
    def _compute_target_model(self):
        for rule in self:
            rule.target_model = TARGET_MODELS.get(rule.target)

    @api.constrains("field_id", "domain", "target")
    def _check_condition(self):
        for rule in self:
            if not rule.field_id and not rule.domain:
                raise ValidationError(_("Rule %(rule)s needs a field or a condition.", rule=rule.name))
            if rule.field_id and rule.field_id.model != TARGET_MODELS[rule.target]:
                raise ValidationError(
                    _(
                        "Field %(field)s does not belong to the rule's cards.",
                        field=rule.field_id.field_description,
                    )
                )
            try:
                # builds the SQL without running it: unknown fields and bad operators fail here
                self.env[TARGET_MODELS[rule.target]]._search(rule._condition())
            except Exception as error:
                raise ValidationError(
                    _("The condition of rule %(rule)s is not valid: %(error)s", rule=rule.name, error=error)
                ) from error

    def _condition(self):
        self.ensure_one()
        condition = list(safe_eval(self.domain)) if self.domain else []
        if self.field_id:
            condition.append((self.field_id.name, "!=", False))
        return condition

    @api.model
    def _score(self, records, target_of):
        """Score 0-100 and missing labels per record id: one query per rule for the whole batch."""
        records = records.filtered("id")
        if not records:
            return {}
        companies = records.mapped(lambda r: r._card_company().id)
        # callers may run with active_test=False (to score archived cards): archived rules never count
        rules = self.sudo().with_context(active_test=True).search([("company_id", "in", companies)])
        Model = records.sudo().with_context(active_test=False)
        passed = {}
        for rule in rules:
            candidates = records.filtered(
                lambda r, rule=rule: r._card_company() == rule.company_id and target_of(r) == rule.target
            )
            if candidates:
                found = Model.search([("id", "in", candidates.ids), *rule._condition()])
                passed[rule] = set(found.ids)
        result = {}
        for record in records:
            mine = rules.filtered(
                lambda rule, record=record: (
                    rule.company_id == record._card_company() and rule.target == target_of(record)
                )
            )
            total = sum(mine.mapped("weight"))
            if not total:
                result[record.id] = (100, False)
                continue
            met = mine.filtered(lambda rule, record=record: record.id in passed.get(rule, ()))
            missing = mine - met
            score = round(100 * sum(met.mapped("weight")) / total)
            result[record.id] = (score, "\n".join(missing.mapped("name")) or False)
        return result
