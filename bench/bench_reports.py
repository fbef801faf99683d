#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# ruff: noqa: E501 - long SQL and report lines
"""Benchmark of the management reports (crm_reports): month x salesperson pivots and a 100,000-row Excel export.

    python3 bench/bench_reports.py [--db crmsuite_bench_reports] [--leads 1000000] [--invoice-lines 2000000]
                                   [--calls 0] [--runs 3] [--sample 40]

1. Builds the data with the shared dataset builder (bench/dataset.py) when the database does not have it yet:
   2 companies, 50 salespeople each, 100,000 partners, ``--leads`` leads with their stage history over 12
   months, ``--invoice-lines`` invoice lines, ``--calls`` calls; then VACUUM (ANALYZE).
2. Times, as a sales manager of the main company, each report's month x salesperson pivot (the ``read_group``
   the pivot view sends) ``--runs`` times after a warm-up, beside Odoo's own ``account.invoice.report``
   (invoice month x salesperson) and the naive way in the same run:
   - sales, intake, activity: one ORM query per pivot cell (and per measure) on the source records, on
     ``--sample`` random cells, extrapolated to all cells; the sampled cells are checked equal to the pivot's;
   - funnel: the same rows computed from the stage history at query time (a view with window functions over
     the history), instead of the stages reached kept by the module.
3. Exports a period of about 100,000 sales rows to Excel (``crm_reports.crm_report_xlsx``, grouped by
   salesperson, detail rows) and measures the wall time, the Python allocation peak (tracemalloc) and the
   growth of the process's peak RSS; the naive export (``search_read`` of the rows, then an in-memory
   workbook) in the same run.
4. Prints the figures with the machine load (``/proc/loadavg``) and a CPU calibration, for docs/benchmarks.md.
"""

import gc
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402 - what the timed benchmarks share
import dataset  # noqa: E402 - the shared benchmark dataset builder
from benchlib import calibrate, load, month_bounds  # noqa: E402

PIVOTS = {
    "crm.report.sales": (["date:month", "user_id"], ["revenue:sum"]),
    "crm.report.lead.intake": (["date:month", "user_id"], ["lead_count:sum", "expected_revenue:sum"]),
    "crm.report.funnel": (
        ["cohort_date:month", "user_id"],
        ["deal_count:sum", "conversion:avg", "lost_count:sum"],
    ),
    "crm.report.activity": (
        ["date:month", "user_id"],
        [
            "calls_in:sum",
            "calls_out:sum",
            "calls_missed:sum",
            "talk_minutes:sum",
            "meetings:sum",
            "proposals_sent:sum",
            "deals_won:sum",
            "leads_new:sum",
            "revenue:sum",
        ],
    ),
    "crm.report.plan.fact": (["date:month", "user_id"], ["target:sum", "actual:sum"]),
    "account.invoice.report": (["invoice_date:month", "invoice_user_id"], ["price_subtotal:sum"]),
}

# The funnel computed from the history at query time: what the module avoids by keeping the stages reached.
NAIVE_FUNNEL = """
    WITH ranked AS (SELECT s.id, row_number() OVER (ORDER BY s.sequence, s.id) AS rank FROM crm_stage s),
    visit AS (
        SELECT h.lead_id, h.stage_id, r.rank, MIN(h.date_start) AS first_start
          FROM crm_lead_stage_history h JOIN ranked r ON r.id = h.stage_id GROUP BY 1, 2, 3
    ),
    walk AS (
        SELECT v.*, MIN(v.first_start) OVER (PARTITION BY v.lead_id ORDER BY v.rank DESC) AS reached,
               COALESCE(LAG(v.rank) OVER (PARTITION BY v.lead_id ORDER BY v.rank), 0) AS prev_rank,
               v.rank = MAX(v.rank) OVER (PARTITION BY v.lead_id) AS is_last
          FROM visit v
    )
    SELECT date_trunc('month', ((l.create_date AT TIME ZONE 'UTC') AT TIME ZONE c.crm_tz)::date)::date, l.user_id,
           COUNT(*), AVG(CASE WHEN w.is_last AND t.id = w.stage_id THEN 0 ELSE 100 END)
      FROM walk w JOIN ranked t ON t.rank > w.prev_rank AND t.rank <= w.rank
      JOIN crm_lead l ON l.id = w.lead_id JOIN res_company c ON c.id = l.company_id
     WHERE l.type = 'opportunity' AND l.company_id = %s
     GROUP BY 1, 2
"""


