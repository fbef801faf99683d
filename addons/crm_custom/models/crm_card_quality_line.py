# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import api, fields, models

from .crm_mandatory_field import CARD_TARGETS, TARGET_MODELS


class CrmCardQualityLine(models.Model):
    """Daily snapshot: one row per card of a salesperson and completeness rule, 1 when the card meets it."""

    _name = "crm.card.quality.line"
    _description = "Daily Card Quality"
    _order = "date desc, user_id, card_name, rule_id"
    _rec_name = "card_name"

    date = fields.Date(required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, readonly=True)
    target = fields.Selection(CARD_TARGETS, string="Cards", required=True, readonly=True)
    res_id = fields.Integer(string="Card ID", required=True, readonly=True)
    card_name = fields.Char(string="Card", required=True, readonly=True)
    rule_id = fields.Many2one("crm.card.score.rule", required=True, readonly=True, ondelete="cascade")
    weight = fields.Integer(readonly=True, aggregator="sum")
    passed = fields.Integer(
        string="Met",
        readonly=True,
        aggregator="sum",
        help="1 when the card met the rule on that day, 0 when it did not.",
    )

    _sql_constraints = [
        (
            "card_rule_day_uniq",
            "UNIQUE(date, target, res_id, rule_id)",
            "A card is measured once a day per rule.",
        ),
    ]

    @api.model
    def _take_snapshot(self, date=None):
        """Measure every salesperson's cards against the rules: one search and one INSERT per rule."""
        date = date or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM crm_card_quality_line WHERE date = %s", [date])
        rules = self.env["crm.card.score.rule"].sudo().with_context(active_test=True).search([])
        for rule in rules:
            Model = self.env[TARGET_MODELS[rule.target]].sudo()
            scope = [("user_id", "!=", False), ("company_id", "in", [rule.company_id.id, False])]
            if rule.target == "company":
                scope.append(("is_company", "=", True))
            elif rule.target == "contact":
                scope += [("is_company", "=", False), ("type", "=", "contact")]
            cards = Model.search(scope)
            if not cards:
                continue
            met = Model.search([("id", "in", cards.ids), *rule._condition()])
            self.env.cr.execute(
                f"""
                INSERT INTO crm_card_quality_line (
                    date, company_id, user_id, target, res_id, card_name, rule_id, weight, passed,
                    create_uid, write_uid, create_date, write_date
                )
                SELECT %(date)s, %(company)s, t.user_id, %(target)s, t.id, COALESCE(t.{Model._rec_name}, ''),
                       %(rule)s, %(weight)s, CASE WHEN t.id = ANY(%(met)s) THEN 1 ELSE 0 END,
                       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM {Model._table} t
                 WHERE t.id = ANY(%(cards)s)
                """,
                {
                    "date": date,
                    "company": rule.company_id.id,
                    "target": rule.target,
                    "rule": rule.id,
                    "weight": rule.weight,
                    "met": met.ids,
                    "cards": cards.ids,
                    "uid": self.env.uid,
                },
            )
        self.env.invalidate_all()

    @api.model
    def _cron_take_snapshot(self):
        self._take_snapshot()
        self._send_digest()

    @api.model
    def _send_digest(self, date=None):
        """E-mail the day's summary per salesperson to the sales managers of each company that asks for it."""
        date = date or fields.Date.context_today(self)
        managers_group = self.env.ref("sales_team.group_sale_manager")
        mails = self.env["mail.mail"]
        for company in self.env["res.company"].search([("crm_card_quality_digest", "=", True)]):
            rows = (
                self.env["crm.card.quality.trend"]
                .sudo()
                .search([("company_id", "=", company.id), ("date", "=", date)], order="score, user_id")
            )
            managers = managers_group.users.filtered(
                lambda user, company=company: company in user.company_ids and user.email and not user.share
            )
            if not rows or not managers:
                continue
            # one e-mail per language of the managers, written in it
            for lang, readers in managers.grouped(lambda user: user._crm_lang()).items():
                mails |= self.with_context(lang=lang)._digest_mail(rows, company, date, readers)
        return mails

    @api.model
    def _digest_mail(self, rows, company, date, managers):
        """The day's summary (crm.card.quality.trend ``rows``) e-mailed to ``managers``, in this
        environment's language."""
        env = self.env
        cells = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%.1f</td><td>%s</td></tr>")
            % (
                row.user_id.name,
                row.cards,
                row.score,
                escape(f"{row.trend:+.1f}") if row.previous_score or row.trend else "",
            )
            for row in rows
        )
        body = Markup(
            "<p>%s</p><table border='1' cellpadding='4'>"
            "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>%s</table>"
        ) % (
            env._("Card quality of %(company)s on %(date)s:", company=company.name, date=date),
            env._("Salesperson"),
            env._("Cards"),
            env._("Score"),
            env._("Trend"),
            cells,
        )
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": env._(
                        "Daily card quality: %(company)s, %(date)s", company=company.name, date=date
                    ),
                    "body_html": body,
                    "email_from": company.email_formatted or self.env.user.email_formatted,
                    "recipient_ids": [(6, 0, managers.partner_id.ids)],
                    "auto_delete": True,
                }
            )
        )
