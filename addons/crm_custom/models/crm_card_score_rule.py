# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .crm_card_quality_mixin import missing_keys
from .crm_mandatory_field import CARD_TARGETS, TARGET_MODELS


class CrmCardScoreRule(models.Model):
    """One item of a company's card completeness checklist."""

    _name = "crm.card.score.rule"
    _inherit = ["crm.registry.cache.mixin"]
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
    @tools.ormcache()
    def _rules_data(self):
        """The active rules as plain data, read once per registry (cleared when a rule changes).

        ``rules``: ``{(company_id, target): ((rule_id, weight, condition), ...)}`` in the rules' order;
        ``triggers``: ``{model_name: frozenset(field names)}``, the fields whose change may change a card's
        score (fields named by the conditions, the fields they are computed from, the card's kind and its
        company when written), so that writing anything else costs nothing. What a write changes elsewhere
        (a related card, the company a lead gets from its new salesperson) is caught by the nightly job.
        """
        rules, used = {}, {}
        for rule in self.sudo().with_context(active_test=True).search([]):
            condition = rule._condition()
            key = (rule.company_id.id, rule.target)
            rules[key] = (*rules.get(key, ()), (rule.id, rule.weight, tuple(condition)))
            names = used.setdefault(TARGET_MODELS[rule.target], set())
            names.update(leaf[0].split(".")[0] for leaf in condition if isinstance(leaf, list | tuple))
        triggers = {}
        for model_name, names in used.items():
            Model = self.env[model_name]
            names |= set(Model._card_kind_fields)
            triggers[model_name] = frozenset(
                fname
                for fname, field in Model._fields.items()
                if fname in names
                or any(
                    dep.model_name == model_name and dep.name in names
                    for dep in self.pool.get_dependent_fields(field)
                )
            ) | {"company_id"}  # a lead's company follows its salesperson: only a written company counts
        return {"rules": rules, "triggers": triggers}

    @api.model
    def _score_triggers(self, model_name):
        return self._rules_data()["triggers"].get(model_name, frozenset())

    @api.model
    def _score(self, records, target_of):
        """Score 0-100 and the missed rules' keys (see ``missing_keys``) per record id: one query for the
        whole batch and all its rules; the labels are rendered when read, in the reader's language."""
        records = records.filtered("id")
        if not records:
            return {}
        data = self._rules_data()["rules"]
        rules_of = {
            record.id: data.get((record._card_company().id, target_of(record)), ()) for record in records
        }
        rule_ids = sorted({rule_id for rules in rules_of.values() for rule_id, _weight, _cond in rules})
        met = set()
        if rule_ids:
            conditions = {
                rule_id: condition for rules in rules_of.values() for rule_id, _weight, condition in rules
            }
            Model = records.sudo().with_context(active_test=False)
            columns = [
                SQL(
                    "card.id IN %s",
                    Model._search([("id", "in", records.ids), *conditions[rule_id]]).subselect(),
                )
                for rule_id in rule_ids
            ]
            rows = self.env.execute_query(
                SQL(
                    "SELECT card.id, %s FROM %s card WHERE card.id = ANY(%s)",
                    SQL(", ").join(columns),
                    SQL.identifier(Model._table),
                    list(records.ids),
                )
            )
            met = {
                (row[0], rule_id) for row in rows for rule_id, ok in zip(rule_ids, row[1:], strict=True) if ok
            }
        result = {}
        for record in records:
            rules = rules_of[record.id]
            total = sum(weight for _rule_id, weight, _cond in rules)
            if not total:
                result[record.id] = (100, False)
                continue
            passed = sum(weight for rule_id, weight, _cond in rules if (record.id, rule_id) in met)
            missing = [rule_id for rule_id, _weight, _cond in rules if (record.id, rule_id) not in met]
            result[record.id] = (round(100 * passed / total), missing_keys(missing))
        return result