def build(pg, db, args):
    dataset.prepare_database(pg, db)
    with dataset.environment(pg, db) as env:
        env.cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
        have_leads = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM account_move_line WHERE name = 'Bench line'")
        have_lines = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM crm_phonecall WHERE external_call_id LIKE 'bench-%%'")
        have_calls = env.cr.fetchone()[0]
        ds = dataset.Dataset(env).setup()
        if not ds.partner_range:
            ds.partners(args.partners)
        if have_leads < args.leads:
            ds.leads(args.leads - have_leads)
        if have_lines < args.invoice_lines:
            ds.invoices(args.invoice_lines - have_lines)
        if have_calls < args.calls:
            ds.calls(args.calls - have_calls)
        built = (have_leads < args.leads) or (have_lines < args.invoice_lines) or (have_calls < args.calls)
        if not env["crm.sales.plan"].search_count([("team_id.name", "=like", "Bench Team %")]):
            make_plans(env, ds)
            built = True
    if built:
        dataset.vacuum(pg, db)


def make_plans(env, ds):
    """12 monthly plans per bench team: every salesperson with a revenue and a new-leads line, team lines."""
    ds.plans(kpis=("revenue", "leads_new"))


def pivot(env, model, runs):
    groupby, aggregates = PIVOTS[model]
    fields_ = [spec.replace(":sum", ":sum").replace(":avg", ":avg") for spec in aggregates]
    report = env[model]
    return benchlib.timed(
        lambda: report.read_group([], fields_, groupby, lazy=False), runs, setup=env.invalidate_all
    )


def naive_cell(env, model, month_start, user_id):
    """The figure(s) of one pivot cell, the naive way: ORM queries on the source records."""
    company = env.company
    start_utc, end_utc, end = month_bounds(env, month_start)
    if model == "crm.report.sales":
        domain = [
            *benchlib.sales_lines(company.id, month_start, before=end),
            ("move_id.invoice_user_id", "=", user_id),
        ]
        [[balance]] = env["account.move.line"]._read_group(domain, [], ["balance:sum"])
        return [-(balance or 0.0)]
    if model == "crm.report.lead.intake":
        leads = (
            env["crm.lead"]
            .with_context(active_test=False)
            .search_read(
                [*benchlib.leads_created(company.id, start_utc, end_utc), ("user_id", "=", user_id)],
                ["expected_revenue"],
            )
        )
        return [float(len(leads)), sum(lead["expected_revenue"] for lead in leads)]
    # activity: each measure a query of its own, as a per-cell screen would run the KPIs
    keys = [(user_id, False, month_start, end.fromordinal(end.toordinal() - 1))]
    values = []
    for spec in PIVOTS["crm.report.activity"][1]:
        code = {"talk_minutes": "talk_time"}.get(spec.split(":")[0], spec.split(":")[0])
        kpi = env["crm.kpi"].search([("code", "=", code)])
        value = kpi._compute_actuals(keys, company)[keys[0]]
        values.append(value / 60 if code == "talk_time" else value)
    return values


def naive(env, model, groups, sample):
    """Time of ``sample`` random cells computed the naive way, extrapolated to every cell; the cells checked."""
    groupby = PIVOTS[model][0]
    cells = [g for g in groups if g.get(groupby[1])]

    def cell(group):
        month = group["__range"][groupby[0]]["from"] if "__range" in group else None
        month = datetime.strptime(month, "%Y-%m-%d").date() if month else None
        user_id = group[groupby[1]][0]
        values = naive_cell(env, model, month, user_id)
        return values, [group[spec.split(":")[0]] for spec in PIVOTS[model][1]]

    return benchlib.naive_sample(cells, sample, cell, strict=False)


def naive_funnel(env, runs=1):
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        env.cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        env.cr.execute(NAIVE_FUNNEL, [env.company.id])
        env.cr.fetchall()
        times.append(time.perf_counter() - started)
    return times


def export_excel(env, month_start, month_end, trace=False):
    """The export of the sales rows of the period: (wall s, CPU s of this process, Python peak MB, process peak
    RSS growth MB, process peak RSS MB, file MB). With ``trace``, tracemalloc measures the Python peak (and
    slows the run down: the time of that run is not the figure)."""
    wizard = env["crm.report.export"].create(
        {"report_type": "sales", "date_from": month_start, "date_to": month_end, "group_by": "user_id"}
    )
    env.invalidate_all()
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    content, _kind = env["ir.actions.report"]._render_xlsx("crm_reports.crm_report_xlsx", wizard.ids, data={})
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    if trace:
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return elapsed, cpu, peak, (rss_after - rss_before) / 1024, rss_after / 1024, len(content) / 2**20


