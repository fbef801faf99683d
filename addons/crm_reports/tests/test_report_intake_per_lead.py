# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCommon, at

MEASURES = ["lead_count", "opportunity_count", "won_count", "lost_count", "expected_revenue"]


@tagged("post_install", "-at_install")
class TestReportIntakePerLead(ReportsCommon):
    """A lead intake pivot that splits nothing by product is answered one row per lead: every figure, the
    row count included, is the one of the rows split by product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls.env["product.product"].create(
            [{"name": f"Per-lead product {n}", "sale_ok": True} for n in range(3)]
        )
        cls.source = cls.env["utm.source"].create({"name": "Per-lead source"})
        Lead = cls.env["crm.lead"]
        values = {"team_id": cls.team.id, "company_id": cls.company.id}
        with at(cls.env, "2026-04-10 09:00:00"):
            cls.leads = Lead.create(
                [
                    {
                        "name": "Three products",
                        "user_id": cls.salesman_1.id,
                        "source_id": cls.source.id,
                        "expected_revenue": 1000.0,
                        "product_ids": [Command.set(cls.products.ids)],
                        **values,
                    },
                    {
                        "name": "Two products",
                        "type": "opportunity",
                        "user_id": cls.salesman_2.id,
                        "expected_revenue": 99.99,
                        "product_ids": [Command.set(cls.products[:2].ids)],
                        **values,
                    },
                    {"name": "No product", "user_id": cls.salesman_1.id, "type": "lead", **values},
                ]
            )
        with at(cls.env, "2026-05-03 21:30:00"):
            lost = Lead.create(
                {
                    "name": "Lost",
                    "type": "opportunity",
                    "user_id": cls.salesman_2.id,
                    "expected_revenue": 10.0,
                    "product_ids": [Command.set(cls.products[2:].ids)],
                    **values,
                }
            )
            lost.action_set_lost(lost_reason_id=cls.env["crm.lost.reason"].create({"name": "Per-lead"}).id)
        cls.leads |= lost
        cls.domain = [("lead_id", "in", cls.leads.ids)]

    def _groups(self, groupby, domain=()):
        report = self.env["crm.report.lead.intake"]
        aggregates = ["__count", *(f"{measure}:sum" for measure in MEASURES)]
        rows = report._read_group([*self.domain, *domain], groupby, aggregates)
        return {tuple(row[: len(groupby)]): tuple(row[len(groupby) :]) for row in rows}

    def _from_rows(self, groupby, domain=()):
        """The same figures summed from the report's rows (one per lead and product)."""
        rows = self.env["crm.report.lead.intake"].search([*self.domain, *domain])
        result = {}
        for row in rows:
            key = tuple(
                row[spec.split(":")[0]] if ":" not in spec else row.date.replace(day=1) for spec in groupby
            )
            count, *sums = result.get(key, (0, *(0.0 for _measure in MEASURES)))
            result[key] = (count + 1, *(total + row[m] for total, m in zip(sums, MEASURES, strict=True)))
        return result

    def test_per_lead_answer_equals_the_rows(self):
        report = self.env["crm.report.lead.intake"]
        self.assertTrue(
            report._per_lead_answers(self.domain, ["date:month", "user_id"], ["__count"], (), None)
        )
        for groupby in (["date:month", "user_id"], ["source_id"], ["stage_id", "type"], []):
            with self.subTest(groupby=groupby):
                groups = self._groups(groupby)
                rows = self._from_rows(groupby)
                self.assertEqual(set(groups), set(rows))
                for key, values in groups.items():
                    self.assertEqual(values[0], rows[key][0], "rows counted as split by product")
                    for value, expected in zip(values[1:], rows[key][1:], strict=True):
                        self.assertAlmostEqual(value, expected, places=6)
        [[count, leads, revenue]] = report._read_group(
            self.domain, [], ["__count", "lead_count:sum", "expected_revenue:sum"]
        )
        self.assertEqual((count, leads, revenue), (3 + 2 + 1 + 1, 4, 1109.99))
        self.assertEqual(
            self._groups(["date:month"]).keys(),
            {(d.date.replace(day=1),) for d in report.search(self.domain)},
        )

    def test_product_queries_read_the_rows(self):
        report = self.env["crm.report.lead.intake"]
        for groupby, domain, aggregates, order in (
            (["product_id"], [], ["lead_count:sum"], None),
            (["user_id"], [("product_categ_id", "!=", False)], ["lead_count:sum"], None),
            (["user_id"], [("product_id.name", "ilike", "Per-lead")], ["lead_count:sum"], None),
            (["user_id"], [], ["lead_count:sum", "lead_id:count"], None),
            (["user_id"], [], ["lead_count:sum"], "product_id"),
        ):
            self.assertFalse(report._per_lead_answers(domain, groupby, aggregates, (), order))
        by_product = self._groups(["product_id"])
        self.assertAlmostEqual(by_product[(self.products[2],)][1], 1 / 3 + 1, places=9)
        self.assertEqual(by_product[(self.env["product.product"],)][0], 1, "the lead without product")
        filtered = self._groups(["user_id"], [("product_id", "=", self.products[0].id)])
        self.assertAlmostEqual(filtered[(self.salesman_1,)][1], 1 / 3, places=9)
        self.assertAlmostEqual(filtered[(self.salesman_2,)][1], 1 / 2, places=9)

    def test_product_count_follows_the_products(self):
        three, two, none, lost = self.leads
        self.assertEqual(
            (three + two + none + lost).mapped("product_interest_count"),
            [3, 2, 0, 1],
        )
        two.product_ids = [Command.unlink(self.products[0].id)]
        none.write({"product_ids": [Command.link(self.products[1].id)]})
        three.product_ids = [Command.clear()]
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, product_interest_count FROM crm_lead WHERE id = ANY(%s)", [self.leads.ids]
        )
        self.assertEqual(dict(self.env.cr.fetchall()), {three.id: 0, two.id: 1, none.id: 1, lost.id: 1})
        self.assertEqual(self._groups([])[()][0], 1 + 1 + 1 + 1)
        self.assertEqual(self.env["crm.lead"]._refresh_product_interest_count(self.leads.ids), 0)

    def test_deleted_products_leave_the_count(self):
        """PostgreSQL removes a deleted product from the products of interest; the count follows."""
        self.products[0].unlink()
        self.products[1].product_tmpl_id.unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, product_interest_count FROM crm_lead WHERE id = ANY(%s)", [self.leads.ids]
        )
        three, two, none, lost = self.leads
        self.assertEqual(dict(self.env.cr.fetchall()), {three.id: 1, two.id: 0, none.id: 0, lost.id: 1})
        rows = self.env["crm.report.lead.intake"].search_count(self.domain)
        self.assertEqual(self._groups([])[()][0], rows)

    def test_product_count_is_the_systems(self):
        lead = self.leads[0].with_user(self.salesman_1)
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            lead.write({"product_interest_count": 1})
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            self.env["crm.lead"].with_user(self.salesman_1).create(
                {"name": "Forged", "product_interest_count": 5}
            )
        self.assertEqual(self.leads[0].product_interest_count, 3)
