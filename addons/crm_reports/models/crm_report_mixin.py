# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmReportMixin(models.AbstractModel):
    """What the suite's report models share: how their pivots query PostgreSQL.

    A pivot asks for its groups ordered by their display order; for a many2one, Odoo joins the linked table
    and groups the million source rows by its name columns too, which makes PostgreSQL sort them all. The
    groups are few: they are read ordered by their ids and put in display order here, which is the same
    result for a fraction of the time (see docs/benchmarks.md).
    """

    _name = "crm.report.mixin"
    _description = "CRM Suite Report"

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        # JIT compilation and the default 4 MB of sort memory cost more than they save on these one-pass
        # aggregates over millions of rows (both reset when the transaction ends)
        self.env.cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        terms = self._group_order_terms(order, groupby)
        if terms is None or limit or offset:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rows = super()._read_group(domain, groupby, aggregates, having)
        return self._sort_groups(rows, groupby, terms)

    @api.model
    def _group_order_terms(self, order, groupby):
        """``[(index of the groupby, descending)]`` when ``order`` only orders by the groupbys, else None."""
        if not order or not groupby:
            return None
        groupby = list(groupby)
        terms = []
        for part in order.split(","):
            words = part.split()
            if not words or words[0] not in groupby or len(words) > 2:
                return None
            direction = words[1].upper() if len(words) == 2 else "ASC"
            if direction not in ("ASC", "DESC"):
                return None
            terms.append((groupby.index(words[0]), direction == "DESC"))
        return terms

    def _sort_groups(self, rows, groupby, terms):  # noqa: ARG002 - groupby kept for overrides
        """``rows`` in the order of ``terms``: many2one groups in their model's order, the others by value;
        empty groups last (first when descending), as PostgreSQL would."""
        ranks = {}
        for index, _descending in terms:
            values = {row[index] for row in rows}
            records = [value for value in values if isinstance(value, models.BaseModel)]
            if records:
                model = self.env[records[0]._name].sudo().with_context(active_test=False)
                ids = list({record.id for record in records if record})
                ordered = model.browse(model._search([("id", "in", ids)], order=model._order)) if ids else []
                ranks[index] = {record_id: rank for rank, record_id in enumerate(getattr(ordered, "ids", []))}

        def key(row, index):
            value = row[index]
            if index in ranks:
                return (not value, ranks[index].get(value.id, 0) if value else 0)
            return (value is None or value is False, value if value not in (None, False) else 0)

        for index, descending in reversed(terms):
            rows = sorted(rows, key=lambda row, i=index: key(row, i), reverse=descending)
        return rows
