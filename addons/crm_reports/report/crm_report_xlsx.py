# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time

from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import _, fields, models
from odoo.tools import SQL

# Rows read from PostgreSQL at a time while the detail sheet streams to the file.
CHUNK = 5000
# Ordinal of Excel's day 0 (1899-12-30 in the 1900 date system).
EXCEL_EPOCH = date(1899, 12, 30).toordinal()

# Models whose record names are read in SQL (the exports can name tens of thousands of them).
FAST_NAMES = {"res.partner": "complete_name", "crm.lead": "name", "account.move": "name"}


class XlsxWriterMixin(models.AbstractModel):
    """Safe, streamed workbooks for the suite's Excel reports.

    ``constant_memory`` writes each row to disk as soon as the next one starts, so a large export does not
    hold the sheet in memory; strings are never turned into formulas, links or numbers: a cell of text is
    written as text whatever it starts with.
    """

    _name = "report.crm_reports.xlsx_mixin"
    _inherit = "report.report_xlsx.abstract"
    _description = "CRM Suite Excel Report Helpers"

    def get_workbook_options(self):
        return {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        }

    def _formats(self, workbook, currency=None):
        money = "#,##0.00"
        if currency:
            money = self._report_xlsx_currency_format(currency)
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "meta": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#DDE4EE", "bottom": 1, "text_wrap": True, "valign": "top"}
            ),
            "text": workbook.add_format({}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "integer": workbook.add_format({"num_format": "#,##0"}),
            "float": workbook.add_format({"num_format": "#,##0.00"}),
            "monetary": workbook.add_format({"num_format": money}),
            "percent": workbook.add_format({"num_format": '0.0" %"'}),
            "subtotal_label": workbook.add_format({"bold": True, "top": 1}),
            "grand_label": workbook.add_format({"bold": True, "top": 2, "bg_color": "#F2F2F2"}),
        }

    def _total_format(self, workbook, formats, kind, grand=False):
        key = f"{'grand' if grand else 'subtotal'}_{kind}"
        if key not in formats:
            props = {"bold": True, "top": 2 if grand else 1}
            if grand:
                props["bg_color"] = "#F2F2F2"
            num = {"integer": "#,##0", "float": "#,##0.00", "percent": '0.0" %"'}.get(kind)
            if kind == "monetary":
                num = formats["monetary"].num_format
            if num:
                props["num_format"] = num
            formats[key] = workbook.add_format(props)
        return formats[key]

    def _write_cell(self, sheet, row, col, value, kind, formats):
        """Write ``value`` as ``kind``: text stays text, numbers numbers, dates dates."""
        if value is None or value is False and kind not in ("boolean",):
            if kind in ("integer", "float", "monetary", "percent"):
                sheet.write_number(row, col, 0, formats[kind])
            else:
                sheet.write_blank(row, col, None)
        elif kind in ("integer", "float", "monetary", "percent"):
            sheet.write_number(row, col, float(value), formats[kind])
        elif kind == "date":
            if isinstance(value, datetime):
                value = value.date()
            sheet.write_datetime(row, col, datetime.combine(value, time()), formats["date"])
        elif kind == "boolean":
            sheet.write_string(row, col, _("Yes") if value else _("No"), formats["text"])
        else:
            sheet.write_string(row, col, str(value), formats["text"])

    def _header_block(self, sheet, formats, title, lines, width=6):
        sheet.write_string(0, 0, title, formats["title"])
        row = 1
        for line in lines:
            sheet.write_string(row, 0, line, formats["meta"])
            row += 1
        return row + 1

    def _print_setup(self, sheet, header_row):
        """Printed as a manager expects: A4 landscape, every column on one page's width, the column titles
        repeated on each page, page numbers in the footer."""
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)
        sheet.set_footer("&C&P / &N")