def naive_excel(env, month_start, month_end):
    """The naive export: every row through search_read, then an in-memory workbook."""
    import xlsxwriter

    env.invalidate_all()
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    names = [
        "date",
        "move_id",
        "partner_id",
        "product_id",
        "product_categ_id",
        "user_id",
        "team_id",
        "quantity",
        "revenue",
    ]
    rows = env["crm.report.sales"].search_read(
        [("company_id", "=", env.company.id), ("date", ">=", month_start), ("date", "<=", month_end)],
        names,
        order="user_id, date, id",
    )
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet("Details")
    for row_index, row in enumerate(rows, start=1):
        for col, name in enumerate(names):
            value = row[name]
            if isinstance(value, (list, tuple)):
                value = value[1]
            sheet.write(row_index, col, value if value is not False else "")
    book.close()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return elapsed, cpu, (rss_after - rss_before) / 1024, len(rows)


def main():
    parser = benchlib.arguments(__doc__, "crmsuite_bench_reports")
    parser.add_argument("--calls", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=40, help="pivot cells computed the naive way")
    parser.add_argument("--only", help="comma-separated models to time (default: all)")
    parser.add_argument("--skip-excel", action="store_true")
    args = parser.parse_args()
    pg = dataset.postgres()
    try:
        build(pg, args.db, args)
        tables = (
            "crm_lead",
            "crm_lead_stage_history",
            "crm_lead_stage_reach",
            "account_move_line",
            "crm_phonecall",
        )
        with benchlib.manager_session(pg, args.db, tables) as env:
            models = args.only.split(",") if args.only else list(PIVOTS)
            for model in models:
                times, groups = pivot(env, model, args.runs)
                line = benchlib.pivot_line(model, groups, times)
                if model in ("crm.report.sales", "crm.report.lead.intake", "crm.report.activity"):
                    line += benchlib.naive_line(naive(env, model, groups, args.sample), times)
                if model == "crm.report.funnel":
                    naive_times = naive_funnel(env)
                    line += (
                        f"\n  naive (stages reached computed from the history at query time): "
                        f"{naive_times[0]:.2f} s, ratio {naive_times[0] / statistics.median(times):.1f}x"
                    )
                print(line, flush=True)
            if not args.skip_excel:
                env.cr.execute(
                    "SELECT date_trunc('month', l.invoice_date)::date, count(*) FROM account_move_line l "
                    "JOIN account_move m ON m.id = l.move_id WHERE l.company_id = %s AND l.parent_state = 'posted' "
                    "AND l.display_type = 'product' AND m.move_type IN ('out_invoice', 'out_refund') "
                    "GROUP BY 1 ORDER BY 1",
                    [env.company.id],
                )
                months = env.cr.fetchall()
                month_start, count = months[len(months) // 2]
                # the days of that month up to about 100,000 rows
                days = max(1, min(31, round(31 * 100_000 / max(count, 1))))
                month_end = date.fromordinal(month_start.toordinal() + days - 1)
                rows = env["crm.report.sales"].search_count(
                    [
                        ("company_id", "=", env.company.id),
                        ("date", ">=", month_start),
                        ("date", "<=", month_end),
                    ]
                )
                for _run in range(2):
                    elapsed, cpu, _peak, rss_growth, rss, size = export_excel(env, month_start, month_end)
                    print(
                        f"Excel export of {rows:,} sales rows ({month_start} - {month_end}): {elapsed:.1f} s wall, "
                        f"{cpu:.1f} s CPU of the Odoo process, process peak RSS {rss:.0f} MB "
                        f"(+{rss_growth:.0f} MB), file {size:.1f} MB; load {load()}; calibration {calibrate()} ms",
                        flush=True,
                    )
                _elapsed, _cpu, peak, _growth, _rss, _size = export_excel(
                    env, month_start, month_end, trace=True
                )
                print(f"  Python allocation peak of the export (tracemalloc run): {peak:.0f} MB", flush=True)
                n_elapsed, n_cpu, n_growth, n_rows = naive_excel(env, month_start, month_end)
                print(
                    f"  naive (search_read + in-memory workbook), {n_rows:,} rows: {n_elapsed:.1f} s wall, "
                    f"{n_cpu:.1f} s CPU, process peak RSS +{n_growth:.0f} MB",
                    flush=True,
                )
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
