# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestExportTour(ReportsCommon, HttpCase):
    """A head of sales filters a report and exports it to Excel in the browser."""

    def test_filtered_report_exported_to_excel(self):
        month_start = self.company._crm_today().replace(day=1)
        self._invoice(self.salesman_1, [500.00], month_start)
        self._invoice(self.outsider, [700.00], month_start, team=self.other_team)
        # the file the browser's download asks for, as the report_xlsx route renders it
        Report = type(self.env["ir.actions.report"])
        render = Report._render_xlsx
        files = []

        def record(report, report_ref, docids, data=None):
            content, kind = render(report, report_ref, docids, data=data)
            files.append((report_ref, docids, kind, content))
            return content, kind

        with patch.object(Report, "_render_xlsx", autospec=True, side_effect=record):
            self.start_tour("/odoo", "crm_reports_export_tour", login="plan_manager")
        [(report_ref, docids, kind, content)] = files
        self.assertEqual((report_ref, kind), ("crm_reports.crm_report_xlsx", "xlsx"))
        wizard = self.env["crm.report.export"].sudo().browse(docids)  # the manager's own wizard
        self.assertEqual((wizard.report_type, wizard.team_ids), ("sales", self.team))
        self.assertEqual(wizard.create_uid, self.manager)
        summary = self._workbook(content)["Summary"]
        self.assertEqual(self._row_with(summary, "Total")[1], 500.0, "the other team's invoice is left out")
        self.assertIn("Sales teams: Plan Team", [cell.value for cell in summary["A"]])
        cells = [cell.value for sheet in self._workbook(content) for row in sheet.iter_rows() for cell in row]
        self.assertFalse([value for value in cells if "report_outsider" in str(value)])
