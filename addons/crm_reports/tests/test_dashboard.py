# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import at
from .dashboard_common import DashboardCommon

# Every item of an answer is checked; these are the tiles each dashboard must have shown (path prefixes)
SALESPERSON_TILES = (
    ".activities.today",
    ".activities.overdue",
    ".activities.callbacks",
    ".plan[",
    ".funnel[",
    ".birthdays",
    ".products[",
    ".period_activity.calls_in",
    ".period_activity.revenue",
    ".receivables.total",
    ".receivables.customers[",
    ".receivables.aging[",
    ".idle_deals",
    ".rank",
)
MANAGER_TILES = (
    ".plan[",
    ".ranking[",
    ".funnel[",
    ".calls.today.calls_in",
    ".calls.today.calls_out",
    ".calls.today.calls_missed",
    ".calls.week.calls_in",
    ".calls.week.calls_out",
    ".calls.week.calls_missed",
    ".products[",
    ".receivables.total",
    ".receivables.customers[",
    ".receivables.aging[",
    ".card_quality[",
    ".idle_deals",
)
# figures derived from others (checked by their own tests below), not a plain count or sum
DERIVED = {".rank"}


@tagged("post_install", "-at_install")
class TestDashboardFigures(DashboardCommon):
    """Each figure of the dashboards is the count or the sum of the records its tile opens, for the user who
    looks, and has the value counted by hand."""

    def assertOpensItsFigures(self, payload, user, tiles):
        checked, paths = 0, []
        for path, item in self.items(payload):
            paths.append(path)
            if path in DERIVED:
                continue
            self.assertTrue(item["measures"], f"{path}: a tile without its measure")
            for key, spec in item["measures"].items():
                with self.subTest(path=path, figure=key):
                    self.assertAlmostEqual(item[key], self.opened(item, user, spec), places=2)
                    checked += 1
        for tile in tiles:
            self.assertTrue(any(path.startswith(tile) for path in paths), f"no tile {tile} in the answer")
        return checked

    def test_salesperson_tiles_open_their_figures(self):
        for period in ("today", "week", "month", "quarter"):
            with self.subTest(period=period):
                payload = self.dashboard(self.salesman_1, period=period)
                self.assertEqual(payload["variant"], "salesperson")
                tiles = (
                    SALESPERSON_TILES
                    if period in ("month", "quarter")
                    else [tile for tile in SALESPERSON_TILES if tile not in (".products[",)]
                )
                self.assertGreater(self.assertOpensItsFigures(payload, self.salesman_1, tiles), 20)

    def test_manager_tiles_open_their_figures(self):
        for team in (False, self.team):
            for period in ("today", "week", "month", "quarter"):
                with self.subTest(team=team.name if team else "department", period=period):
                    payload = self.dashboard(self.manager, team_id=team.id if team else False, period=period)
                    self.assertEqual(payload["variant"], "manager")
                    tiles = (
                        MANAGER_TILES
                        if period in ("month", "quarter")
                        else [tile for tile in MANAGER_TILES if tile not in (".products[", ".funnel[")]
                    )
                    self.assertGreater(self.assertOpensItsFigures(payload, self.manager, tiles), 20)

    def test_manager_sees_a_salespersons_tiles(self):
        payload = self.dashboard(self.manager, user_id=self.salesman_2.id, period="month")
        self.assertEqual(payload["variant"], "salesperson")
        self.assertEqual(payload["subject"]["user_id"], self.salesman_2.id)
        self.assertOpensItsFigures(payload, self.manager, (".plan[", ".receivables.total", ".funnel["))
        self.assertEqual(payload["receivables"]["total"]["value"], 2200.0)
        self.assertEqual(payload["rank"]["rank"], 1)

    # ------------------------------------------------------------------ hand-counted figures

    def test_salesperson_day_by_hand(self):
        payload = self.dashboard(self.salesman_1, period="month")
        self.assertEqual(payload["today"], "2026-03-16")
        self.assertEqual((payload["date_from"], payload["date_to"]), ("2026-03-01", "2026-03-31"))
        activities = payload["activities"]
        # the offer to prepare and the call back of this morning's missed call; the buyer to call since
        # the 10th
        self.assertEqual(activities["today"]["value"], 2)
        self.assertEqual(activities["overdue"]["value"], 1)
        self.assertEqual(activities["callbacks"]["value"], 1)
        self.assertEqual(
            [(stage["stage"], stage["value"], stage["amount"]) for stage in payload["funnel"]],
            [
                (self.stage_new.name, 1, 1000.0),
                (self.stage_qualified.name, 1, 500.0),
                (self.stage_proposition.name, 1, 300.0),
            ],
        )
        plan = {line["kpi_code"]: line for line in payload["plan"]}
        self.assertEqual(set(plan), {"revenue", "calls_in"})
        self.assertEqual((plan["revenue"]["value"], plan["revenue"]["target"]), (700.0, 1000.0))
        self.assertEqual(plan["revenue"]["achievement"], 70.0)
        self.assertAlmostEqual(plan["revenue"]["forecast"], 700.0 * 31 / 16, places=2)
        # inbound calls in March: the 10th, and today's answered and missed ones
        self.assertEqual((plan["calls_in"]["value"], plan["calls_in"]["achievement"]), (3, 75.0))
        # weighted: revenue (weight 2) 70 %, inbound calls (weight 1) 75 %; Simon 110 %
        self.assertEqual((payload["rank"]["rank"], payload["rank"]["count"]), (2, 2))
        self.assertAlmostEqual(payload["rank"]["value"], (70.0 * 2 + 75.0) / 3, places=2)
        self.assertEqual(
            [(contact["name"], contact["days"]) for contact in payload["birthdays"]["contacts"]],
            [("Sonia's Client, Today Contact", 0), ("Sonia's Client, Soon Contact", 6)],
        )
        self.assertEqual(
            [(row["product"], row["value"]) for row in payload["products"]],
            [(self.product_a.display_name, 600.0), (self.product_b.display_name, 100.0)],
        )
        figures = {key: item["value"] for key, item in payload["period_activity"].items()}
        self.assertEqual(
            figures,
            {
                "calls_in": 3,
                "calls_out": 1,
                "calls_missed": 1,
                "meetings": 0,
                "deals_won": 1,
                "revenue": 700.0,
            },
        )
        total = payload["receivables"]["total"]
        self.assertEqual((total["value"], total["count"], total["days"]), (300.0, 1, 40))
        self.assertEqual(
            [(bucket["bucket"], bucket["value"]) for bucket in payload["receivables"]["aging"]],
            [("1-30", 0.0), ("31-60", 300.0), ("61-90", 0.0), ("90+", 0.0)],
        )
        self.assertEqual(payload["idle_deals"]["value"], 1)

    def test_salesperson_today_and_week(self):
        today = self.dashboard(self.salesman_1, period="today")
        self.assertEqual((today["date_from"], today["date_to"]), ("2026-03-16", "2026-03-16"))
        self.assertEqual(today["period_activity"]["calls_in"]["value"], 2)
        self.assertEqual(today["period_activity"]["revenue"]["value"], 0.0)
        # the user's language starts the week (English: Sunday)
        week = self.dashboard(self.salesman_1, period="week")
        self.assertEqual((week["date_from"], week["date_to"]), ("2026-03-15", "2026-03-21"))
        # Russian: Monday
        self.env["res.lang"]._activate_lang("ru_RU")
        self.salesman_1.lang = "ru_RU"
        week = self.dashboard(self.salesman_1, period="week")
        self.assertEqual((week["date_from"], week["date_to"]), ("2026-03-16", "2026-03-22"))
        quarter = self.dashboard(self.salesman_1, period="quarter")
        self.assertEqual((quarter["date_from"], quarter["date_to"]), ("2026-01-01", "2026-03-31"))

    def test_department_by_hand(self):
        payload = self.dashboard(self.manager, team_id=self.team.id, period="month")
        self.assertEqual(payload["subject"]["name"], self.team.name)
        calls = {
            when: {key: item["value"] for key, item in figures.items()}
            for when, figures in payload["calls"].items()
        }
        # today in Moscow: Sonia's two inbound calls, Simon's busy call and his missed call at 00:30
        self.assertEqual(calls["today"], {"calls_in": 4, "calls_out": 0, "calls_missed": 3})
        self.assertEqual(calls["week"], {"calls_in": 4, "calls_out": 1, "calls_missed": 3})
        self.assertEqual(
            [(row["user"], row["rank"], row["weighted"], row["value"]) for row in payload["ranking"]],
            [("Simon Salesperson", 1, 110.0, 2200.0), ("Sonia Salesperson", 2, 71.67, 700.0)],
        )
        revenue = [
            (row["user"], row["target"], row["value"])
            for row in payload["plan"]
            if row["kpi_code"] == "revenue"
        ]
        self.assertEqual(
            sorted(revenue), [("Simon Salesperson", 2000.0, 2200.0), ("Sonia Salesperson", 1000.0, 700.0)]
        )
        funnel = {row["stage"]: (row["value"], row["conversion"]) for row in payload["funnel"]}
        self.assertEqual(funnel[self.stage_new.name], (5, 60.0))
        self.assertEqual(funnel[self.stage_qualified.name][0], 3)
        self.assertEqual(funnel[self.stage_proposition.name][0], 2)
        self.assertEqual(
            [(row["product"], row["value"]) for row in payload["products"]],
            [(self.product_a.display_name, 2800.0), (self.product_b.display_name, 100.0)],
        )
        receivables = payload["receivables"]
        self.assertEqual((receivables["total"]["value"], receivables["total"]["count"]), (2500.0, 2))
        self.assertEqual(
            [(row["partner"], row["value"], row["days"]) for row in receivables["customers"]],
            [("Simon's Client", 2200.0, 11), ("Sonia's Client", 300.0, 40)],
        )
        quality = {
            row["user"]: (row["value"], row["previous"], row["trend"]) for row in payload["card_quality"]
        }
        self.assertEqual(
            quality, {"Sonia Salesperson": (100.0, 50.0, 50.0), "Simon Salesperson": (50.0, 50.0, 0.0)}
        )
        self.assertEqual(payload["idle_deals"]["value"], 2)
        # the whole department: the other team's overdue invoice, idle deal and missed call too
        department = self.dashboard(self.manager, period="month")
        self.assertEqual(department["receivables"]["total"]["value"], 2590.0)
        self.assertEqual(department["idle_deals"]["value"], 3)
        self.assertEqual(department["calls"]["today"]["calls_missed"]["value"], 4)
        self.assertTrue(department["choices"]["teams"])
        self.assertIn(self.salesman_1.id, [user["id"] for user in department["choices"]["users"]])

    def test_rank_and_card_quality_follow_their_definitions(self):
        """The derived figures: the rank's weighted achievement from the plan lines and the figures their
        tiles open; the card-quality score is the card-quality table's (crm.card.quality.trend)."""
        payload = self.dashboard(self.salesman_1, period="month")
        rank = payload["rank"]
        lines = self.env["crm.sales.plan.line"].browse(rank["line_ids"])
        score = weight = 0.0
        for line in lines:
            measure = {"revenue": "revenue", "calls_in": "calls_in"}[line.kpi_id.code]
            actual = self.opened(rank, self.salesman_1, f"{measure}:sum")
            score += 100.0 * actual / line.target * line.weight
            weight += line.weight
        self.assertAlmostEqual(rank["value"], score / weight, places=2)
        manager = self.dashboard(self.manager, team_id=self.team.id, period="month")
        trend = self.env["crm.card.quality.trend"].with_user(self.manager)
        for row in manager["card_quality"]:
            with self.subTest(user=row["user"]):
                [table] = trend.search([("user_id", "=", row["user_id"]), ("date", "=", row["date"])])
                self.assertAlmostEqual(row["value"], table.score, places=1)
                self.assertAlmostEqual(row["trend"], table.trend, places=1)
                met = self.opened(
                    {"action": {**row["action"], "domain": row["action"]["domain"] + [("passed", "=", 1)]}},
                    self.manager,
                    "weight:sum",
                )
                self.assertAlmostEqual(row["value"], 100.0 * met / row["weight"], places=1)

    def test_lower_is_better_counts_as_on_the_plan(self):
        """A KPI where less is better (as the Average Sales Cycle): the dashboard's achievement and rank are
        the plan line's (target / actual), not actual / target."""
        self.kpi_calls_in.sudo().lower_is_better = True
        payload = self.dashboard(self.salesman_1, period="month")
        plan = {line["kpi_code"]: line for line in payload["plan"]}
        # 3 inbound calls against a target of 4: 4 / 3
        self.assertEqual((plan["calls_in"]["value"], plan["calls_in"]["achievement"]), (3, 133.33))
        # weighted: revenue (weight 2) 70 %, inbound calls (weight 1) 133.33 %
        self.assertAlmostEqual(payload["rank"]["value"], (2 * 70.0 + 400.0 / 3) / 3, places=2)

    def test_today_is_the_companys(self):
        """At 00:30 in Moscow it is already tomorrow for the dashboard, whatever the server's clock says."""
        with at(self.env, "2026-03-16 21:30:00"):
            payload = self.env["crm.dashboard"].with_user(self.salesman_1).get_dashboard(period="today")
        self.assertEqual(payload["today"], "2026-03-17")
        self.assertEqual(payload["activities"]["today"]["value"], 0)
        self.assertEqual(payload["activities"]["overdue"]["value"], 3)

    def test_leap_day_birthday(self):
        """A contact born on 29 February celebrates on 28 February in a common year."""
        leap = self.env["res.partner"].create(
            {"name": "Leap Contact", "parent_id": self.client_1.id, "birthdate_date": "2000-02-29"}
        )
        with at(self.env, "2027-02-25 09:00:00"):
            payload = self.env["crm.dashboard"].with_user(self.salesman_1).get_salesperson_dashboard()
        contacts = {contact["partner_id"]: contact for contact in payload["birthdays"]["contacts"]}
        self.assertEqual(contacts[leap.id]["date"], "2027-02-28")
        self.assertEqual(
            self.env["res.partner"].search_count(payload["birthdays"]["action"]["domain"]),
            payload["birthdays"]["value"],
        )


