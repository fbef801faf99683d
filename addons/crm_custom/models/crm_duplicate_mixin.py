# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

GUARD_MODES = [("off", "Off"), ("warn", "Warn"), ("block", "Block")]
# transaction cache key (with the model name) of the cards being merged into one, see _duplicate_merging
MERGING_KEY = "crm_duplicate_merging"


class CrmDuplicateMixin(models.AbstractModel):
    """Duplicate guard shared by partners and leads.

    A duplicate is another active record of the same company (or shared by all companies) that belongs to a
    different client and has the same E.164 phone or mobile, the same normalized e-mail or, for partners, the
    same tax id. Every lookup is one set-based query over indexed columns, whatever the number of records.
    """

    _name = "crm.duplicate.mixin"
    _description = "Duplicate Guard"

    # columns compared per kind of key; the model's own values are compared against each of them
    _duplicate_columns = {"phone": ("phone_sanitized", "phone_e164"), "email": ("email_normalized",)}
    # changing one of these may change the keys or the company, so the guard runs again on write
    _duplicate_trigger_fields = ("phone", "mobile", "email", "company_id", "country_id")
    # the stored values the flag is computed from (keys, company, client)
    _duplicate_depends = ("phone_sanitized", "phone_e164", "email_normalized", "company_id")
    # candidate column holding the client a record belongs to (see _duplicate_entity_id)
    _duplicate_entity_column = "id"

    phone_e164 = fields.Char(
        string="Phone (E.164)",
        compute="_compute_phone_e164",
        store=True,
        index="btree_not_null",
        compute_sudo=True,
        help="The Phone field alone in E.164 form; the Sanitized Number holds the mobile when there is one.",
    )
    # Computed when the ORM flushes, for all the cards created or changed since the last flush at once: one
    # lookup per batch instead of one per saved card (Odoo's own flows save cards one by one).
    is_duplicate = fields.Boolean(
        string="Possible Duplicate",
        compute="_compute_is_duplicate",
        store=True,
        readonly=True,
        copy=False,
        help="Flagged by the duplicate guard in warn mode: when it was last saved, another card of the same "
        "company had the same phone, mobile, e-mail or tax id.",
    )

    @api.depends(lambda self: [fname for fname in ("phone", "country_id") if fname in self._fields])
    def _compute_phone_e164(self):
        for record in self:
            record.phone_e164 = record.phone and record._phone_format(fname="phone") or False

    @api.depends(lambda self: self._duplicate_depends)
    def _compute_is_duplicate(self):
        guarded = self.filtered(lambda record: record.id and record._duplicate_mode() != "off")
        matches = guarded._duplicate_matches() if guarded else {}
        for record in self:
            record.is_duplicate = record.id in matches

    # -- keys --------------------------------------------------------------------------------------
    def _duplicate_entity_id(self):
        """The client a record belongs to: records of the same client are never duplicates of each other."""
        raise NotImplementedError()

    def _duplicate_keys(self):
        """(kind, value) pairs of this record that must be unique among clients."""
        self.ensure_one()
        keys = {("phone", number) for number in (self.phone_sanitized, self.phone_e164) if number}
        if self.email_normalized:
            keys.add(("email", self.email_normalized))
        return keys

    def _duplicate_company(self):
        self.ensure_one()
        return self.company_id or self.env.company

    def _duplicate_mode(self):
        self.ensure_one()
        return self._duplicate_company().crm_duplicate_guard or "off"

    def _duplicate_extra_where(self, kind):
        """SQL condition on candidate ``t`` for one kind of key (e.g. top-level partners for a tax id)."""
        return "TRUE"

    def _duplicate_query(self):
        """One query over the table finding every candidate of the batch: ``(sql, params, branches)`` or None
        (see ``_duplicate_query_keys``)."""
        keys, companies = {}, set()
        for record in self.filtered("id"):
            for kind, value in record._duplicate_keys():
                keys.setdefault(kind, set()).add(value)
            companies.add(record._duplicate_company().id)
        return self._duplicate_query_keys(keys, companies)

    @api.model
    def _duplicate_query_keys(self, keys, companies):
        """The candidates query for ``keys`` ({kind: {values}}) in ``companies`` (ids; records shared by all
        companies always match): ``(sql, params, branches)`` or None without keys.

        Each key kind is compared by equality (``= ANY``) on an indexed column, so PostgreSQL combines B-tree
        index scans (BitmapOr) and the cost grows with the batch, not with the table. ``branches`` lists the
        (kind, column) of each CASE column of the result, after the candidate's id, company and client.
        Lead intake (e-mail, API, messengers) uses it with the keys of an incoming request.
        """
        keys = {kind: values for kind, values in keys.items() if values}
        if not keys:
            return None
        params = {"companies": sorted(companies)}
        branches, conditions, cases = [], [], []
        for kind, cols in self._duplicate_columns.items():
            if not keys.get(kind):
                continue
            params[kind] = sorted(keys[kind])
            for column in cols:
                condition = f"(t.{column} = ANY(%({kind})s) AND {self._duplicate_extra_where(kind)})"
                branches.append((kind, column))
                conditions.append(condition)
                cases.append(f"CASE WHEN {condition} THEN t.{column} END")
        if not conditions:
            return None
        query = f"""
            SELECT t.id, t.company_id, t.{self._duplicate_entity_column}, {", ".join(cases)}
              FROM {self._table} t
             WHERE ({" OR ".join(conditions)})
               AND t.active
               AND (t.company_id = ANY(%(companies)s) OR t.company_id IS NULL)
        """
        return query, params, branches

    def _duplicate_matches(self):
        """Map each record id to the ``(kind, value, duplicate_id)`` found, in one query for the batch."""
        columns = {column for cols in self._duplicate_columns.values() for column in cols}
        self.env[self._name].flush_model([*columns, "active", "company_id", self._duplicate_entity_column])
        built = self._duplicate_query()
        if not built:
            return {}
        query, params, branches = built
        self.env.cr.execute(query, params)
        candidates = {}
        for row in self.env.cr.fetchall():
            candidate_id, company_id, entity = row[:3]
            for (kind, _column), value in zip(branches, row[3:], strict=True):
                if value:
                    candidates.setdefault((kind, value), set()).add((candidate_id, company_id, entity))
        # the cards being merged into one (lead merge, contact merge) are not duplicates of the result
        merging = self.env.cr.cache.get((MERGING_KEY, self._name), ())
        matches = {}
        for record in self.filtered("id"):
            company_id = record._duplicate_company().id
            own_entity = record._duplicate_entity_id()
            for kind, value in record._duplicate_keys():
                for candidate_id, candidate_company, entity in candidates.get((kind, value), ()):
                    if candidate_id == record.id or candidate_company not in (company_id, None):
                        continue
                    if candidate_id in merging:
                        continue
                    if own_entity and entity == own_entity:
                        continue
                    matches.setdefault(record.id, set()).add((kind, value, candidate_id))
        return matches

    @api.model
    @contextmanager
    def _duplicate_merging(self, ids):
        """Within this block, the cards ``ids`` of this model, being merged into one (Odoo's lead merge and
        contact merge), are not duplicates of each other. Kept on the transaction, not in the context: the
        context of an RPC call is user input (docs/security.md), and a key there would let a user save any
        duplicate by naming the card it duplicates."""
        merging = self.env.cr.cache.setdefault((MERGING_KEY, self._name), set())
        added = set(ids) - merging
        merging.update(added)
        try:
            yield
        finally:
            merging.difference_update(added)

    # -- guard -------------------------------------------------------------------------------------
    def _duplicate_guard(self):
        """Block mode: refuse the records that duplicate another client's card (warn mode only flags them,
        through ``is_duplicate``)."""
        # create() caches empty x2many values for new records; the live duplicates must be looked up again
        self.invalidate_recordset(
            [fname for fname in ("duplicate_ids", "duplicate_count") if fname in self._fields]
        )
        # the context is user input: the skip is honoured in superuser mode only (docs/security.md)
        if self.env.context.get("crm_duplicate_guard_skip") and self.env.su:
            return
        blocking = self.filtered(lambda record: record.id and record._duplicate_mode() == "block")
        if not blocking:
            return
        matches = blocking._duplicate_matches()
        blocked = blocking.filtered(lambda record: record.id in matches)
        if blocked:
            raise ValidationError(blocked._duplicate_message(matches))

    def _duplicate_message(self, matches):
        labels = self._duplicate_kind_labels()
        others = self.browse({dup_id for found in matches.values() for _kind, _value, dup_id in found}).sudo()
        names = {other.id: other.display_name for other in others}
        lines = []
        for record in self:
            for kind, value, dup_id in sorted(matches[record.id]):
                lines.append(
                    _(
                        '"%(record)s": %(kind)s %(value)s already belongs to '
                        '"%(existing)s" (ID %(existing_id)s).',
                        record=record.display_name,
                        kind=labels[kind],
                        value=value,
                        existing=names[dup_id],
                        existing_id=dup_id,
                    )
                )
        return _(
            "Duplicate refused by the duplicate guard (CRM settings: Duplicate Guard is Block):\n%(lines)s",
            lines="\n".join(lines),
        )

    def _duplicate_kind_labels(self):
        return {"phone": _("phone"), "email": _("e-mail"), "vat": _("tax id")}

    # -- duplicates shown on the card -------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_duplicate_ids(self):
        """``duplicate_ids``/``duplicate_count`` of the inheriting model, one lookup for the batch."""
        matches = self._duplicate_matches()
        for record in self:
            found = matches.get(record._origin.id or record.id, set())
            # the card only links to duplicates its reader may open (a blocked save still names them all)
            duplicates = self.browse(sorted({dup_id for _kind, _value, dup_id in found}))._filtered_access(
                "read"
            )
            record.duplicate_ids = duplicates
            record.duplicate_count = len(duplicates)

    # -- actions ---------------------------------------------------------------------------------
    def action_view_duplicates(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Possible Duplicates"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", self.duplicate_ids.ids)],
        }
