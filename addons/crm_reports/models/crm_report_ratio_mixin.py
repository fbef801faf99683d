# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmReportRatioMixin(models.AbstractModel):
    """Report measures that are ratios (cost per lead, ROMI, conversion rate, average deal size...).

    A ratio does not add up: the conversion rate of a team is not the sum, nor the average, of its members'
    rates. Each ratio measure names the additive measures it is computed from (``_ratio_measures``); any
    aggregate of it asked of ``_read_group`` (the pivot's cells and totals, the list's group rows, the Excel
    summary) is computed from the group's sums of those measures instead, so every cell is the ratio of its
    own records. On a single row, the SQL column holds the same ratio of the row's own figures. An undefined
    ratio (nothing to divide by) is False: an empty cell, not a 0 that would read as a real figure.
    """

    _name = "crm.report.ratio.mixin"
    _inherit = "crm.report.mixin"
    _description = "CRM Suite Report with Ratio Measures"

    @api.model
    def _ratio_measures(self):
        """``{ratio field: ((measure, ...), function(sums) -> value or None)}``: the additive measures the
        ratio is computed from and how, ``sums`` being ``{measure: sum over the group}``."""
        return {}

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        ratios = self._ratio_measures()
        asked = [spec for spec in aggregates if spec.split(":")[0] in ratios]
        if not asked:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        # the ratios' parts, summed, beside the other aggregates (each asked once)
        parts = {f"{name}:sum" for spec in asked for name in ratios[spec.split(":")[0]][0]}
        plain = [spec for spec in aggregates if spec not in asked]
        queried = list(dict.fromkeys(plain + sorted(parts)))
        if order:
            # ordering by a ratio is ordering by its row-level column's sum: meaningless, dropped
            order = (
                ",".join(term for term in order.split(",") if term.split()[0].split(":")[0] not in ratios)
                or None
            )
        rows = super()._read_group(domain, groupby, queried, having, offset, limit, order)
        width = len(groupby)
        result = []
        for row in rows:
            values = dict(zip(queried, row[width:], strict=True))
            out = list(row[:width])
            for spec in aggregates:
                if spec in asked:
                    deps, func = ratios[spec.split(":")[0]]
                    value = func({name: values[f"{name}:sum"] or 0.0 for name in deps})
                    out.append(False if value is None else value)
                else:
                    out.append(values[spec])
            result.append(tuple(out))
        return result

    @api.model
    def _ratio(self, numerator, denominator, factor=1.0):
        """``factor * numerator / denominator``, None when the denominator is 0."""
        return factor * numerator / denominator if denominator else None
