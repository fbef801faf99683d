# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import io
import zipfile
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields

from odoo.addons.crm_custom.tests.plan_common import PlanCommon


@contextlib.contextmanager
def at(env, moment):
    """Python's clock and the transaction's (``create_date``, stage updates) at ``moment`` (UTC)."""
    with freeze_time(moment), patch.object(env.cr, "now", return_value=fields.Datetime.to_datetime(moment)):
        yield


class ReportsCommon(PlanCommon):
    """The sales plans' books fixture (team of two salespeople and a leader, second company) plus helpers to
    read the reports and their Excel files."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.outsider = cls._user("report_outsider", "sales_team.group_sale_salesman")
        cls.other_team = cls.env["crm.team"].create(
            {
                "name": "Other Team",
                "company_id": cls.company.id,
                "member_ids": [Command.set(cls.outsider.ids)],
            }
        )
        cls.company_2_user = cls._user(
            "report_company_2", "sales_team.group_sale_manager", company=cls.company_2
        )

    def _sum(self, model, measure, domain, user=None, aggregator="sum"):
        """What the report's pivot shows as the total of ``measure`` for ``domain``."""
        report = self.env[model].with_user(user) if user else self.env[model]
        [[value]] = report._read_group(domain, [], [f"{measure}:{aggregator}"])
        return value or 0.0

    def _export(self, report_type, date_from, date_to, user=None, **values):
        wizard = (
            self.env["crm.report.export"]
            .with_user(user or self.env.user)
            .with_company(values.pop("company", self.company))
            .create({"report_type": report_type, "date_from": date_from, "date_to": date_to, **values})
        )
        if "group_by" not in values:
            wizard._onchange_report_type()
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(user or self.env.user)
            .with_company(wizard.company_id)
            ._render_xlsx("crm_reports.crm_report_xlsx", wizard.ids, data={})
        )
        self.assertEqual(kind, "xlsx")
        return content

    @staticmethod
    def _workbook(content):
        return openpyxl.load_workbook(io.BytesIO(content), data_only=True)

    @staticmethod
    def _workbook_formulas(content):
        return openpyxl.load_workbook(io.BytesIO(content), data_only=False)

    @staticmethod
    def _charts(content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [name for name in archive.namelist() if name.startswith("xl/charts/chart")]

    @staticmethod
    def _row_with(sheet, first_cell):
        """The values of the first row whose first cell is ``first_cell``."""
        for row in sheet.iter_rows(values_only=True):
            if row[0] == first_cell:
                return row
        return None
