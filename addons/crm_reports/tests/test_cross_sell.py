# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestCrossSell(ReportsCommon):
    """The cross-sell matrix (clients who bought, counted once per cell) and the list of the clients who
    bought A but never B, with the company filter deciding whose books count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.printers = Category.create({"name": "Printers"})
        cls.supplies = Category.create({"name": "Supplies"})
        cls.toners = Category.create({"name": "Toners", "parent_id": cls.supplies.id})
        Product = cls.env["product.product"]
        cls.printer = Product.create({"name": "Laser Printer", "categ_id": cls.printers.id, "type": "consu"})
        cls.printer_2 = Product.create(
            {"name": "Inkjet Printer", "categ_id": cls.printers.id, "type": "consu"}
        )
        cls.toner = Product.create({"name": "Toner", "categ_id": cls.toners.id, "type": "consu"})
        Segment = cls.env["crm.client.segment"]
        cls.retail, cls.wholesale = Segment.create([{"name": "Retail"}, {"name": "Wholesale"}])
        Partner = cls.env["res.partner"]

        def client(name, segment=None, user=None):
            return Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "segment_id": segment.id if segment else False,
                    "user_id": (user or cls.salesman_1).id,
                }
            )

        cls.only_a = client("Only Printers", cls.retail)
        cls.both = client("Printers And Toner", cls.retail, cls.salesman_2)
        cls.b_elsewhere = client("Toner From The Other Company", cls.wholesale)
        cls.returned = client("Returned The Printer", cls.wholesale)
        cls.only_b = client("Only Toner", cls.wholesale)
        cls.a_in_company_2 = client("Printer In The Other Company")
        sell = cls._sell
        sell(cls.only_a, cls.printer, 400.0, "2026-03-02")
        sell(cls.only_a, cls.printer_2, 100.0, "2026-03-05")  # two printers: still one client of the category
        sell(cls.both, cls.printer, 300.0, "2026-03-03")
        sell(cls.both, cls.toner, 50.0, "2026-01-10")  # B long ago still counts: never means never
        sell(cls.b_elsewhere, cls.printer, 250.0, "2026-03-04")
        sell(cls.b_elsewhere, cls.toner, 60.0, "2026-03-06", company=cls.company_2)
        sell(cls.returned, cls.printer, 200.0, "2026-03-07")
        sell(cls.returned, cls.printer, 200.0, "2026-03-09", move_type="out_refund")
        sell(cls.only_b, cls.toner, 70.0, "2026-03-08")
        sell(cls.a_in_company_2, cls.printer, 900.0, "2026-03-08", company=cls.company_2)

    @classmethod
    def _sell(cls, client, product, amount, day, company=None, move_type="out_invoice"):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": client.id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_user_id": cls.salesman_1.id,
                    "team_id": cls.team.id if company == cls.company else False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.set(cls._sale_tax(company, move_type).ids)],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def _wizard(self, companies=None, user=None, **values):
        vals = {"a_categ_id": self.printers.id, "b_product_id": self.toner.id, **values}
        if companies is not None:
            vals["company_ids"] = [Command.set(companies.ids)]
        env = self.env(user=user) if user else self.env
        return env["crm.cross.sell"].with_company(self.company).create(vals)

    def _listed(self, wizard):
        wizard.action_find_clients()
        return wizard.line_ids.partner_id

    def test_company_filter_decides_whose_books_count(self):
        """Bought B only through the other company: listed while the filter holds this company only,
        excluded once the other company is in the filter (which also brings its buyers of A)."""
        this_company = self._listed(self._wizard(self.company))
        self.assertEqual(this_company, self.only_a | self.b_elsewhere)
        both_companies = self._listed(self._wizard(self.company | self.company_2))
        self.assertEqual(both_companies, self.only_a | self.a_in_company_2)

    def test_list_figures_and_salesperson(self):
        wizard = self._wizard(self.company)
        wizard.action_find_clients()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.only_a)
        self.assertAlmostEqual(line.revenue, 500.0)
        self.assertEqual(str(line.last_date), "2026-03-05")
        self.assertEqual(line.user_id, self.salesman_1, "the client's salesperson")
        self.assertEqual(wizard.line_ids[0].partner_id, self.only_a, "largest buyers first")

    def test_b_as_category_and_a_as_product_with_period(self):
        wizard = self._wizard(
            self.company,
            a_categ_id=False,
            a_product_id=self.printer.id,
            b_product_id=False,
            b_categ_id=self.supplies.id,
            date_from="2026-03-03",
        )
        # Toners is a sub-category of Supplies; only_a bought the laser printer on 2 March, before the period
        self.assertEqual(self._listed(wizard), self.b_elsewhere)

    def test_salesperson_sees_only_buyers_from_their_own_invoices(self):
        self.assertFalse(self._listed(self._wizard(self.company, user=self.salesman_2)))
        self.assertEqual(
            self._listed(self._wizard(self.company, user=self.salesman_1)), self.only_a | self.b_elsewhere
        )

    def test_a_and_b_are_required_and_companies_are_the_users(self):
        with self.assertRaises(ValidationError):
            self._wizard(self.company, b_product_id=False)
        with self.assertRaises(ValidationError):
            self._wizard(self.company, a_product_id=self.printer.id)
        with self.assertRaises(ValidationError):
            self._wizard(self.company | self.company_2, user=self.salesman_1)

    def test_create_opportunities_and_activities_for_the_selected(self):
        wizard = self._wizard(self.company)
        wizard.action_find_clients()
        selected = wizard.line_ids.filtered(lambda line: line.partner_id == self.only_a)
        action = selected.action_create_opportunities()
        lead = self.env["crm.lead"].browse(action["domain"][0][2])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.partner_id, self.only_a)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(
            lead.user_id, self.salesman_1, "the client's salesperson (the user is a sales manager)"
        )
        self.assertEqual(lead.company_id, self.company)
        self.assertEqual(lead.product_ids, self.toner)
        self.assertEqual(selected.opportunity_id, lead)
        other = wizard.line_ids - selected
        self.assertFalse(other.opportunity_id, "only the selected clients")
        other.action_schedule_activities()
        activity = self.b_elsewhere.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman_1)
        self.assertIn("Toner", activity.summary)

    def test_salesperson_creates_opportunities_for_themselves(self):
        self.b_elsewhere.user_id = self.salesman_2
        wizard = self._wizard(self.company, user=self.salesman_1)
        wizard.action_find_clients()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.b_elsewhere)
        self.assertEqual(line.user_id, self.salesman_2)
        action = line.action_create_opportunities()
        lead = self.env["crm.lead"].browse(action["domain"][0][2])
        self.assertEqual(lead.user_id, self.salesman_1, "a salesperson does not assign deals to colleagues")

    def test_matrix_counts_each_client_once_per_cell(self):
        report = self.env["crm.report.cross.sell"]
        domain = [
            ("company_id", "=", self.company.id),
            ("date", ">=", "2026-03-01"),
            ("date", "<=", "2026-03-31"),
        ]
        cells = {
            (categ, segment): (clients, revenue)
            for categ, segment, clients, revenue in report._read_group(
                domain, ["product_categ_id", "segment_id"], ["client_count:count_distinct", "revenue:sum"]
            )
        }
        # Printers x Retail: only_a (two printers) and both: 2 clients, 800
        self.assertEqual(cells[(self.printers, self.retail)], (2, 800.0))
        # Printers x Wholesale: b_elsewhere and returned (net 0): 2 clients who bought, 250
        self.assertEqual(cells[(self.printers, self.wholesale)], (2, 250.0))
        self.assertEqual(cells[(self.toners, self.wholesale)], (1, 70.0))
        [[clients]] = report._read_group(domain, [], ["client_count:count_distinct"])
        self.assertEqual(clients, 5, "only_a, both, b_elsewhere, returned and only_b, once each")

    def test_matrix_and_list_access(self):
        """The matrix has the sales report's rules: a salesperson reads the rows of their own invoices, a
        team leader those of the team, another team's salesperson none; a user without sales rights is
        refused the matrix and the list, a salesperson the other company's rows."""
        domain = [("date", ">=", "2026-03-01"), ("date", "<=", "2026-03-31")]
        report = self.env["crm.report.cross.sell"]
        [[everyone]] = report._read_group(domain, [], ["client_count:count_distinct"])
        for user, clients in (
            (self.salesman_1, 5),
            (self.leader, 5),
            (self.salesman_2, 0),
            (self.outsider, 0),
        ):
            with self.subTest(user=user.login):
                [[seen]] = report.with_user(user)._read_group(domain, [], ["client_count:count_distinct"])
                self.assertEqual(seen, clients)
        self.assertEqual(everyone, 6, "the printer bought in the other company too (superuser, no rule)")
        [[other_company]] = report.with_user(self.company_2_user)._read_group(
            domain, [], ["client_count:count_distinct"]
        )
        self.assertEqual(other_company, 2, "the other company's buyers only")
        no_sales = self._user("cross_sell_no_sales", "base.group_user")
        with self.assertRaises(AccessError):
            report.with_user(no_sales).search([])
        with self.assertRaises(AccessError):
            self.env["crm.cross.sell"].with_user(no_sales).create(
                {"a_categ_id": self.printers.id, "b_product_id": self.toner.id}
            )
        mine = self._wizard(self.company, user=self.salesman_1)
        mine.action_find_clients()
        with self.assertRaises(AccessError):
            mine.line_ids.with_user(self.salesman_2).read(["revenue"])
