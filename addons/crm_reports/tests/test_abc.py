# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestAbcAnalysis(ReportsCommon):
    """ABC classes by revenue over the company's period (A: the first 80 %, B: up to 95 %, C: the rest),
    computed per company, set-based, as the nightly job does; a filter of the client list; never set by
    hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.clients = Partner.create([{"name": f"ABC client {n}", "is_company": True} for n in range(1, 8)])
        p1, p2, p3, p4, p5, p6, p7 = cls.clients
        # company 1, period 2025-03-17 .. 2026-03-16 (12 months up to the frozen today)
        for client, amount, day in (
            (p1, 5000.0, "2026-03-16"),  # today counts
            (p2, 3000.0, "2025-03-17"),  # the first day of the period counts
            (p3, 1000.0, "2025-12-01"),
            (p4, 500.0, "2026-01-01"),
            (p5, 500.0, "2026-02-01"),
            (p7, 9000.0, "2025-03-16"),  # the day before the period: no class
        ):
            cls._bill(client, amount, day)
        cls._bill(p6, 100.0, "2026-01-05", move_type="out_refund")  # a credit note only: C
        cls._bill(p2, 700.0, "2026-03-17")  # tomorrow: not yet
        # company 2: p5 is its best client
        cls._bill(p5, 800.0, "2026-02-01", company=cls.company_2)
        cls._bill(p1, 100.0, "2026-02-01", company=cls.company_2)

    @classmethod
    def _bill(cls, client, amount, day, move_type="out_invoice", company=None):
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
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods",
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

    def _classes(self, company):
        return {p.name: p.crm_abc_class for p in self.clients.with_company(company)}

    @freeze_time("2026-03-16 12:00:00")
    def test_classes_by_hand(self):
        """5,000 / 3,000 / 1,000 / 500 / 500: A makes the first 80 % (the client crossing 80 % included), B
        the next ones up to 95 %, C the rest; equal revenues in the order of the clients."""
        counts = self.env["res.partner"]._crm_abc_compute(self.company)
        self.assertEqual(counts, {"a": 2, "b": 2, "c": 2})
        self.assertEqual(
            self._classes(self.company),
            {
                "ABC client 1": "a",
                "ABC client 2": "a",
                "ABC client 3": "b",
                "ABC client 4": "b",
                "ABC client 5": "c",
                "ABC client 6": "c",
                "ABC client 7": False,
            },
        )

    @freeze_time("2026-03-16 12:00:00")
    def test_nightly_job_per_company_and_filter(self):
        self.env["res.partner"]._cron_crm_abc()
        p1, _p2, _p3, _p4, p5, *_rest = self.clients
        self.assertEqual(self._classes(self.company_2)["ABC client 5"], "a")
        self.assertEqual(self._classes(self.company_2)["ABC client 1"], "b")
        Partner = self.env["res.partner"].with_company(self.company)
        a_clients = Partner.search([("crm_abc_class", "=", "a"), ("id", "in", self.clients.ids)])
        self.assertEqual(a_clients, self.clients[:2])
        in_company_2 = self.env["res.partner"].with_company(self.company_2)
        self.assertEqual(
            in_company_2.search([("crm_abc_class", "=", "a"), ("id", "in", self.clients.ids)]), p5
        )
        # the period is a company setting; a shorter one reclassifies at the next run
        self.company.crm_abc_months = 2
        self.env["res.partner"]._cron_crm_abc()
        self.assertFalse(self.clients[1].with_company(self.company).crm_abc_class, "client 2 fell out")
        self.assertEqual(p1.with_company(self.company).crm_abc_class, "a")

    @freeze_time("2026-03-16 12:00:00")
    def test_recompute_clears_clients_without_revenue(self):
        self.env["res.partner"]._crm_abc_compute(self.company)
        self.env["res.partner"]._crm_abc_compute(self.company, "2027-01-01", "2027-12-31")
        self.assertFalse(any(self._classes(self.company).values()))
        self.assertTrue(self.clients[4].with_company(self.company_2).crm_abc_class is False)

    @freeze_time("2026-03-16 12:00:00")
    def test_never_set_by_hand(self):
        """What a user's call gives for the class is ignored, whoever the user; merging clients still works
        (Odoo's merge copies every stored field) and the class is the nightly job's."""
        self.env["res.partner"]._crm_abc_compute(self.company)
        p1, p2, p3, *_rest = self.clients
        for user in (self.salesman_1, self.manager, self.env.user):
            with self.subTest(user=user.login):
                p3.with_user(user).with_company(self.company).write({"crm_abc_class": "a", "ref": user.login})
                self.assertEqual(p3.with_company(self.company).crm_abc_class, "b")
                self.assertEqual(p3.ref, user.login, "the rest of the write applies")
        Partner = self.env["res.partner"].with_user(self.manager)
        fake = Partner.create({"name": "Fake A", "crm_abc_class": "a"})
        self.assertFalse(fake.with_company(self.company).crm_abc_class)
        classed = self.env["res.partner"].create({"name": "Classed"})
        classed.sudo().with_company(self.company).crm_abc_class = "a"  # as the job writes it
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((classed | fake).ids, fake)
        self.assertFalse(classed.exists(), "merged")
        self.assertTrue(fake.exists())

    def test_settings_button(self):
        settings = (
            self.env["res.config.settings"].sudo().with_company(self.company).create({"crm_abc_months": 24})
        )
        settings.execute()
        self.assertEqual(self.company.crm_abc_months, 24)
        result = settings.action_crm_abc_recompute()
        self.assertEqual(result["params"]["type"], "success")
