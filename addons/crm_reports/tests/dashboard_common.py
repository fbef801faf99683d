# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import Command

from .common import ReportsCommon, at

# Monday 16 March 2026, 12:00 in Moscow: "today" of the fixture
NOW = "2026-03-16 09:00:00"
TODAY = date(2026, 3, 16)


class DashboardCommon(ReportsCommon):
    """A sales team in March 2026 (Moscow): plans, invoices (some overdue), calls with a call back, deals with
    and without activities, contacts' birthdays, two card-quality snapshots; another team beside it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_tz = "Europe/Moscow"
        s1, s2 = cls.salesman_1, cls.salesman_2
        s1.name, s2.name = "Sonia Salesperson", "Simon Salesperson"
        cls.kpi_calls_in = cls.env.ref("crm_telephony.kpi_calls_in")
        cls.client_1 = cls._client("Sonia's Client", s1)
        cls.client_2 = cls._client("Simon's Client", s2)
        cls.other_client = cls._client("Outsider's Client", cls.outsider)
        with at(cls.env, "2026-03-01 08:00:00"):
            cls.plan = cls._plan(
                date(2026, 3, 1),
                [(s1, 1000.0), (s2, 2000.0), (False, 3000.0)],
            )
            cls.env["crm.sales.plan.line"].create(
                {"plan_id": cls.plan.id, "user_id": s1.id, "kpi_id": cls.kpi_calls_in.id, "target": 4}
            )
        cls._books()
        cls._calls()
        cls._deals()
        cls._birthdays()
        cls._card_quality()

    # ------------------------------------------------------------------ fixture pieces

    @classmethod
    def _client(cls, name, user):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": user.id,
                "company_id": cls.company.id,
                "phone": "+7 495 000 00 00",
            }
        )

    @classmethod
    def _sell(cls, user, client, lines, invoice_date, due, move_type="out_invoice", post=True, team=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": client.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_user_id": user.id,
                "team_id": (team or cls.team).id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "quantity": 1, "price_unit": price, "tax_ids": []}
                    )
                    for product, price in lines
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _books(cls):
        s1, s2 = cls.salesman_1, cls.salesman_2
        a, b = cls.product_a, cls.product_b
        # March: Sonia 700 (product A 600 + B 100), Simon 2,200 (A)
        cls.invoice_s1_march = cls._sell(
            s1, cls.client_1, [(a, 600.0), (b, 100.0)], "2026-03-02", "2026-04-01"
        )
        cls.invoice_s2_march = cls._sell(s2, cls.client_2, [(a, 2200.0)], "2026-03-05", "2026-03-05")
        # January, 40 days overdue: Sonia's
        cls.invoice_s1_overdue = cls._sell(s1, cls.client_1, [(b, 300.0)], "2026-01-05", "2026-02-04")
        # overdue but paid, draft, another team's: never in Sonia's or the team's receivables
        paid = cls._sell(s1, cls.client_1, [(b, 50.0)], "2026-01-06", "2026-02-05")
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": "2026-03-01"})._create_payments()
        cls._sell(s1, cls.client_1, [(b, 70.0)], "2026-01-07", "2026-02-06", post=False)
        cls._sell(
            cls.outsider, cls.other_client, [(a, 90.0)], "2026-01-08", "2026-02-07", team=cls.other_team
        )

    @classmethod
    def _pbx_call(cls, user, client, direction, outcome, when, team=None):
        return (
            cls.env["crm.phonecall"]
            .sudo()
            .create(
                {
                    "name": f"{direction} {outcome} {when}",
                    "pbx_id": cls.pbx.id,
                    "user_id": user.id,
                    "team_id": (team or cls.team).id,
                    "company_id": cls.company.id,
                    "partner_id": client.id,
                    "direction": direction,
                    "outcome": outcome,
                    "state": "done",
                    "date": datetime.fromisoformat(when),
                    "remote_e164": "+74951112233" if client == cls.client_1 else "+74954445566",
                    "talk_seconds": 60 if outcome == "answered" else 0,
                }
            )
        )

    @classmethod
    def _calls(cls):
        s1, s2 = cls.salesman_1, cls.salesman_2
        cls.pbx = cls.env["crm.pbx"].sudo().create({"name": "Dashboard PBX", "company_id": cls.company.id})
        call = cls._pbx_call
        call(s1, cls.client_1, "in", "answered", "2026-03-10 08:00:00")  # last week
        call(s1, cls.client_1, "out", "answered", "2026-03-13 08:00:00")  # last week
        call(s1, cls.client_1, "in", "answered", "2026-03-16 06:00:00")  # today
        cls.missed_s1 = call(s1, cls.client_1, "in", "missed", "2026-03-16 07:00:00")  # today
        cls.missed_s2 = call(s2, cls.client_2, "in", "busy", "2026-03-16 07:30:00")  # today
        call(s2, cls.client_2, "out", "answered", "2026-03-17 07:30:00")  # later this week (a log ahead)
        # 00:30 Moscow on Monday 16 March: today, though still the 15th in UTC
        call(s2, cls.client_2, "in", "missed", "2026-03-15 21:30:00")
        call(cls.outsider, cls.other_client, "in", "missed", "2026-03-16 08:00:00", team=cls.other_team)
        with at(cls.env, NOW):
            (cls.missed_s1 | cls.missed_s2).sudo()._pbx_schedule_callback()

    @classmethod
    def _deals(cls):
        s1, s2 = cls.salesman_1, cls.salesman_2
        stages = cls.env["crm.stage"].search([("team_id", "=", False)], order="sequence, id")
        cls.stage_new, cls.stage_qualified, cls.stage_proposition = stages.filtered(lambda s: not s.is_won)[
            :3
        ]
        cls.stage_won = stages.filtered("is_won")[:1]
        Lead = cls.env["crm.lead"].with_context(mail_activity_automation_skip=True)

        def deal(name, user, stage, amount, team=None, partner=None):
            # created without the automatic First Contact activity; the activities below are planned by hand
            return Lead.create(
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": user.id,
                    "team_id": (team or cls.team).id,
                    "company_id": cls.company.id,
                    "stage_id": stage.id,
                    "expected_revenue": amount,
                    "partner_id": (partner or cls.client_1).id,
                }
            ).with_context(mail_activity_automation_skip=False)

        with at(cls.env, "2026-03-02 08:00:00"):
            cls.deal_new = deal("Offer for Sonia's client", s1, cls.stage_new, 1000)
            cls.deal_qualified = deal("Sonia's qualified deal", s1, cls.stage_qualified, 500)
            cls.deal_idle = deal("Sonia's idle deal", s1, cls.stage_proposition, 300)
            cls.deal_won = deal("Sonia's won deal", s1, cls.stage_new, 800)
            cls.deal_s2 = deal("Simon's deal", s2, cls.stage_new, 700, partner=cls.client_2)
            deal(
                "Outsider's deal",
                cls.outsider,
                cls.stage_new,
                900,
                team=cls.other_team,
                partner=cls.other_client,
            )
        with at(cls.env, "2026-03-05 08:00:00"):
            cls.deal_won.stage_id = cls.stage_won
        cls.deal_new.activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=TODAY, summary="Prepare the offer", user_id=s1.id
        )
        cls.deal_qualified.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date(2026, 3, 10),
            summary="Call the buyer",
            user_id=s1.id,
        )
        cls.deal_won.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date(2026, 3, 20),
            summary="Send the contract",
            user_id=s1.id,
        )

    @classmethod
    def _birthdays(cls):
        Partner = cls.env["res.partner"]
        cls.birthday_today = Partner.create(
            {"name": "Today Contact", "parent_id": cls.client_1.id, "birthdate_date": "1985-03-16"}
        )
        cls.birthday_soon = Partner.create(
            {"name": "Soon Contact", "parent_id": cls.client_1.id, "birthdate_date": "1990-03-22"}
        )
        Partner.create(
            {"name": "Later Contact", "parent_id": cls.client_1.id, "birthdate_date": "1990-03-23"}
        )
        Partner.create(
            {"name": "Simon's Contact", "parent_id": cls.client_2.id, "birthdate_date": "1990-03-17"}
        )

    @classmethod
    def _card_quality(cls):
        Rule = cls.env["crm.card.score.rule"]
        Rule.create(
            {
                "name": "Phone",
                "target": "company",
                "domain": "[('phone', '!=', False)]",
                "weight": 50,
                "company_id": cls.company.id,
            }
        )
        Rule.create(
            {
                "name": "E-mail",
                "target": "company",
                "domain": "[('email', '!=', False)]",
                "weight": 50,
                "company_id": cls.company.id,
            }
        )
        Line = cls.env["crm.card.quality.line"].sudo()
        Line._take_snapshot(date(2026, 3, 15))
        cls.client_1.email = "buyer@sonia-client.example"
        Line._take_snapshot(TODAY)

    # ------------------------------------------------------------------ helpers

    def dashboard(self, user, method="get_dashboard", **kwargs):
        with at(self.env, NOW):
            # as the web client calls it: in the user's language
            dashboard = self.env["crm.dashboard"].with_user(user).with_context(lang=user.lang or "en_US")
            return getattr(dashboard, method)(**kwargs)

    @classmethod
    def items(cls, payload):
        """Every figure of the answer that opens records: ``[(path, item)]``."""
        found = []

        def walk(node, path):
            if isinstance(node, dict):
                if "action" in node and "measures" in node:
                    found.append((path, node))
                for key, value in node.items():
                    if key not in ("action", "measures"):
                        walk(value, f"{path}.{key}")
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, f"{path}[{index}]")

        walk(payload, "")
        return found

    def opened(self, item, user, spec):
        """What the records the item opens give for ``spec`` (``__count`` or ``field:aggregator``), read
        by ``user`` as the web client would."""
        action = item["action"]
        Model = self.env[action["res_model"]].with_user(user)
        with at(self.env, NOW):
            if spec == "__count":
                return Model.search_count(action["domain"])
            [[value]] = Model._read_group(action["domain"], [], [spec])
        return value or 0
