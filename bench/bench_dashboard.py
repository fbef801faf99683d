#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# ruff: noqa: E501 - long report lines
"""Benchmark of the role dashboards (crm_reports): the salesperson's and the head of sales' dashboard method.

    python3 bench/bench_dashboard.py [--db crm13_bench] [--runs 5] [--layout generated,dated] [--naive-runs 1]

1. Builds the data with the shared dataset builder (bench/dataset.py) when the database does not have it yet:
   2 companies, 50 salespeople each in teams of 10, 100,000 partners, 1,000,000 leads with their stage history,
   2,000,000 invoice lines, 3,000,000 calls over 12 months, and what the dashboards read besides
   (``Dataset.dashboard_data``: due dates and payment status, 200,000 activities, call backs, birthdays,
   card-quality snapshots, this month's plans with five KPIs); then VACUUM (ANALYZE).
2. ``--layout dated`` also times a copy of the database whose tables are rewritten in date order
   (``Dataset.cluster_by_date``): the generators write rows in random date order, production day after day.
3. Times, in the main company, ``crm.dashboard.get_salesperson_dashboard`` as the salesperson with the most open
   deals, and ``get_manager_dashboard`` as a sales manager (the department, and one team), for each period:
   ``--runs`` runs after a warm-up, median; beside them the naive way in the same run (the same figures read
   record by record through the ORM and added up in Python, as a first version would), checked equal on the
   figures both compute.
4. Prints the figures with the machine load (``/proc/loadavg``) and a CPU calibration, for docs/benchmarks.md.
"""

import contextlib
import functools
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as dtime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402 - what the timed benchmarks share
import dataset  # noqa: E402 - the shared benchmark dataset builder
from benchlib import calibrate, fresh, load, runs_text, timed  # noqa: E402

PERIODS = ("today", "week", "month", "quarter")
UNANSWERED = ("missed", "busy", "no_answer", "voicemail")


def build(pg, db, args):
    dataset.prepare_database(pg, db)
    built = False
    with dataset.environment(pg, db) as env:
        counts = {}
        for table, where in (
            ("crm_lead", "name LIKE 'Bench lead %%'"),
            ("account_move_line", "name = 'Bench line'"),
            ("crm_phonecall", "external_call_id LIKE 'bench-%%'"),
            ("mail_activity", "summary = 'Bench follow-up'"),
        ):
            env.cr.execute(f"SELECT count(*) FROM {table} WHERE {where}")  # noqa: S608 - fixed SQL
            counts[table] = env.cr.fetchone()[0]
        ds = dataset.Dataset(env).setup()
        if not ds.partner_range:
            ds.partners(args.partners)
        for table, what, count in (
            ("crm_lead", "leads", args.leads),
            ("account_move_line", "invoices", args.invoice_lines),
            ("crm_phonecall", "calls", args.calls),
        ):
            if counts[table] < count:
                getattr(ds, what)(count - counts[table])
                built = True
        if not counts["mail_activity"]:
            ds.dashboard_data()
            built = True
    if built:
        dataset.vacuum(pg, db)


def dated_copy(pg, db):
    """A copy of ``db`` with its tables in date order (made once, kept)."""
    copy = f"{db}_dated"
    if pg.db_exists(copy):
        return copy
    started = time.perf_counter()
    pg.execute_admin(f'CREATE DATABASE "{copy}" TEMPLATE "{db}"')
    with dataset.environment(pg, copy) as env:
        dataset.Dataset(env).cluster_by_date()
    dataset.vacuum(pg, copy)
    print(f"copy {copy} in date order made in {time.perf_counter() - started:.0f} s", flush=True)
    return copy


# ---------------------------------------------------------------------------------------------- the naive way


def utc_bounds(company, date_from, date_to):
    """The UTC datetimes of the first and after-last moments of the local days."""
    import pytz

    tz = pytz.timezone(company.crm_tz or "UTC")
    start = tz.localize(datetime.combine(date_from, dtime.min)).astimezone(pytz.utc).replace(tzinfo=None)
    end = tz.localize(datetime.combine(date_to + timedelta(days=1), dtime.min)).astimezone(pytz.utc)
    return start, end.replace(tzinfo=None)


