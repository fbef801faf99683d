# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class CrmLeadPipelineXlsx(models.AbstractModel):
    """Excel export of the selected deals: one row a deal, totals in company currency.

    Text cells are written as text: a deal or client named ``=HYPERLINK(...)`` stays a name, never a formula.
    """

    _name = "report.crm_reports.crm_lead_pipeline_xlsx"
    _inherit = "report.crm_reports.xlsx_mixin"
    _description = "Pipeline Excel Export"

    def _columns(self):
        return [
            (_("Deal"), 40, "text", lambda lead: lead.name),
            (
                _("Client"),
                30,
                "text",
                lambda lead: lead.partner_id.display_name or lead.partner_name or "",
            ),
            (_("Stage"), 18, "text", lambda lead: lead.stage_id.name or ""),
            (_("Salesperson"), 22, "text", lambda lead: lead.user_id.name or ""),
            (_("Sales Team"), 22, "text", lambda lead: lead.team_id.name or ""),
            (_("Expected Revenue"), 18, "monetary", lambda lead: lead.expected_revenue),
            (_("Probability (%)"), 14, "float", lambda lead: lead.probability),
            (_("Expected Closing"), 16, "date", lambda lead: lead.date_deadline),
        ]

    def generate_xlsx_report(self, workbook, data, objs):
        sheet = workbook.add_worksheet(_("Pipeline"))
        formats = self._formats(workbook)
        bold = workbook.add_format({"bold": True})
        columns = self._columns()
        for col, (title, width, _kind, _getter) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, title, bold)
        sheet.freeze_panes(1, 0)
        self._print_setup(sheet, 0)
        for row, lead in enumerate(objs, start=1):
            for col, (_title, _width, kind, getter) in enumerate(columns):
                self._write_cell(sheet, row, col, getter(lead), kind, formats)
        total_row = len(objs) + 1
        sheet.write_string(total_row, 0, _("Total"), bold)
        sheet.write_number(total_row, 5, sum(objs.mapped("expected_revenue")), formats["monetary"])
