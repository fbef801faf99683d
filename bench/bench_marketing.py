#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# ruff: noqa: E501 - long report lines
"""Benchmark of the marketing and client analytics (crm_reports): the channel report, ABC, cross-sell.

    python3 bench/bench_marketing.py [--db crm16_bench] [--leads 1000000] [--invoice-lines 2000000]
                                     [--orders-share 60] [--runs 3] [--sample 40]

1. Builds the data with the shared dataset builder (bench/dataset.py) when the database does not have it yet:
   2 companies, 100,000 partners, ``--leads`` leads over 12 months (9 in 10 with a utm source, medium and
   campaign), ``--invoice-lines`` invoice lines, sale orders of won opportunities for ``--orders-share`` percent
   of the customer invoices (their lines linked to the order lines), a marketing spend per company, month and
   source x medium x campaign; then VACUUM (ANALYZE).
2. Times, as the admin (a sales manager) of the main company, the channel report's pivots (the ``read_group``
   the pivot view sends: month x source, and source alone with the ratios) ``--runs`` times after a warm-up,
   and the naive way in the same run: one ORM query per pivot cell and measure on the source records (leads,
   journal items through their sale orders, spend), on ``--sample`` random cells, extrapolated to all cells; the
   sampled cells are checked equal to the pivot's.
3. Times the nightly ABC classes of the main company (one statement) and the naive way (one ORM query per
   client for its revenue, sampled), the Bought A, Never B list, the department activity pivot with the sales
   ratios.
4. Prints the figures with the machine load (``/proc/loadavg``) and a CPU calibration, for docs/benchmarks.md.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402 - what the timed benchmarks share
import dataset  # noqa: E402 - the shared benchmark dataset builder
from benchlib import fresh, load, month_bounds, runs_text, timed  # noqa: E402

MEASURES = ["lead_count:sum", "won_count:sum", "revenue:sum", "spend:sum"]
RATIOS = ["cost_per_lead:avg", "cost_per_won:avg", "romi:avg"]
PIVOTS = {
    "month x source": (["date:month", "source_id"], MEASURES + RATIOS),
    "source (a year), with ratios": (["source_id"], MEASURES + RATIOS),
}


def build(pg, db, args):
    dataset.prepare_database(pg, db)
    built = False
    with dataset.environment(pg, db) as env:
        cr = env.cr
        cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
        have_leads = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move_line WHERE name = 'Bench line'")
        have_lines = cr.fetchone()[0]
        ds = dataset.Dataset(env).setup()
        if not ds.partner_range:
            ds.partners(args.partners)
        if have_leads < args.leads:
            ds.leads(args.leads - have_leads)
            built = True
        if have_lines < args.invoice_lines:
            ds.invoices(args.invoice_lines - have_lines)
            built = True
        cr.execute("SELECT count(*) FROM sale_order WHERE name LIKE 'Bench-SO%%'")
        if not cr.fetchone()[0]:
            ds.orders(share=args.orders_share)
            built = True
        cr.execute("SELECT count(*) FROM crm_marketing_cost WHERE note = 'Bench spend'")
        if not cr.fetchone()[0]:
            ds.marketing_costs()
            built = True
    if built:
        dataset.vacuum(pg, db, tables=None)
        dataset.vacuum(pg, db, tables=("crm_marketing_cost",))


def pivot(env, groupby, aggregates, domain):
    report = env["crm.report.channel"]
    return fresh(env, lambda: report.read_group(domain, aggregates, groupby, lazy=False))


def naive_cell(env, month_start, source_id):
    """The four additive figures of a (month, source) cell the naive way: ORM queries on the records."""
    company = env.company
    start_utc, end_utc, end = month_bounds(env, month_start)
    source = ("source_id", "=", source_id)
    leads = env["crm.lead"].with_context(active_test=False)
    lead_domain = [*benchlib.leads_created(company.id, start_utc, end_utc), source]
    lead_count = leads.search_count(lead_domain)
    won_count = leads.search_count(lead_domain + [("active", "=", True), ("stage_id.is_won", "=", True)])
    [[balance]] = env["account.move.line"]._read_group(
        [
            *benchlib.sales_lines(company.id, month_start, before=end),
            ("sale_line_ids.order_id.opportunity_id.source_id", "=", source_id),
        ],
        [],
        ["balance:sum"],
    )
    [[spend]] = env["crm.marketing.cost"]._read_group(
        [("company_id", "=", company.id), ("date", ">=", month_start), ("date", "<", end), source],
        [],
        ["amount:sum"],
    )
    return [lead_count, won_count, -(balance or 0.0), spend or 0.0]


def naive(env, groups, sample):
    cells = [g for g in groups if g.get("source_id")]

    def month(group):
        return datetime.strptime(group["__range"]["date:month"]["from"], "%Y-%m-%d").date()

    def cell(group):
        values = naive_cell(env, month(group), group["source_id"][0])
        return values, [group[spec.split(":")[0]] for spec in MEASURES]

    def report(group, values, expected):
        print(f"  cell {month(group)} {group['source_id'][1]}: naive {values} pivot {expected}")

    return benchlib.naive_sample(cells, sample, cell, on_mismatch=report)


def abc(env, sample):
    partners = env["res.partner"]

    def run():
        return partners._crm_abc_compute(env.company)

    times, counts = timed(run, 3)
    # naive: one ORM query per client for its revenue over the period (then the ranking in Python)
    date_from, date_to = partners._crm_abc_period(env.company)
    env.cr.execute(
        "SELECT DISTINCT m.commercial_partner_id FROM account_move m WHERE m.company_id = %s "
        "AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date BETWEEN %s AND %s",
        [env.company.id, date_from, date_to],
    )
    clients = [row[0] for row in env.cr.fetchall()]
    picked = random.Random(7).sample(clients, min(sample, len(clients)))
    started = time.perf_counter()
    for partner_id in picked:
        env["account.move.line"]._read_group(
            [
                *benchlib.sales_lines(env.company.id, date_from, date_to),
                ("move_id.commercial_partner_id", "=", partner_id),
            ],
            [],
            ["balance:sum"],
        )
    per_client = (time.perf_counter() - started) / len(picked)
    return times, counts, per_client * len(clients), len(clients)


def cross_sell(env):
    categories = env["product.category"].search([("name", "=like", "Bench category %")], order="id", limit=2)
    wizard = env["crm.cross.sell"].create({"a_categ_id": categories[0].id, "b_categ_id": categories[1].id})

    return timed(fresh(env, wizard._find_clients), 3)


def activity(env):
    report = env["crm.report.activity"]
    aggregates = [
        "deals_won:sum",
        "deals_closed:sum",
        "won_revenue:sum",
        "conversion_rate:avg",
        "avg_deal_size:avg",
        "avg_sales_cycle:avg",
    ]

    return timed(
        fresh(env, lambda: report.read_group([], aggregates, ["date:month", "user_id"], lazy=False)), 3
    )


def main():
    parser = benchlib.arguments(__doc__, "crm16_bench")
    parser.add_argument("--orders-share", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=40, help="pivot cells computed the naive way")
    parser.add_argument("--skip-extras", action="store_true", help="only the channel report")
    args = parser.parse_args()
    pg = dataset.postgres()
    try:
        build(pg, args.db, args)
        tables = (
            "crm_lead",
            "account_move_line",
            "sale_order",
            "sale_order_line_invoice_rel",
            "crm_marketing_cost",
        )
        with benchlib.manager_session(pg, args.db, tables) as env:
            year = [("date", ">=", date(date.today().year - 1, date.today().month, 1))]
            for name, (groupby, aggregates) in PIVOTS.items():
                domain = [] if name.startswith("month") else year
                times, groups = timed(pivot(env, groupby, aggregates, domain), args.runs)
                line = benchlib.pivot_line(f"channel report, {name}", groups, times)
                if name.startswith("month"):
                    line += benchlib.naive_line(naive(env, groups, args.sample), times)
                print(line, flush=True)
            if not args.skip_extras:
                times, counts, naive_s, clients = abc(env, args.sample * 5)
                print(
                    f"ABC classes of the main company ({clients:,} clients with documents in the period, {counts}): "
                    f"runs {runs_text(times)} s; naive (ORM query per client, extrapolated) "
                    f"{naive_s:.1f} s, ratio {naive_s / statistics.median(times):.0f}x; load {load()}",
                    flush=True,
                )
                times, found = cross_sell(env)
                print(
                    f"Bought A, Never B (two categories): {len(found):,} clients; runs "
                    f"{runs_text(times)} s; load {load()}",
                    flush=True,
                )
                times, groups = activity(env)
                print(
                    f"department activity with the sales ratios, month x salesperson: {len(groups)} cells; runs "
                    f"{runs_text(times)} s; load {load()}",
                    flush=True,
                )
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