class CrmReportXlsx(models.AbstractModel):
    """Excel file of a management report (lead intake, funnel, sales, activity, plan vs fact).

    Sheet "Summary": title, company, period and filters, one row per group with the report's measures, the
    grand total (the same figure the report's pivot shows for the same filters) and a native Excel chart.
    Sheet "Details" (optional): one row per record of the report, grouped, with a subtotal per group and the
    grand total, the header frozen; streamed from PostgreSQL in chunks.
    """

    _name = "report.crm_reports.crm_report_xlsx"
    _inherit = "report.crm_reports.xlsx_mixin"
    _description = "Management Report (Excel)"

    def _kind(self, field):
        if field.type in ("many2one", "char", "text", "selection"):
            return "text"
        if field.type in ("integer",):
            return "integer"
        if field.type == "monetary":
            return "monetary"
        if field.type == "float":
            return "percent" if field.aggregator == "avg" and "%" in (field.string or "") else "float"
        if field.type in ("date", "datetime"):
            return "date"
        if field.type == "boolean":
            return "boolean"
        return "text"

    def generate_xlsx_report(self, workbook, data, objs):
        wizard = objs.ensure_one()
        wizard._check_access_to_report()
        spec = wizard._spec()
        model = self.env[spec["model"]].with_context(active_test=False)
        domain = wizard._domain()
        formats = self._formats(workbook, wizard.company_id.currency_id)
        lines = [
            *wizard._filters_text(),
            _("Grouped by: %(group)s", group=wizard._group_label()),
            _(
                "Printed on %(date)s by %(user)s",
                date=fields.Datetime.to_string(
                    fields.Datetime.context_timestamp(self, fields.Datetime.now())
                ),
                user=self.env.user.name,
            ),
        ]
        summary = workbook.add_worksheet(_("Summary"))
        self._write_summary(workbook, summary, formats, wizard, spec, model, domain, lines)
        if wizard.with_details:
            details = workbook.add_worksheet(_("Details"))
            self._write_details(workbook, details, formats, wizard, spec, model, domain)

    # ------------------------------------------------------------------ summary

    def _groupby_spec(self, wizard, spec):
        return f"{spec['date']}:month" if wizard.group_by == "month" else wizard.group_by

    def _group_name(self, value):
        if isinstance(value, models.BaseModel):
            return value.sudo().display_name or _("None")
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return str(value) if value not in (None, False) else _("None")

    def _write_summary(self, workbook, sheet, formats, wizard, spec, model, domain, lines):
        row = self._header_block(sheet, formats, spec["title"], lines)
        measures = spec.get("summary_measures", spec["measures"])
        fields_ = [model._fields[name] for name in measures]
        groupby = self._groupby_spec(wizard, spec)
        aggregates = [f"{name}:{model._fields[name].aggregator or 'sum'}" for name in measures]
        groups = model._read_group(domain, [groupby], aggregates)
        [grand] = model._read_group(domain, [], aggregates)
        header_row = row
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, len(measures) + 1, 16)
        sheet.write_string(header_row, 0, wizard._group_label(), formats["header"])
        for col, field in enumerate(fields_, start=1):
            sheet.write_string(header_row, col, field._description_string(self.env), formats["header"])
        extra = self._summary_extra_columns(wizard)
        # ratio measures (crm.report.ratio.mixin) with nothing to divide by: empty cells
        ratios = set(model._ratio_measures()) if hasattr(model, "_ratio_measures") else set()
        for col, (label, _func) in enumerate(extra, start=len(fields_) + 1):
            sheet.write_string(header_row, col, label, formats["header"])
        sheet.freeze_panes(header_row + 1, 1)
        self._print_setup(sheet, header_row)
        row = header_row + 1
        first = row
        for group_value, *values in groups:
            label = self._group_name(group_value)
            if wizard.report_type == "plan" and wizard.group_by == "user_id" and not group_value:
                label = _("Unassigned remainder")
            if wizard.report_type == "channel" and not group_value:
                label = self._channel_none_label(wizard.group_by) or label
            sheet.write_string(row, 0, label, formats["text"])
            self._write_measures(sheet, row, values, fields_, formats, extra, ratios=ratios)
            row += 1
        last = row - 1
        sheet.write_string(row, 0, _("Total"), formats["grand_label"])
        self._write_measures(sheet, row, grand, fields_, formats, extra, workbook=workbook, ratios=ratios)
        total_row = row
        if groups:
            self._chart(workbook, sheet, spec, measures, fields_, header_row, first, last, total_row + 2)
        row = total_row + 20 if groups else total_row + 2
        row = self._summary_tables(workbook, sheet, formats, wizard, model, domain, row)
        return row

    def _channel_none_label(self, group_by):
        """The group of the channel report's rows without a source (medium, campaign): named as such."""
        return {
            "source_id": _("No source"),
            "medium_id": _("No medium"),
            "campaign_id": _("No campaign"),
        }.get(group_by)

    def _summary_extra_columns(self, wizard):
        """Ratios computed from the group's sums (a ratio of sums, not an average of ratios)."""
        if wizard.report_type == "plan":
            return [
                (_("Achievement (%)"), lambda v: 100.0 * v["actual"] / v["target"] if v["target"] else 0.0)
            ]
        if wizard.report_type == "funnel":
            return [
                (
                    _("Won (%)"),
                    lambda v: 100.0 * v["won_count"] / v["deal_count"] if v["deal_count"] else 0.0,
                ),
                (
                    _("Lost Here (%)"),
                    lambda v: 100.0 * v["lost_count"] / v["deal_count"] if v["deal_count"] else 0.0,
                ),
            ]
        return []

    def _write_measures(self, sheet, row, values, fields_, formats, extra, workbook=None, ratios=()):
        by_name = {}
        for col, (field, value) in enumerate(zip(fields_, values, strict=True), start=1):
            kind = self._kind(field)
            fmt = self._total_format(workbook, formats, kind, grand=True) if workbook else formats[kind]
            if value is False and field.name in ratios:  # nothing to divide by: an empty cell, not a 0
                sheet.write_blank(row, col, None, fmt)
            else:
                sheet.write_number(row, col, float(value or 0.0), fmt)
            by_name[field.name] = float(value or 0.0)
        for col, (_label, func) in enumerate(extra, start=len(fields_) + 1):
            fmt = (
                self._total_format(workbook, formats, "percent", grand=True)
                if workbook
                else formats["percent"]
            )
            sheet.write_number(row, col, func(by_name), fmt)

    def _chart(self, workbook, sheet, spec, measures, fields_, header_row, first, last, anchor_row):
        kind, chart_measures = spec["chart"]
        chart = workbook.add_chart({"type": kind})
        for name in chart_measures:
            col = measures.index(name) + 1
            chart.add_series(
                {
                    "name": [sheet.name, header_row, col],
                    "categories": [sheet.name, first, 0, last, 0],
                    "values": [sheet.name, first, col, last, col],
                }
            )
        chart.set_title({"name": spec["title"]})
        chart.set_legend({"position": "bottom"})
        if kind == "bar":  # funnel: first stage on top
            chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 720, "height": 360})
        sheet.insert_chart(anchor_row, 0, chart)

    def _summary_tables(self, workbook, sheet, formats, wizard, model, domain, row):
        """Report-specific tables under the chart: lost reasons per stage (funnel), team line beside its
        salespeople and remainder (plan vs fact)."""
        if wizard.report_type == "funnel":
            groups = model._read_group(
                domain + [("lost", "=", True)], ["stage_id", "lost_reason_id"], ["__count"]
            )
            sheet.write_string(row, 0, _("Drop-off by stage and lost reason"), formats["subtotal_label"])
            row += 1
            for col, label in enumerate((_("Stage"), _("Lost Reason"), _("Lost Here"))):
                sheet.write_string(row, col, label, formats["header"])
            row += 1
            for stage, reason, count in groups:
                sheet.write_string(row, 0, self._group_name(stage), formats["text"])
                sheet.write_string(row, 1, self._group_name(reason), formats["text"])
                sheet.write_number(row, 2, count, formats["integer"])
                row += 1
        elif wizard.report_type == "plan":
            groups = model._read_group(
                domain, ["team_id"], ["team_target:sum", "team_actual:sum", "actual:sum"]
            )
            remainders = {
                team: actual
                for team, actual in model._read_group(
                    domain + [("line_kind", "=", "remainder")], ["team_id"], ["actual:sum"]
                )
            }
            sheet.write_string(row, 0, _("Team lines"), formats["subtotal_label"])
            row += 1
            labels = (_("Sales Team"), _("Team Line Actual"), _("Salespeople"), _("Unassigned remainder"))
            for col, label in enumerate(labels):
                sheet.write_string(row, col, label, formats["header"])
            row += 1
            for team, _team_target, team_actual, actual in groups:
                remainder = remainders.get(team, 0.0)
                sheet.write_string(row, 0, self._group_name(team), formats["text"])
                sheet.write_number(row, 1, team_actual, formats["float"])
                sheet.write_number(row, 2, actual - remainder, formats["float"])
                sheet.write_number(row, 3, remainder, formats["float"])
                row += 1
        return row

    # ------------------------------------------------------------------ details

    def _names(self, comodel, ids):
        """{id: display name} of the records ``ids`` of ``comodel`` (as the report's pivot names them)."""
        ids = [i for i in ids if i]
        if not ids:
            return {}
        records = self.env[comodel].sudo().browse(ids)
        return {record.id: record.display_name for record in records}

    def _labels(self, model, domain, fields_):
        """{field name: {value: label}} of the many2one columns whose names are read by the ORM (the few
        salespeople, teams, products... of the rows: one query for all of them) and of the selection columns;
        read before the rows, so that the rows then stream without another query in between."""
        labels = {}
        many2ones = [f for f in fields_ if f.type == "many2one" and f.comodel_name not in FAST_NAMES]
        if many2ones:
            query = model._search(domain)
            query.order = None
            self.env.cr.execute(
                query.select(
                    *(
                        SQL("array_agg(DISTINCT %s)", model._field_to_sql(model._table, field.name, query))
                        for field in many2ones
                    )
                )
            )
            for field, ids in zip(many2ones, self.env.cr.fetchone(), strict=True):
                labels[field.name] = self._names(field.comodel_name, ids or [])
        for field in fields_:
            if field.type == "selection":
                labels[field.name] = dict(field._description_selection(self.env))
        return labels

    def _column_sql(self, model, field, query):
        """SQL of a detail column: the record's name itself for the models with many records (one join)."""
        if field.type == "many2one" and field.comodel_name in FAST_NAMES:
            comodel = self.env[field.comodel_name]
            alias = query.left_join(model._table, field.name, comodel._table, "id", f"{field.name}__xlsx")
            return SQL.identifier(alias, FAST_NAMES[field.comodel_name])
        return model._field_to_sql(model._table, field.name, query)

    def _cell_writers(self, sheet, names, kinds, labels, formats):
        """One function per column writing its value in a row: decided once, not for every cell."""
        writers = []
        for name, kind in zip(names, kinds, strict=True):
            if name in labels:
                names_of = labels[name]
                writers.append(
                    lambda row, col, value, n=names_of: (
                        sheet.write_string(row, col, n.get(value) or "") if value is not None else None
                    )
                )
            elif kind in ("integer", "float", "monetary", "percent"):
                fmt = formats[kind]
                writers.append(lambda row, col, value, f=fmt: sheet.write_number(row, col, value or 0.0, f))
            elif kind == "text":
                writers.append(
                    lambda row, col, value: sheet.write_string(row, col, str(value)) if value else None
                )
            elif kind == "date":
                # an Excel date is a number of days: computed from the date's ordinal, not through datetime
                fmt = formats["date"]
                writers.append(
                    lambda row, col, value, f=fmt: (
                        sheet.write_number(row, col, value.toordinal() - EXCEL_EPOCH, f) if value else None
                    )
                )
            else:
                writers.append(
                    lambda row, col, value, k=kind: self._write_cell(sheet, row, col, value, k, formats)
                )
        return writers

    def _write_details(self, workbook, sheet, formats, wizard, spec, model, domain):
        group_field = spec["date"] if wizard.group_by == "month" else wizard.group_by
        columns = list(spec["columns"])
        if group_field not in columns:
            columns.insert(0, group_field)
        measures = spec["measures"]
        names = columns + measures
        fields_ = [model._fields[name] for name in names]
        kinds = [self._kind(field) for field in fields_]
        writers = self._cell_writers(sheet, names, kinds, self._labels(model, domain, fields_), formats)
        sheet.write_string(0, 0, spec["title"], formats["title"])
        sheet.write_string(1, 0, " | ".join(wizard._filters_text()), formats["meta"])
        header_row = 3
        for col, field in enumerate(fields_):
            sheet.set_column(col, col, 28 if field.type in ("many2one", "char") else 14)
            sheet.write_string(header_row, col, field._description_string(self.env), formats["header"])
        sheet.freeze_panes(header_row + 1, 0)
        self._print_setup(sheet, header_row)
        query = model._search(domain, order=f"{group_field}, {spec['order']}")
        self.env.cr.execute(query.select(*(self._column_sql(model, field, query) for field in fields_)))
        group_index = names.index(group_field)
        by_month = wizard.group_by == "month"
        measure_cols = [names.index(name) for name in measures]
        subtotal = dict.fromkeys(measure_cols, 0.0)
        row = group_start = header_row + 1
        current = object()
        columns_writers = list(enumerate(writers))
        while chunk := self.env.cr.fetchmany(CHUNK):
            for values in chunk:
                key = values[group_index]
                if by_month and key:
                    key = key.replace(day=1)
                if key != current:
                    if row > group_start:
                        row = self._subtotal_row(workbook, sheet, formats, row, group_start, subtotal, kinds)
                        subtotal = dict.fromkeys(measure_cols, 0.0)
                        group_start = row
                    current = key
                for col, write in columns_writers:
                    write(row, col, values[col])
                for col in measure_cols:
                    subtotal[col] += values[col] or 0.0
                row += 1
        if row > group_start:
            row = self._subtotal_row(workbook, sheet, formats, row, group_start, subtotal, kinds)
        # the grand total is the report's own total for the same filters (the pivot's figure); the formula
        # gives the same number from the rows above (SUBTOTAL skips the subtotal rows)
        [grand] = model._read_group(domain, [], [f"{name}:sum" for name in measures])
        sheet.write_string(row, 0, _("Grand Total"), formats["grand_label"])
        for value, col in zip(grand, measure_cols, strict=True):
            fmt = self._total_format(workbook, formats, kinds[col], grand=True)
            self._subtotal_formula(sheet, row, col, header_row + 1, row - 1, value or 0.0, fmt)
        sheet.autofilter(header_row, 0, max(row - 1, header_row), len(names) - 1)

    def _subtotal_formula(self, sheet, row, col, first, last, value, fmt):
        """=SUBTOTAL(9, <column from first to last>), with its value stored (readers that do not compute
        formulas show it)."""
        if last < first:
            sheet.write_number(row, col, value, fmt)
            return
        cells = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
        sheet.write_formula(row, col, f"=SUBTOTAL(9,{cells})", fmt, value)

    def _subtotal_row(self, workbook, sheet, formats, row, group_start, subtotal, kinds):
        sheet.write_string(row, 0, _("Subtotal"), formats["subtotal_label"])
        for col, value in subtotal.items():
            digits = 2 if kinds[col] == "monetary" else 6
            self._subtotal_formula(
                sheet,
                row,
                col,
                group_start,
                row - 1,
                round(value, digits),
                self._total_format(workbook, formats, kinds[col]),
            )
        return row + 1
