# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPipelineXlsx(HttpCase):
    """The pipeline Excel export lists the chosen deals with a revenue total, within the user's rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = new_test_user(
            cls.env,
            login="xlsx_alice",
            name="Alice Petrova",
            groups="sales_team.group_sale_salesman",
            lang="en_US",
        )
        cls.bob = new_test_user(cls.env, login="xlsx_bob", groups="sales_team.group_sale_salesman")
        client = cls.env["res.partner"].create({"name": "Volga Trading", "is_company": True})
        cls.alice_leads = cls.env["crm.lead"].create(
            [
                {
                    "name": "Warehouse racks",
                    "type": "opportunity",
                    "partner_id": client.id,
                    "user_id": cls.alice.id,
                    "expected_revenue": 12500.5,
                },
                {
                    "name": "Forklift service",
                    "type": "opportunity",
                    "user_id": cls.alice.id,
                    "expected_revenue": 7499.5,
                },
            ]
        )
        cls.bob_lead = cls.env["crm.lead"].create(
            {
                "name": "Bob's secret deal",
                "type": "opportunity",
                "user_id": cls.bob.id,
                "expected_revenue": 999,
            }
        )

    def _sheet(self, content):
        return openpyxl.load_workbook(io.BytesIO(content)).active

    def test_rows_and_total(self):
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.alice)
            ._render_xlsx("crm_reports.crm_lead_pipeline_xlsx", self.alice_leads.ids, data={})
        )
        self.assertEqual(report_type, "xlsx")
        sheet = self._sheet(content)
        self.assertEqual(sheet["A1"].value, "Deal")
        self.assertEqual(sheet["A2"].value, "Warehouse racks")
        self.assertEqual(sheet["B2"].value, "Volga Trading")
        self.assertEqual(sheet["D2"].value, "Alice Petrova")
        self.assertEqual(sheet["A3"].value, "Forklift service")
        self.assertEqual(sheet["A4"].value, "Total")
        self.assertEqual(sheet["F4"].value, 20000.0)

    def test_headers_in_russian_for_russian_user(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.alice.lang = "ru_RU"
        content, _report_type = (
            self.env["ir.actions.report"]
            .with_user(self.alice)
            .with_context(lang="ru_RU")
            ._render_xlsx("crm_reports.crm_lead_pipeline_xlsx", self.alice_leads.ids, data={})
        )
        sheet = self._sheet(content)
        self.assertEqual(sheet["A1"].value, "Сделка")
        self.assertEqual(sheet["A4"].value, "Итого")

    def test_other_salesperson_deal_refused(self):
        """A salesperson who sees only own documents cannot export a colleague's deal."""
        self.env.ref("sales_team.group_sale_salesman_all_leads").users -= self.alice
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.alice)._render_xlsx(
                "crm_reports.crm_lead_pipeline_xlsx", self.bob_lead.ids, data={}
            )

    def test_download_through_report_route(self):
        self.authenticate("xlsx_alice", "xlsx_alice")
        ids = ",".join(map(str, self.alice_leads.ids))
        response = self.url_open(f"/report/xlsx/crm_reports.crm_lead_pipeline_xlsx/{ids}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertEqual(self._sheet(response.content)["A2"].value, "Warehouse racks")

    def test_download_refused_without_session(self):
        ids = ",".join(map(str, self.alice_leads.ids))
        response = self.url_open(
            f"/report/xlsx/crm_reports.crm_lead_pipeline_xlsx/{ids}",
            allow_redirects=False,
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"Warehouse racks", response.content)
