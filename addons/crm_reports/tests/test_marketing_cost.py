# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2.errors import CheckViolation, NotNullViolation

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from .marketing_common import MarketingCommon

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tagged("post_install", "-at_install")
class TestMarketingCost(MarketingCommon):
    """Marketing spend: per month, imported from the shipped template through Odoo's import; sales managers
    write it, accounting reads it, salespeople have no access."""

    def _import(self, content, file_type, file_name, fields, columns, dryrun=False):
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "crm.marketing.cost",
                "file": content,
                "file_type": file_type,
                "file_name": file_name,
            }
        )
        options = {
            "has_headers": True,
            "quoting": '"',
            "separator": ",",
            "date_format": "%Y-%m-%d",
            "float_decimal_separator": ".",
            "float_thousand_separator": ",",
        }
        preview = wizard.parse_preview(dict(options))
        self.assertFalse(preview.get("error"), preview)
        return wizard.execute_import(
            fields, columns, dict(options, sheet=preview.get("sheet", "")), dryrun=dryrun
        )

    def test_import_the_template(self):
        """The template offered on the import screen imports as it is: headers matched to the fields."""
        [template] = self.env["crm.marketing.cost"].get_import_templates()
        path = template["template"].lstrip("/")
        with file_open(path, "rb") as handle:
            content = handle.read()
        wizard = self.env["base_import.import"].create(
            {"res_model": "crm.marketing.cost", "file": content, "file_type": XLSX, "file_name": "spend.xlsx"}
        )
        preview = wizard.parse_preview({"has_headers": True})
        self.assertFalse(preview.get("error"), preview)
        headers = preview["headers"]
        matched = [preview["matches"].get(index, [None])[0] for index in range(len(headers))]
        self.assertEqual(matched, ["date", "source_id", "medium_id", "campaign_id", "amount", "note"])
        before = self.env["crm.marketing.cost"].search_count([])
        result = wizard.execute_import(matched, headers, {"has_headers": True, "sheet": preview.get("sheet")})
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        costs = self.env["crm.marketing.cost"].browse(result["ids"])
        self.assertEqual(len(costs), 3)
        self.assertEqual(self.env["crm.marketing.cost"].search_count([]), before + 3)
        search = costs.filtered(lambda cost: str(cost.date) == "2026-02-01")
        self.assertEqual(search.source_id, self.env.ref("utm.utm_source_search_engine"))
        self.assertAlmostEqual(search.amount, 1350.0)
        self.assertEqual(costs.company_id, self.env.company)

    def test_import_any_day_means_its_month(self):
        csv = b"date,source_id,amount\n2026-05-19,Search Ads,120.50\n2026-05-31,Exhibition,80\n"
        result = self._import(
            csv, "text/csv", "spend.csv", ["date", "source_id", "amount"], ["date", "source_id", "amount"]
        )
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        costs = self.env["crm.marketing.cost"].browse(result["ids"])
        self.assertEqual({str(date) for date in costs.mapped("date")}, {"2026-05-01"})
        self.assertAlmostEqual(sum(costs.mapped("amount")), 200.5)

    def test_bad_rows_import_nothing(self):
        csv = b"date,source_id,amount\n2026-05-19,Search Ads,120\n2026-05-20,Search Ads,-5\n"
        with mute_logger("odoo.sql_db"):
            result = self._import(
                csv, "text/csv", "spend.csv", ["date", "source_id", "amount"], ["date", "source_id", "amount"]
            )
        self.assertTrue(
            [m for m in result["messages"] if m["type"] == "error"], "a negative spend is refused"
        )
        self.assertFalse(result["ids"])
        self.assertFalse(self.env["crm.marketing.cost"].search([("date", "=", "2026-05-01")]))

    def test_negative_amount_and_missing_source_refused(self):
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._cost(self.source_1, "2026-03-01", -1.0)
        with self.assertRaises(NotNullViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["crm.marketing.cost"].create({"date": "2026-03-01", "amount": 10.0})

    def test_sales_manager_writes_salesperson_has_no_access(self):
        cost = self._cost(self.source_1, "2026-03-01", 100.0)
        managed = (
            self.env["crm.marketing.cost"]
            .with_user(self.manager)
            .create({"date": "2026-04-09", "source_id": self.source_2.id, "amount": 42.0})
        )
        managed.amount = 43.0
        managed.unlink()
        Cost = self.env["crm.marketing.cost"].with_user(self.salesman_1)
        with self.assertRaises(AccessError):
            Cost.search([])
        with self.assertRaises(AccessError):
            Cost.create({"date": "2026-03-01", "source_id": self.source_1.id, "amount": 1.0})
        with self.assertRaises(AccessError):
            cost.with_user(self.salesman_1).read(["amount"])
        with self.assertRaises(AccessError):
            cost.with_user(self.salesman_1).write({"amount": 0.0})

    def test_accounting_reads_only(self):
        cost = self._cost(self.source_1, "2026-03-01", 100.0)
        self.assertEqual(cost.with_user(self.accountant).amount, 100.0)
        with self.assertRaises(AccessError):
            cost.with_user(self.accountant).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["crm.marketing.cost"].with_user(self.accountant).create(
                {"date": "2026-03-01", "source_id": self.source_1.id, "amount": 1.0}
            )

    def test_accounting_finds_the_spend_under_its_reports(self):
        # the accountant has no CRM app: the spend that ROMI divides by is under Accounting > Reporting > CRM
        cost = self._cost(self.source_1, "2026-03-01", 100.0)
        menu = self.env.ref("crm_reports.crm_marketing_cost_account_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.accountant)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.salesman_1)._visible_menu_ids())
        action = menu.action.sudo()
        self.assertEqual(action.res_model, "crm.marketing.cost")
        self.assertIn(cost, self.env["crm.marketing.cost"].with_user(self.accountant).search([]))

    def test_other_company_never_visible(self):
        mine = self._cost(self.source_1, "2026-03-01", 100.0)
        theirs = self._cost(self.source_1, "2026-03-01", 200.0, company=self.company_2)
        visible = self.env["crm.marketing.cost"].with_user(self.company_2_user).search([])
        self.assertIn(theirs, visible)
        self.assertNotIn(mine, visible)
        with self.assertRaises(AccessError):
            mine.with_user(self.company_2_user).read(["amount"])
