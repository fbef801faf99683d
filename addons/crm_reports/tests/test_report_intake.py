# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ReportsCommon, at


@tagged("post_install", "-at_install")
class TestReportIntake(ReportsCommon):
    """New leads by channel and product: a lead counts once whatever the number of its products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.web = cls.env["utm.source"].create({"name": "Intake: website"})
        cls.fair = cls.env["utm.source"].create({"name": "Intake: trade fair"})
        products = cls.env["product.product"].create(
            [{"name": f"Intake product {n}", "sale_ok": True} for n in range(3)]
        )
        cls.p1, cls.p2, cls.p3 = products
        Lead = cls.env["crm.lead"]
        values = {
            "type": "lead",
            "user_id": cls.salesman_1.id,
            "team_id": cls.team.id,
            "company_id": cls.company.id,
        }
        with at(cls.env, "2026-03-10 09:00:00"):
            cls.three = Lead.create(
                {
                    "name": "Three products",
                    "source_id": cls.web.id,
                    "expected_revenue": 1000.00,
                    "product_ids": [Command.set(products.ids)],
                    **values,
                }
            )
            cls.one = Lead.create(
                {
                    "name": "One product",
                    "source_id": cls.web.id,
                    "product_ids": [Command.set(cls.p1.ids)],
                    **values,
                }
            )
            cls.none = Lead.create({"name": "No product", "source_id": cls.fair.id, **values})
            cls.no_source = Lead.create(
                {
                    "name": "No source",
                    **values,
                    "type": "opportunity",
                    "product_ids": [Command.set((cls.p1 | cls.p2).ids)],
                }
            )
            cls.lost = Lead.create(
                {
                    "name": "Lost",
                    "source_id": cls.fair.id,
                    **values,
                    "type": "opportunity",
                    "expected_revenue": 99.99,
                }
            )
            cls.lost.action_set_lost(
                lost_reason_id=cls.env["crm.lost.reason"].create({"name": "Intake: gone"}).id
            )
        cls.leads = cls.three | cls.one | cls.none | cls.no_source | cls.lost
        cls.domain = [("lead_id", "in", cls.leads.ids)]

    def test_leads_by_source_sum_to_the_number_of_leads(self):
        groups = self.env["crm.report.lead.intake"]._read_group(
            self.domain, ["source_id"], ["lead_count:sum"]
        )
        counts = {source: count for source, count in groups}
        for source in (self.web, self.fair, self.env["utm.source"]):
            expected = (
                self.env["crm.lead"]
                .with_context(active_test=False)
                .search_count([("id", "in", self.leads.ids), ("source_id", "=", source.id)])
            )
            self.assertEqual(counts[source], expected, source.name or "no source")
        self.assertEqual(counts[self.web], 2, "the lead with three products counts once")
        self.assertEqual(self._sum("crm.report.lead.intake", "lead_count", self.domain), 5)
        self.assertEqual(self._sum("crm.report.lead.intake", "expected_revenue", self.domain), 1099.99)

    def test_split_by_product_adds_up(self):
        groups = self.env["crm.report.lead.intake"]._read_group(
            self.domain, ["product_id"], ["lead_count:sum", "expected_revenue:sum"]
        )
        by_product = {product: (count, revenue) for product, count, revenue in groups}
        # p1: 1/3 (three) + 1 (one) + 1/2 (no source); p2: 1/3 + 1/2; p3: 1/3; none: the two without product
        self.assertAlmostEqual(by_product[self.p1][0], 1 / 3 + 1 + 1 / 2, places=9)
        self.assertAlmostEqual(by_product[self.p2][0], 1 / 3 + 1 / 2, places=9)
        self.assertAlmostEqual(by_product[self.p3][0], 1 / 3, places=9)
        self.assertEqual(by_product[self.env["product.product"]][0], 2)
        self.assertEqual(
            sum(count for count, _revenue in by_product.values()), 5, "exactly, no rounding left"
        )
        for product in (self.p1, self.p2, self.p3):
            self.assertAlmostEqual(by_product[product][1], 1000.00 / 3, places=6)
        self.assertAlmostEqual(sum(revenue for _count, revenue in by_product.values()), 1099.99, places=2)

    def test_outcomes_and_creation_day(self):
        rows = self.env["crm.report.lead.intake"].search(self.domain)
        self.assertEqual(set(rows.mapped("date")), {rows[0].date})
        self.assertEqual(str(rows[0].date), "2026-03-10")
        self.assertEqual(self._sum("crm.report.lead.intake", "lost_count", self.domain), 1)
        self.assertEqual(self._sum("crm.report.lead.intake", "opportunity_count", self.domain), 2)
        self.lost.action_set_won()
        self.assertEqual(self._sum("crm.report.lead.intake", "won_count", self.domain), 1)
        self.assertEqual(self._sum("crm.report.lead.intake", "lost_count", self.domain), 0)

    def test_lead_count_is_the_new_leads_kpi(self):
        """Per salesperson and day, the intake's lead count is the New Leads KPI."""
        period = (date(2026, 3, 10), date(2026, 3, 10))
        key = (self.salesman_1.id, self.team.id, *period)
        kpi = self.env.ref("crm_custom.kpi_leads_new")._compute_actuals([key], self.company)[key]
        report = self._sum(
            "crm.report.lead.intake",
            "lead_count",
            [
                ("user_id", "=", self.salesman_1.id),
                ("date", "=", period[0]),
                ("company_id", "=", self.company.id),
            ],
        )
        self.assertEqual(report, kpi)

    def test_intake_excel_sums_to_the_leads(self):
        content = self._export("intake", "2026-03-01", "2026-03-31", group_by="product_id")
        summary = self._workbook(content)["Summary"]
        header = self._row_with(summary, "Product")
        self.assertEqual(self._row_with(summary, "Total")[header.index("Leads")], 5)
