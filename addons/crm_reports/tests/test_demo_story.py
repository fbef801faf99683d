# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo.exceptions import AccessDenied
from odoo.tests import TransactionCase, tagged

from .common import at

NOW = "2026-05-20 09:30:00"  # UTC: 12:30 on a Wednesday in Moscow
TODAY = date(2026, 5, 20)


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    """The demo story at a small size: its figures reconcile the way the real ones must (a team's revenue is
    its members', revenue is what accounting posted), the day has work in it, and it speaks Russian."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with at(cls.env, NOW):
            cls.story = cls.env["crm.demo.story"]._load_story(size=0.1, seed=3)
        cls.revenue_kpi = cls.env.ref("crm_custom.kpi_revenue")

    def test_loaded_once(self):
        """A second load finds the marker and writes nothing."""
        users = self.env["res.users"].search_count([])
        self.assertEqual(self.env["crm.demo.story"]._load_story(size=0.05), {})
        self.assertEqual(self.env["res.users"].search_count([]), users)

    def test_cast(self):
        """Two companies in roubles, three teams, twelve salespeople with extensions, a head of sales."""
        companies = self.story["companies"]
        self.assertEqual(len(companies), 2)
        self.assertEqual(set(companies.currency_id.mapped("name")), {"RUB"})
        self.assertEqual(set(companies.mapped("crm_tz")), {"Europe/Moscow"})
        self.assertEqual(len(self.story["teams"]), 3)
        salespeople = self.story["salespeople"]
        self.assertEqual(len(salespeople), 12)
        self.assertEqual(len(set(salespeople.mapped("pbx_extension"))), 12)
        self.assertTrue(all(salespeople.mapped("pbx_extension")))
        self.assertEqual(set(salespeople.mapped("lang")), {"ru_RU"})
        self.assertTrue(self.story["head"].has_group("sales_team.group_sale_manager"))
        self.assertFalse(salespeople[0].has_group("sales_team.group_sale_manager"))
        # password = login, another password refused
        ivanov = salespeople[0].with_user(salespeople[0])
        self.assertEqual(ivanov.login, "ivanov")
        interactive = {"interactive": True}
        auth = ivanov._check_credentials({"type": "password", "password": "ivanov"}, interactive)
        self.assertEqual(auth["uid"], ivanov.id)
        with self.assertRaises(AccessDenied):
            ivanov._check_credentials({"type": "password", "password": "petrova"}, interactive)

    def test_clients(self):
        """Client companies with requisites and Russian addresses, contacts, some born this week."""
        clients = self.story["clients"]
        self.assertTrue(all(clients.mapped("vat")))
        self.assertEqual(clients.country_id, self.env.ref("base.ru"))
        llcs = clients.filtered(lambda c: not c.name.startswith("ИП"))
        self.assertTrue(all(len(kpp) == 9 for kpp in llcs.mapped("kpp")))
        self.assertTrue(all(clients.mapped("segment_id")))
        self.assertTrue(all(client.child_ids for client in clients))
        week = {TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=n) for n in range(7)}
        born = self.story["contacts"].filtered(
            lambda c: c.birthdate_date and c.birthdate_date.replace(year=TODAY.year) in week
        )
        self.assertTrue(born)

    def test_leads(self):
        """Won, lost (with a reason) and open deals across channels, each with its stage history."""
        leads = self.story["leads"]
        won = leads.filtered(lambda lead: lead.stage_id.is_won)
        lost = leads.filtered(lambda lead: not lead.active)
        self.assertTrue(won and lost and leads - won - lost)
        self.assertTrue(all(lost.mapped("lost_reason_id")))
        self.assertTrue(all(won.mapped("date_closed")))
        self.assertGreaterEqual(len(leads.source_id), 3)
        self.assertLessEqual(min(leads.mapped("create_date")).date(), TODAY - timedelta(days=120))
        history = self.env["crm.lead.stage.history"].search([("lead_id", "in", leads.ids)])
        self.assertEqual(history.lead_id, leads)
        for lead in won[:5]:
            visits = history.filtered(lambda visit, lead=lead: visit.lead_id == lead)
            self.assertEqual(visits.sorted("date_start")[-1].stage_id, lead.stage_id)
            self.assertFalse(visits.sorted("date_start")[-1].date_end)
            self.assertGreater(len(visits), 1)

    def test_revenue_is_what_accounting_posted(self):
        """Each closed plan: a member's revenue = their posted invoices minus credit notes (untaxed, company
        currency); the team's revenue line = the sum of its members' lines."""
        closed = self.story["plans"].filtered(lambda plan: plan.state == "closed")
        self.assertEqual(len(closed), 36)
        refunds = self.story["refunds"]
        self.assertTrue(refunds)
        Move = self.env["account.move"]
        for plan in closed:
            lines = plan.line_ids.filtered(lambda line: line.kpi_id == self.revenue_kpi)
            team_line = lines.filtered(lambda line: not line.user_id)
            members = lines - team_line
            self.assertEqual(len(members), 4)
            self.assertAlmostEqual(team_line.closed_actual, sum(members.mapped("closed_actual")), places=2)
            for line in members:
                booked = Move._read_group(
                    [
                        ("state", "=", "posted"),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("company_id", "=", plan.company_id.id),
                        ("invoice_user_id", "=", line.user_id.id),
                        ("invoice_date", ">=", plan.date_from),
                        ("invoice_date", "<=", plan.date_to),
                    ],
                    [],
                    ["amount_untaxed_signed:sum"],
                )[0][0]
                self.assertAlmostEqual(line.closed_actual, booked, places=2)
            self.assertEqual(len(plan.statement_ids), 4)

    def test_receivables(self):
        """Most invoices are paid, some still open; the credit notes are posted."""
        invoices = self.story["invoices"]
        states = set(invoices.mapped("payment_state"))
        self.assertTrue({"paid", "in_payment"} & states)
        self.assertIn("not_paid", states)
        self.assertEqual(set(self.story["refunds"].mapped("state")), {"posted"})

    def test_calls(self):
        """Calls over the year with recordings; this morning's missed calls wait for a call back today."""
        calls = self.story["calls"]
        self.assertEqual(len(calls), 300)
        recorded = calls.filtered(lambda call: call.recording_state == "done")
        self.assertTrue(recorded)
        self.assertEqual(set(recorded.recording_attachment_id.mapped("mimetype")), {"audio/wav"})
        self.assertTrue(recorded.recording_attachment_id[0].raw.startswith(b"RIFF"))
        missed = self.story["missed_calls"]
        self.assertTrue(missed)
        call_back = self.env.ref("crm_telephony.mail_activity_type_call_back")
        for call in missed:
            activity = call.callback_activity_id
            self.assertEqual(activity.activity_type_id, call_back, call.name)
            self.assertEqual(activity.date_deadline, TODAY)
            self.assertIn("Перезвонить", activity.summary)

    def test_work_due_today(self):
        """Every salesperson has follow-ups due today on their open deals."""
        activities = self.story["activities"]
        for user in self.story["salespeople"]:
            mine = activities.filtered(lambda a, user=user: a.user_id == user)
            self.assertTrue(mine.filtered(lambda a: a.date_deadline == TODAY), user.name)
            self.assertTrue(all(lead.active for lead in self.env["crm.lead"].browse(mine.mapped("res_id"))))

    def test_russian_for_a_russian_user(self):
        """What a salesperson reads in Russian: stages, the story's names, the call back activity type."""
        user = self.story["salespeople"][0]
        env = self.env(user=user, context={"lang": user.lang})
        self.assertEqual(env.lang, "ru_RU")
        stage = env["crm.stage"].search([], limit=1)
        self.assertNotEqual(stage.name, stage.with_context(lang="en_US").name)
        call_back = env.ref("crm_telephony.mail_activity_type_call_back")
        self.assertNotEqual(call_back.name, call_back.with_context(lang="en_US").name)
        lead = env["crm.lead"].search([("user_id", "=", user.id)], limit=1)
        self.assertRegex(lead.name, "[а-яА-Я]")
        self.assertRegex(lead.team_id.name, "[а-яА-Я]")
        self.assertRegex(lead.source_id.name, "[а-яА-Я]")

    def test_marketing_spend_in_the_channel_report(self):
        """Thirteen months of spend on the five paid channels of the trading company; the channel report
        shows it against the channels' leads, so cost per lead is computed for every paid channel."""
        company = self.story["companies"][0]
        costs = self.env["crm.marketing.cost"].search([("company_id", "=", company.id)])
        self.assertEqual(len(costs), 13 * 5)
        self.assertEqual(len(set(costs.mapped("date"))), 13)
        rows = (
            self.env["crm.report.channel"]
            .with_company(company)
            ._read_group(
                [("company_id", "=", company.id)],
                ["source_id"],
                ["spend:sum", "lead_count:sum", "cost_per_lead:sum"],
            )
        )
        by_source = {source: (spend, leads, cpl) for source, spend, leads, cpl in rows}
        for source in costs.source_id:
            spend, leads, cost_per_lead = by_source[source]
            self.assertAlmostEqual(
                spend, sum(costs.filtered(lambda c, s=source: c.source_id == s).mapped("amount"))
            )
            self.assertTrue(leads, f"{source.name} brought leads")
            self.assertAlmostEqual(cost_per_lead, spend / leads)
