# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# fields this mixin writes itself: writing them does not make the card change
BOOKKEEPING_FIELDS = {"card_score", "card_missing", "is_duplicate"}


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
    card_missing = fields.Text(
        string="Missing Items",
        compute="_compute_card_score",
        store=True,
        readonly=True,
        copy=False,
        help="Labels of the completeness rules this card does not meet.",
    )

    def _compute_card_score(self):
        scores = self.env["crm.card.score.rule"]._score(self, lambda r: r._card_target())
        for record in self:
            record.card_score, record.card_missing = scores.get(record.id, (100, False))

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
        for fname in ("card_score", "card_missing"):
            self.env.add_to_compute(self._fields[fname], self.filtered("id"))

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
            records.fetch(["card_score", "card_missing"])
            records._card_refresh_score()
            records.flush_recordset(["card_score", "card_missing"])
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