def naive_kpi(env, code, company, users, date_from, date_to, team=None):
    """One KPI for each salesperson (or the team), reading the records through the ORM, one query each."""
    values = {}
    start, end = utc_bounds(company, date_from, date_to)
    for user in users:
        who = [("user_id", "=", user.id)] if user else [("team_id", "=", team.id)]
        if code == "revenue":
            who = [("move_id.invoice_user_id", "=", user.id)] if user else [("move_id.team_id", "=", team.id)]
            lines = env["account.move.line"].search_read(
                [
                    *benchlib.sales_lines(company.id, date_from, date_to),
                    *who,
                ],
                ["balance"],
            )
            values[user] = -sum(line["balance"] for line in lines)
        elif code in ("calls_in", "calls_out", "calls_missed"):
            condition = {
                "calls_in": [("direction", "=", "in")],
                "calls_out": [("direction", "=", "out"), ("state", "=", "done")],
                "calls_missed": [("direction", "=", "in"), ("outcome", "in", UNANSWERED)],
            }[code]
            calls = env["crm.phonecall"].search_read(
                [
                    ("company_id", "=", company.id),
                    ("state", "!=", "cancel"),
                    ("date", ">=", start),
                    ("date", "<", end),
                    *who,
                    *condition,
                ],
                ["pbx_id", "create_uid", "user_id"],
            )
            values[user] = sum(
                1
                for call in calls
                if call["pbx_id"] or (call["create_uid"] and call["create_uid"] == call["user_id"])
            )
        elif code == "leads_new":
            leads = (
                env["crm.lead"]
                .with_context(active_test=False)
                .search_read(
                    [*benchlib.leads_created(company.id, start, end), *who],
                    ["id"],
                )
            )
            values[user] = len(leads)
        elif code == "deals_won":
            leads = env["crm.lead"].search_read(
                [
                    ("company_id", "=", company.id),
                    ("type", "=", "opportunity"),
                    ("date_closed", ">=", start),
                    ("date_closed", "<", end),
                    *who,
                ],
                ["stage_id"],
            )
            won = set(env["crm.stage"].search([("is_won", "=", True)]).ids)
            values[user] = sum(1 for lead in leads if lead["stage_id"] and lead["stage_id"][0] in won)
        else:
            values[user] = 0.0
    return values


def naive_plan(env, company, lines, today):
    """Plan lines' actuals per line (one ORM read per line), weighted achievements and ranks."""
    actuals = {}
    for line in lines:
        actuals[line] = naive_kpi(
            env, line.kpi_id.code, company, [line.user_id], line.date_from, line.date_to
        )[line.user_id]
    weighted = defaultdict(lambda: [0.0, 0.0])
    for line, actual in actuals.items():
        achievement = 100.0 * actual / line.target if line.target else 0.0
        weighted[line.user_id][0] += achievement * line.weight
        weighted[line.user_id][1] += line.weight
    ranking = sorted(
        ((user, score / weight if weight else 0.0) for user, (score, weight) in weighted.items()),
        key=lambda p: -p[1],
    )
    return actuals, ranking


def naive_receivables(env, company, today, scope):
    moves = env["account.move"].search_read(
        [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", today),
            *scope,
        ],
        ["amount_residual_signed", "invoice_date_due", "commercial_partner_id"],
    )
    total = sum(move["amount_residual_signed"] for move in moves)
    by_customer = defaultdict(float)
    for move in moves:
        by_customer[move["commercial_partner_id"][0]] += move["amount_residual_signed"]
    return total, sorted(by_customer.items(), key=lambda kv: -kv[1])[:10]


def naive_products(env, company, date_from, date_to, scope):
    lines = env["account.move.line"].search_read(
        [
            *benchlib.sales_lines(company.id, date_from, date_to),
            ("product_id", "!=", False),
            *scope,
        ],
        ["product_id", "balance"],
    )
    by_product = defaultdict(float)
    for line in lines:
        by_product[line["product_id"][0]] -= line["balance"]
    return sorted(by_product.items(), key=lambda kv: -kv[1])[:10]


def naive_idle(env, company, scope):
    leads = env["crm.lead"].search(
        [
            ("company_id", "=", company.id),
            ("type", "=", "opportunity"),
            ("stage_id.is_won", "=", False),
            *scope,
        ]
    )
    return sum(1 for lead in leads if not lead.activity_ids)


