# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models


class CrmLeadPipelineXlsx(models.AbstractModel):
    """Excel export of the selected deals: one row a deal, totals in company currency."""

    _name = "report.crm_reports.crm_lead_pipeline_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Pipeline Excel Export"

    def _columns(self):
        return [
            (_("Deal"), 40, lambda lead: lead.name),
            (
                _("Client"),
                30,
                lambda lead: lead.partner_id.display_name or lead.partner_name or "",
            ),
            (_("Stage"), 18, lambda lead: lead.stage_id.name or ""),
            (_("Salesperson"), 22, lambda lead: lead.user_id.name or ""),
            (_("Sales Team"), 22, lambda lead: lead.team_id.name or ""),
            (_("Expected Revenue"), 18, lambda lead: lead.expected_revenue),
            (_("Probability (%)"), 14, lambda lead: lead.probability),
            (_("Expected Closing"), 16, lambda lead: lead.date_deadline or ""),
        ]

    def generate_xlsx_report(self, workbook, data, objs):
        sheet = workbook.add_worksheet(_("Pipeline"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        columns = self._columns()
        for col, (title, width, _getter) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write(0, col, title, bold)
        for row, lead in enumerate(objs, start=1):
            for col, (_title, _width, getter) in enumerate(columns):
                value = getter(lead)
                style = money if col == 5 else date if col == 7 and value else None
                sheet.write(row, col, value, style)
        total_row = len(objs) + 1
        sheet.write(total_row, 0, _("Total"), bold)
        sheet.write(total_row, 5, sum(objs.mapped("expected_revenue")), money)
        sheet.freeze_panes(1, 0)