@tagged("post_install", "-at_install")
class TestDashboardAccess(DashboardCommon):
    """Every parameter of the dashboards is user input: a salesperson sees their own figures only."""

    def test_salesperson_cannot_open_another_salespersons_dashboard(self):
        for method in ("get_dashboard", "get_salesperson_dashboard"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                self.dashboard(self.salesman_1, method, user_id=self.salesman_2.id)
        with self.assertRaises(AccessError):
            self.dashboard(self.leader, user_id=self.salesman_1.id)  # leading a team is not managing sales
        own = self.dashboard(self.salesman_1, user_id=self.salesman_1.id)
        self.assertEqual(own["subject"]["user_id"], self.salesman_1.id)

    def test_salesperson_cannot_open_a_team_or_the_department(self):
        with self.assertRaises(AccessError):
            self.dashboard(self.salesman_1, "get_manager_dashboard")
        for method in ("get_dashboard", "get_manager_dashboard"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                self.dashboard(self.salesman_1, method, team_id=self.team.id)

    def test_users_outside_sales_are_refused(self):
        with self.assertRaises(AccessError):
            self.dashboard(self.accountant)

    def test_malformed_parameters_are_refused(self):
        for user_id in ("2", True, -1, 2.5, [self.salesman_2.id], {"id": self.salesman_2.id}):
            with self.subTest(user_id=user_id), self.assertRaises(UserError):
                self.dashboard(self.manager, user_id=user_id)
        for period in ("year", None, ["month"], {"month": 1}, "month; DROP TABLE crm_lead"):
            with self.subTest(period=period), self.assertRaises(UserError):
                self.dashboard(self.salesman_1, period=period)
        for team_id in ("1", True, [1]):
            with self.subTest(team_id=team_id), self.assertRaises(UserError):
                self.dashboard(self.manager, team_id=team_id)

    def test_manager_stays_in_the_current_company(self):
        other_team = self.env["crm.team"].create({"name": "Abroad", "company_id": self.company_2.id})
        with self.assertRaises(UserError):
            self.dashboard(self.manager, user_id=self.company_2_user.id)
        with self.assertRaises(UserError):
            self.dashboard(self.manager, team_id=other_team.id)
        with self.assertRaises(UserError):  # not a salesperson
            self.dashboard(self.manager, user_id=self.accountant.id)

    def test_salesperson_answer_holds_nothing_of_the_others(self):
        """The rank needs the teammates' achievements: only the place leaves the server."""
        payload = self.dashboard(self.salesman_1, period="month")
        text = json.dumps(payload)
        self.assertFalse(payload["choices"])
        for secret in ("Simon", "2200", "110.0", "Outsider"):
            self.assertNotIn(secret, text)

    def test_salesperson_receivables_are_their_invoices(self):
        """Salespeople read the invoices they are the salesperson of (sale's Personal Invoices rule): their
        tile counts those, and opens them."""
        total = self.dashboard(self.salesman_1)["receivables"]["total"]
        invoices = self.env["account.move"].with_user(self.salesman_1).search(total["action"]["domain"])
        self.assertEqual(invoices, self.invoice_s1_overdue)
        self.assertEqual(invoices.mapped("invoice_user_id"), self.salesman_1)


@tagged("post_install", "-at_install")
class TestDashboardLanding(DashboardCommon):
    """CRM opens on the dashboard; the setting puts Odoo's pipeline back first."""

    def _app_action(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
        root = self.env.ref("crm.crm_menu_root")
        return menus[root.id]["actionID"]

    def test_crm_opens_on_the_dashboard(self):
        dashboard = self.env.ref("crm_reports.crm_dashboard_action")
        self.env["crm.dashboard"]._set_landing(True)
        self.assertEqual(self._app_action(self.salesman_1), dashboard.id)
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.crm_dashboard_landing)
        settings.crm_dashboard_landing = False
        settings.execute()
        self.assertNotEqual(self._app_action(self.salesman_1), dashboard.id)
        self.assertEqual(self._app_action(self.salesman_1), self.env.ref("crm.action_your_pipeline").id)
        self.assertFalse(self.env["res.config.settings"].create({}).crm_dashboard_landing)
