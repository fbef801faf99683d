# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

# fields this mixin writes itself: writing them does not make the card change
BOOKKEEPING_FIELDS = {"card_score", "card_missing_keys", "is_duplicate"}
# the stored fields of the score, computed together
SCORE_FIELDS = ("card_score", "card_missing_keys")


def missing_keys(rule_ids):
    """The stored form of the rules a card misses: ``",12,15,"`` (each id between commas, so that one rule
    is found with ``like ",12,"``), False when none."""
    return f",{','.join(str(rule_id) for rule_id in rule_ids)}," if rule_ids else False


def missing_rule_ids(keys):
    # the keys are the system's, but the column is writable (Odoo's contact merge copies it): never fail
    # on a value that is not a rule id
    return [int(key) for key in (keys or "").split(",") if key.isdigit()]


class CrmCardQualityMixin(models.AbstractModel):
    """Mandatory fields policy and completeness score shared by partners and leads."""

    _name = "crm.card.quality.mixin"
    _description = "Card Quality"

    # the fields that decide the card's kind (see _card_target); writing them may change its rules
    _card_kind_fields = ()

    # Stored, computed without dependencies: computed for new cards, and for written cards only when the
    # write touches a field the company's rules look at (_card_quality_after_write), then in one batch when
    # the ORM flushes, however many cards a flow created or wrote one by one.
    card_score = fields.Integer(
        compute="_compute_card_score",
        store=True,
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Card completeness: the weights of the company's completeness rules this card meets, as a "
        "percentage of the weights of all its rules for this kind of card (100 when there is no rule).",
    )
    # the rules missed are stored as keys and their labels rendered when read, in the reader's language
    card_missing_keys = fields.Char(
        string="Missing Rules",
        compute="_compute_card_score",
        store=True,
        readonly=True,
        copy=False,
        help="Ids of the completeness rules this card does not meet, in the rules' order (',12,15,').",
    )
    card_missing = fields.Text(
        string="Missing Items",
        compute="_compute_card_missing",
        search="_search_card_missing",
        help="Labels of the completeness rules this card does not meet, in your language.",
    )

    def _compute_card_score(self):
        scores = self.env["crm.card.score.rule"]._score(self, lambda r: r._card_target())
        for record in self:
            record.card_score, record.card_missing_keys = scores.get(record.id, (100, False))

    @api.depends("card_missing_keys")
    @api.depends_context("lang")
    def _compute_card_missing(self):
        """The labels of the missed rules in the reader's language: one read of the rules for the batch."""
        keys = {record: missing_rule_ids(record.card_missing_keys) for record in self}
        rule_ids = {rule_id for ids in keys.values() for rule_id in ids}
        labels = {}
        if rule_ids:
            rules = self.env["crm.card.score.rule"].sudo().with_context(active_test=False)
            labels = {
                rule.id: rule.name for rule in rules.search_fetch([("id", "in", list(rule_ids))], ["name"])
            }
        for record in self:
            missing = [labels[rule_id] for rule_id in keys[record] if rule_id in labels]
            record.card_missing = "\n".join(missing) or False

    def _search_card_missing(self, operator, value):
        """Cards missing an item: by the item's label in the reader's language (or any label in English),
        or whether anything is missing at all (``= False``, ``!= False``)."""
        if value is False or value is None:
            if operator not in ("=", "!="):
                raise UserError(_("Unsupported search on Missing Items."))
            return [("card_missing_keys", operator, False)]
        if operator not in ("ilike", "not ilike", "like", "not like", "=", "!="):
            raise UserError(_("Unsupported search on Missing Items."))
        positive = operator in ("ilike", "like", "=")
        rule_operator = {"=": "=", "!=": "=", "like": "like", "not like": "like"}.get(operator, "ilike")
        Rule = self.env["crm.card.score.rule"].sudo().with_context(active_test=False)
        rules = Rule.search([("name", rule_operator, value)])
        rules |= Rule.with_context(lang="en_US").search([("name", rule_operator, value)])
        if not rules:
            return expression.FALSE_DOMAIN if positive else expression.TRUE_DOMAIN
        domain = ["|"] * (len(rules) - 1) + [
            ("card_missing_keys", "like", f",{rule_id},") for rule_id in rules.ids
        ]
        return domain if positive else ["!", *domain]

    def _card_target(self):
        """'company', 'contact', 'lead' or None (cards that no rule applies to, e.g. delivery addresses)."""
        raise NotImplementedError()

    def _card_company(self):
        self.ensure_one()
        return self.company_id or self.env.company

    def _card_check_mandatory(self, changed=None):
        self.env["crm.mandatory.field"]._check_records(self, lambda r: r._card_target(), changed=changed)

    def _card_refresh_score(self):
        """Score these cards again when the ORM next flushes (or reads the score), in one batch."""
        records = self.filtered("id")
        for fname in SCORE_FIELDS:
            self.env.add_to_compute(self._fields[fname], records)
        # the labels read so far follow the keys (marked to compute without the ORM's dependencies)
        records.invalidate_recordset(["card_missing"])

    def _card_quality_after_write(self, vals):
        # a write of bookkeeping fields only (the score just computed) checks nothing again; no context
        # key skips the policy (the context is user input)
        if not set(vals) - BOOKKEEPING_FIELDS:
            return
        self._card_check_mandatory(changed=list(vals))
        if not self.env["crm.card.score.rule"]._score_triggers(self._name).isdisjoint(vals):
            self._card_refresh_score()

    @api.model
    def _cron_refresh_card_scores(self, batch_size=5000):
        """Nightly: rules may have changed, so every card of every company is scored again."""
        last_id = 0
        Model = self.with_context(active_test=False)
        while True:
            records = Model.search([("id", ">", last_id)], order="id", limit=batch_size)
            if not records:
                break
            # the current values in the cache: cards whose score does not change are not written
            records.fetch(list(SCORE_FIELDS))
            records._card_refresh_score()
            records.flush_recordset(list(SCORE_FIELDS))
            last_id = records[-1].id
            self.env.invalidate_all()

    def action_view_card_score(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_custom.crm_card_score_rule_action")
        action["domain"] = [
            ("target", "=", self._card_target()),
            ("company_id", "=", self._card_company().id),
        ]
        return action