def naive_salesperson(env, user, period):
    dashboard = env["crm.dashboard"]
    company = env.company
    ctx = dashboard._context_of(company, period)
    today = ctx["today"]
    Activity = env["mail.activity"]
    activities = Activity.search([("user_id", "=", user.id)])
    figures = {
        "today": sum(1 for a in activities if a.date_deadline == today),
        "overdue": sum(1 for a in activities if a.date_deadline < today),
    }
    lines = dashboard._plan_lines(company, period, today, users=user)
    team_lines = dashboard._team_lines(lines)
    actuals, ranking = naive_plan(env(su=True), company, team_lines, today)
    figures["plan_revenue"] = sum(
        v for line, v in actuals.items() if line.user_id == user and line.kpi_id.code == "revenue"
    )
    figures["rank"] = next((i for i, (who, _s) in enumerate(ranking, start=1) if who == user), 0)
    pipeline = defaultdict(lambda: [0, 0.0])
    for lead in env["crm.lead"].search(
        [("company_id", "=", company.id), ("user_id", "=", user.id), ("type", "=", "opportunity")]
    ):
        if not lead.stage_id.is_won:
            pipeline[lead.stage_id.id][0] += 1
            pipeline[lead.stage_id.id][1] += lead.expected_revenue
    figures["pipeline"] = sum(count for count, _amount in pipeline.values())
    contacts = env["res.partner"].search(
        [
            ("is_company", "=", False),
            ("birthdate_date", "!=", False),
            "|",
            ("user_id", "=", user.id),
            ("commercial_partner_id.user_id", "=", user.id),
        ]
    )
    window = {(today + timedelta(days=n)).strftime("%m-%d") for n in range(7)}
    figures["birthdays"] = sum(1 for c in contacts if c.birthdate_date.strftime("%m-%d") in window)
    figures["products"] = naive_products(
        env, company, ctx["date_from"], ctx["date_to"], [("move_id.invoice_user_id", "=", user.id)]
    )
    for code in ("calls_in", "calls_out", "calls_missed", "deals_won", "revenue"):
        figures[f"period_{code}"] = naive_kpi(env, code, company, [user], ctx["date_from"], ctx["date_to"])[
            user
        ]
    figures["receivables"] = naive_receivables(env, company, today, [("invoice_user_id", "=", user.id)])[0]
    figures["idle"] = naive_idle(env, company, [("user_id", "=", user.id)])
    return figures


def naive_manager(env, team, period):
    dashboard = env["crm.dashboard"]
    company = env.company
    ctx = dashboard._context_of(company, period)
    today = ctx["today"]
    lines = dashboard._plan_lines(company, period, today, team=team)
    actuals, ranking = naive_plan(env, company, lines, today)
    figures = {
        "plan_revenue": sum(v for line, v in actuals.items() if line.kpi_id.code == "revenue"),
        "ranking": len(ranking),
    }
    salespeople = lines.user_id
    week_from, week_to = dashboard._period_bounds("week", today)
    for when, (date_from, date_to) in (("today", (today, today)), ("week", (week_from, week_to))):
        for code in ("calls_in", "calls_out", "calls_missed"):
            if team:
                value = naive_kpi(env, code, company, [False], date_from, date_to, team=team)[False]
            else:
                value = sum(naive_kpi(env, code, company, salespeople, date_from, date_to).values())
            figures[f"{when}_{code}"] = value
    scope = [("team_id", "=", team.id)] if team else []
    reach = env["crm.report.funnel"].search_read(
        [
            ("company_id", "=", company.id),
            ("cohort_date", ">=", ctx["date_from"]),
            ("cohort_date", "<=", ctx["date_to"]),
            *scope,
        ],
        ["stage_id"],
    )
    funnel = defaultdict(int)
    for row in reach:
        funnel[row["stage_id"][0]] += 1
    figures["funnel"] = sum(funnel.values())
    figures["products"] = naive_products(
        env, company, ctx["date_from"], ctx["date_to"], [("move_id.team_id", "=", team.id)] if team else []
    )
    figures["receivables"] = naive_receivables(env, company, today, scope)[0]
    quality = env["crm.card.quality.line"].search_read(
        [("company_id", "=", company.id), ("date", ">=", today - timedelta(days=1)), ("date", "<=", today)]
        + ([("user_id", "in", (team.member_ids | team.user_id).ids)] if team else []),
        ["user_id", "date", "passed", "weight"],
    )
    scores = defaultdict(lambda: [0, 0])
    for row in quality:
        scores[(row["user_id"][0], row["date"])][1] += row["weight"]
        scores[(row["user_id"][0], row["date"])][0] += row["weight"] * row["passed"]
    figures["card_quality"] = len({user for user, _day in scores})
    figures["idle"] = naive_idle(env, company, scope)
    return figures


# ---------------------------------------------------------------------------------------------- the run


def compare(fast, naive, keys):
    """The figures both ways compute, side by side: the names of those that differ."""
    return [key for key, value in keys.items() if abs((value(fast) or 0) - (naive.get(key) or 0)) > 0.01]


