# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .marketing_common import MarketingCommon

MEASURES = [
    "lead_count",
    "opportunity_count",
    "won_count",
    "revenue",
    "spend",
    "cost_per_lead",
    "cost_per_won",
    "romi",
]


@tagged("post_install", "-at_install")
class TestReportChannel(MarketingCommon):
    """Channel effectiveness on a fixture computed by hand: leads, won deals, revenue from the books (credit
    notes negative, drafts out), spend, cost per lead, cost per won deal and ROMI per source; a lead without a
    source and a spend without leads are shown, not dropped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s1, s2 = cls.source_1, cls.source_2
        # Search Ads: 3 leads in March (2 opportunities, 1 won), invoiced 1,000 then credited 200
        won_1 = cls._won(cls._lead("S1 won", s1))
        cls._lead("S1 open", s1)
        cls._lead("S1 lead", s1, kind="lead")
        invoice = cls._order_invoice(won_1, 1000.0, "2026-03-10")
        cls._credit_note(invoice, 200.0, "2026-03-25")
        # Exhibition: 2 opportunities in March (1 won), invoiced in April; a draft invoice in March
        won_2 = cls._won(cls._lead("S2 won", s2, created="2026-03-20 09:00:00"))
        cls._lead("S2 open", s2, created="2026-03-31 20:00:00")
        cls._order_invoice(won_2, 500.0, "2026-04-02")
        cls._order_invoice(won_2, 999.0, "2026-03-15", post=False)
        # no source: 1 won opportunity invoiced 300 in March
        no_source = cls._won(cls._lead("No source won", None))
        cls._order_invoice(no_source, 300.0, "2026-03-20")
        # an invoice that does not come from an opportunity's order: not channel revenue
        cls._invoice(cls.salesman_1, [777.0], "2026-03-12")
        # February: a lead and spend outside the period
        cls._lead("S1 February", s1, created="2026-02-27 10:00:00")
        cls._cost(s1, "2026-02-01", 50.0)
        # March spend: Search Ads 600 (entered as any day of March), Exhibition 250, Radio 400 (no lead)
        cls._cost(s1, "2026-03-17", 600.0, medium=cls.medium)
        cls._cost(s2, "2026-03-01", 250.0)
        cls._cost(cls.source_3, "2026-03-01", 400.0, campaign=cls.campaign)
        # another company's spend
        cls._cost(s1, "2026-03-01", 1000.0, company=cls.company_2)

    def _groups(self, domain, groupby="source_id"):
        report = self.env["crm.report.channel"]
        rows = report._read_group(domain, [groupby], [f"{name}:sum" for name in MEASURES])
        return {group: dict(zip(MEASURES, values, strict=True)) for group, *values in rows}

    def _march(self, field="date"):
        return [
            ("company_id", "=", self.company.id),
            (field, ">=", "2026-03-01"),
            (field, "<=", "2026-03-31"),
        ]

    def assertFigures(self, actual, expected):
        for name, value in expected.items():
            with self.subTest(measure=name):
                if value is False:
                    self.assertIs(actual[name], False, f"{name} is undefined")
                else:
                    self.assertAlmostEqual(actual[name], value, places=2, msg=name)

    def test_channels_of_march_computed_by_hand(self):
        groups = self._groups(self._march())
        none = self.env["utm.source"]
        self.assertEqual(set(groups), {self.source_1, self.source_2, self.source_3, none})
        self.assertFigures(
            groups[self.source_1],
            {
                "lead_count": 3,
                "opportunity_count": 2,
                "won_count": 1,
                "revenue": 800.0,  # 1,000 invoiced - 200 credited
                "spend": 600.0,
                "cost_per_lead": 200.0,
                "cost_per_won": 600.0,
                "romi": 100.0 * (800.0 - 600.0) / 600.0,
            },
        )
        self.assertFigures(
            groups[self.source_2],
            {
                "lead_count": 2,
                "won_count": 1,
                "revenue": 0.0,  # invoiced in April; the March invoice is a draft
                "spend": 250.0,
                "cost_per_lead": 125.0,
                "cost_per_won": 250.0,
                "romi": -100.0,
            },
        )
        self.assertFigures(
            groups[self.source_3],
            {
                "lead_count": 0,
                "won_count": 0,
                "revenue": 0.0,
                "spend": 400.0,
                "cost_per_lead": False,
                "cost_per_won": False,
                "romi": -100.0,
            },
        )
        self.assertFigures(
            groups[none],
            {
                "lead_count": 1,
                "won_count": 1,
                "revenue": 300.0,
                "spend": 0.0,
                "cost_per_lead": 0.0,
                "romi": False,
            },
        )

    def test_total_is_the_ratio_of_the_sums(self):
        [[leads, won, revenue, spend, cpl, cpw, romi]] = self.env["crm.report.channel"]._read_group(
            self._march(),
            [],
            [
                "lead_count:sum",
                "won_count:sum",
                "revenue:sum",
                "spend:sum",
                "cost_per_lead:avg",
                "cost_per_won:avg",
                "romi:avg",
            ],
        )
        self.assertEqual((leads, won), (6, 3))
        self.assertAlmostEqual(revenue, 1100.0)
        self.assertAlmostEqual(spend, 1250.0)
        self.assertAlmostEqual(cpl, 1250.0 / 6)
        self.assertAlmostEqual(cpw, 1250.0 / 3)
        self.assertAlmostEqual(romi, 100.0 * (1100.0 - 1250.0) / 1250.0)

    def test_revenue_equals_the_journal_items_of_the_orders(self):
        """The channel's revenue is the balance of the journal items of its opportunities' orders."""
        lines = self.env["account.move.line"].search(
            [
                ("sale_line_ids.order_id.opportunity_id.source_id", "=", self.source_1.id),
                ("parent_state", "=", "posted"),
                ("display_type", "=", "product"),
                ("company_id", "=", self.company.id),
            ]
        )
        self.assertEqual(len(lines), 2, "the invoice line and the credit note line")
        groups = self._groups([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(groups[self.source_1]["revenue"], -sum(lines.mapped("balance")))

    def test_cohort_of_march_takes_later_revenue(self):
        """Filtered on the leads' creation, the April invoice of a March lead counts; the February lead
        and spend do not."""
        groups = self._groups(self._march("cohort_date"))
        self.assertAlmostEqual(groups[self.source_2]["revenue"], 500.0)
        self.assertAlmostEqual(groups[self.source_2]["romi"], 100.0)
        self.assertEqual(groups[self.source_1]["lead_count"], 3)
        self.assertAlmostEqual(groups[self.source_1]["spend"], 600.0)

    def test_spend_counts_on_the_first_day_of_its_month(self):
        cost = self.env["crm.marketing.cost"].search([("amount", "=", 600.0)])
        self.assertEqual(str(cost.date), "2026-03-01", "entered on 17 March, stored as March")
        groups = self._groups(self._march(), groupby="medium_id")
        self.assertAlmostEqual(groups[self.medium]["spend"], 600.0)

    def test_excel_channel_summary_and_chart(self):
        content = self._export("channel", "2026-03-01", "2026-03-31", group_by="source_id", with_details=True)
        sheet = self._workbook(content)["Summary"]
        header = self._row_with(sheet, "Source")
        self.assertIn("ROMI (%)", header)
        romi, cpl = header.index("ROMI (%)"), header.index("Cost per Lead")
        s1 = self._row_with(sheet, "Search Ads")
        self.assertAlmostEqual(s1[header.index("Revenue")], 800.0)
        self.assertAlmostEqual(s1[romi], 100.0 * 200.0 / 600.0, places=4)
        radio = self._row_with(sheet, "Radio")
        self.assertIsNone(radio[cpl], "no lead: no cost per lead, an empty cell")
        no_source = self._row_with(sheet, "No source")
        self.assertEqual(no_source[header.index("Leads")], 1)
        self.assertAlmostEqual(no_source[header.index("Revenue")], 300.0)
        total = self._row_with(sheet, "Total")
        self.assertAlmostEqual(total[header.index("Spend")], 1250.0)
        self.assertAlmostEqual(total[romi], -12.0)
        self.assertTrue(self._charts(content), "a native Excel chart")

    def test_access(self):
        """Salespeople have no access to the channel report (it holds the spend); sales managers and
        accounting read it; another company's rows are never visible."""
        with self.assertRaises(AccessError):
            self.env["crm.report.channel"].with_user(self.salesman_1).search([])
        for user in (self.manager, self.accountant):
            report = self.env["crm.report.channel"].with_user(user)
            self.assertTrue(report.search([("kind", "=", "spend")]))
        other = self.env["crm.report.channel"].with_user(self.company_2_user)
        self.assertEqual(other.search([("company_id", "!=", False)]).company_id, self.company_2)
        self.assertAlmostEqual(sum(other.search([("kind", "=", "spend")]).mapped("spend")), 1000.0)