def run(pg, db, args, label):
    with dataset.environment(pg, db, commit=False) as env:
        main = env.ref("base.main_company")
        env.cr.execute(
            """SELECT l.user_id FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                WHERE l.company_id = %s AND l.type = 'opportunity' AND l.active AND NOT COALESCE(s.is_won, FALSE)
                  AND l.user_id IN (SELECT user_id FROM crm_sales_plan_line WHERE state = 'open')
                GROUP BY 1 ORDER BY count(*) DESC LIMIT 1""",
            [main.id],
        )
        salesperson = env["res.users"].browse(env.cr.fetchone()[0])
        manager = env.ref("base.user_admin")
        context = {"lang": "en_US", "tz": "Europe/Moscow", "allowed_company_ids": main.ids}
        team = env["crm.team"].search([("member_ids", "in", salesperson.ids)], limit=1)
        sp_env = env(user=salesperson, context=context)
        mg_env = env(user=manager, context=context)
        print(
            f"\n== {label}: {db}; salesperson {salesperson.login} ({team.name}); load {load()}; calibration {calibrate()} ms",
            flush=True,
        )
        for period in PERIODS:
            for who, who_env, call in (
                (
                    "salesperson",
                    sp_env,
                    lambda e, p=period: e["crm.dashboard"].get_salesperson_dashboard(period=p),
                ),
                (
                    "manager, department",
                    mg_env,
                    lambda e, p=period: e["crm.dashboard"].get_manager_dashboard(period=p),
                ),
                (
                    "manager, one team",
                    mg_env,
                    lambda e, p=period: e["crm.dashboard"].get_manager_dashboard(team_id=team.id, period=p),
                ),
            ):
                times, payload = timed(fresh(who_env, functools.partial(call, who_env)), args.runs)
                line = (
                    f"{who:20} {period:8} runs {runs_text(times)} s, "
                    f"median {statistics.median(times):.2f} s; load {load()}"
                )
                if period in args.naive_periods.split(","):
                    naive_times = []
                    for _run in range(args.naive_runs):
                        who_env.invalidate_all()
                        started = time.perf_counter()
                        if who == "salesperson":
                            naive = naive_salesperson(who_env, salesperson, period)
                        else:
                            naive = naive_manager(
                                who_env, team if who.endswith("team") else who_env["crm.team"], period
                            )
                        naive_times.append(time.perf_counter() - started)
                    if who == "salesperson":
                        keys = {
                            "today": lambda f: f["activities"]["today"]["value"],
                            "overdue": lambda f: f["activities"]["overdue"]["value"],
                            "pipeline": lambda f: sum(stage["value"] for stage in f["funnel"]),
                            "birthdays": lambda f: f["birthdays"]["value"],
                            "receivables": lambda f: f["receivables"]["total"]["value"],
                            "idle": lambda f: f["idle_deals"]["value"],
                            "rank": lambda f: f["rank"]["rank"] if f["rank"] else 0,
                            "period_calls_in": lambda f: f["period_activity"]["calls_in"]["value"],
                            "period_revenue": lambda f: f["period_activity"]["revenue"]["value"],
                            "plan_revenue": lambda f: sum(
                                i["value"] for i in f["plan"] if i["kpi_code"] == "revenue"
                            ),
                        }
                    else:
                        keys = {
                            "today_calls_in": lambda f: f["calls"]["today"]["calls_in"]["value"],
                            "week_calls_missed": lambda f: f["calls"]["week"]["calls_missed"]["value"],
                            "receivables": lambda f: f["receivables"]["total"]["value"],
                            "idle": lambda f: f["idle_deals"]["value"],
                            "funnel": lambda f: sum(stage["value"] for stage in f["funnel"]),
                            "plan_revenue": lambda f: sum(
                                i["value"] for i in f["plan"] if i["kpi_code"] == "revenue"
                            ),
                            "ranking": lambda f: len(f["ranking"]),
                        }
                    naive_median = statistics.median(naive_times)
                    different = compare(payload, naive, keys)
                    line += (
                        f"\n{'':20} {'':8} naive (records read through the ORM, added up in Python): {naive_median:.2f} s, "
                        f"ratio {naive_median / statistics.median(times):.1f}x; figures compared {len(keys)}, different: {different or 'none'}"
                    )
                print(line, flush=True)
        print(f"load after: {load()}; calibration {calibrate()} ms", flush=True)


def main():
    parser = benchlib.arguments(__doc__, "crm13_bench")
    parser.add_argument("--calls", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=1)
    parser.add_argument("--naive-periods", default="today,month", help="periods also computed the naive way")
    parser.add_argument(
        "--layout", default="generated,dated", help="generated (as built), dated (copy in date order)"
    )
    args = parser.parse_args()
    pg = dataset.postgres()
    try:
        build(pg, args.db, args)
        layouts = args.layout.split(",")
        if "generated" in layouts:
            run(pg, args.db, args, "rows as generated (random date order)")
        if "dated" in layouts:
            run(pg, dated_copy(pg, args.db), args, "rows in date order (as production writes them)")
    finally:
        with contextlib.suppress(Exception):
            pg.stop()


if __name__ == "__main__":
    main()
