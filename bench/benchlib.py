# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the timed benchmarks share beside the dataset builder: machine load, CPU calibration, timed runs, the
naive way on a sample of pivot cells, the customer invoice lines domain and the common command-line options.

    import benchlib

    print(f"load before: {benchlib.load()}; calibration {benchlib.calibrate()} ms")
    times, groups = benchlib.timed(benchlib.fresh(env, lambda: report.read_group(...)), runs)
"""

import argparse
import contextlib
import random
import statistics
import time
from datetime import date, datetime
from datetime import time as dtime

import dataset

SALES_MOVE_TYPES = ("out_invoice", "out_refund")


def load():
    """The 1, 5 and 15 minute load averages (``/proc/loadavg``), as one string."""
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def calibrate():
    """Milliseconds of a fixed pure-Python workload: the speed of this machine's cores during this run
    (virtual machines vary from run to run), to compare runs."""
    started = time.process_time()
    total = 0
    for index in range(3_000_000):
        total += index % 7
    return round((time.process_time() - started) * 1000)


def timed(func, runs, setup=None):
    """``func()`` once as a warm-up (caches, plans), then ``runs`` timed calls: (seconds of each, the last
    result).
    ``setup()``, when given, runs before each timed call, outside the timing."""
    func()
    times = []
    result = None
    for _run in range(runs):
        if setup:
            setup()
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return times, result


def fresh(env, func):
    """``func`` preceded by an emptied ORM cache (inside the timing)."""

    def run():
        env.invalidate_all()
        return func()

    return run


def runs_text(times):
    """``0.12, 0.10, 0.11`` - the seconds of each run."""
    return ", ".join(f"{t:.2f}" for t in times)


def pivot_line(label, groups, times):
    """The line of a timed pivot: cells, each run, median, load."""
    return (
        f"{label}: {len(groups)} cells; runs {runs_text(times)} s; "
        f"median {statistics.median(times):.2f} s; load {load()}"
    )


def naive_sample(cells, sample, cell, strict=True, on_mismatch=None):
    """Time of ``sample`` random ``cells`` (fixed seed) computed the naive way, extrapolated to every cell.

    ``cell(group)`` returns (naive values, pivot values); they differ when a pair is more than 0.01 apart
    (``on_mismatch(group, values, expected)`` is then called). Returns (sample seconds, extrapolated seconds,
    cells sampled, cells, cells different)."""
    rng = random.Random(7)
    picked = rng.sample(cells, min(sample, len(cells)))
    started = time.perf_counter()
    mismatches = 0
    for group in picked:
        values, expected = cell(group)
        if any(abs((a or 0) - (b or 0)) > 0.01 for a, b in zip(values, expected, strict=strict)):
            mismatches += 1
            if on_mismatch:
                on_mismatch(group, values, expected)
    elapsed = time.perf_counter() - started
    return elapsed, elapsed * len(cells) / len(picked), len(picked), len(cells), mismatches


def naive_line(result, times):
    """The line under a pivot's: the naive way on sampled cells (``naive_sample``'s result), the ratio."""
    sample_s, all_s, picked, cells, bad = result
    return (
        f"\n  naive (ORM query per cell and measure): {picked} cells in {sample_s:.1f} s, "
        f"extrapolated to {cells} cells {all_s:.1f} s, ratio {all_s / statistics.median(times):.0f}x; "
        f"cells different from the pivot: {bad}"
    )


def month_bounds(env, month_start):
    """UTC bounds of a calendar month of the main company (its reporting timezone)."""
    import pytz

    tz = pytz.timezone(env.company.crm_tz or "UTC")
    end = (month_start.replace(day=28) + (date(2000, 2, 1) - date(2000, 1, 1))).replace(day=1)
    start_utc = tz.localize(datetime.combine(month_start, dtime())).astimezone(pytz.utc).replace(tzinfo=None)
    end_utc = tz.localize(datetime.combine(end, dtime())).astimezone(pytz.utc).replace(tzinfo=None)
    return start_utc, end_utc, end


def sales_lines(company_id, date_from, date_to=None, before=None):
    """Domain of the posted product lines of a company's customer invoices and credit notes dated from
    ``date_from`` to ``date_to`` included (or up to ``before`` excluded)."""
    return [
        ("company_id", "=", company_id),
        ("parent_state", "=", "posted"),
        ("display_type", "=", "product"),
        ("move_id.move_type", "in", SALES_MOVE_TYPES),
        ("invoice_date", ">=", date_from),
        ("invoice_date", "<", before) if before is not None else ("invoice_date", "<=", date_to),
    ]


def leads_created(company_id, start, end):
    """Domain of a company's leads and opportunities created from ``start`` to before ``end`` (UTC)."""
    return [("company_id", "=", company_id), ("create_date", ">=", start), ("create_date", "<", end)]


def arguments(doc, db):
    """The command line every dataset-built benchmark starts with: ``--db`` and the data volumes."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=db)
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--invoice-lines", type=int, default=2_000_000)
    return parser


@contextlib.contextmanager
def manager_session(pg, db, tables):
    """An environment of ``db`` as the admin (a sales manager) in the main company, in English, rolled back
    at the end. Prints the rows of each of ``tables`` and the load and CPU calibration before the run, the
    load and CPU calibration after it."""
    with dataset.environment(pg, db, commit=False) as env:
        manager = env["res.users"].search([("login", "=", "admin")])
        env = env(
            user=manager, context={"lang": "en_US", "allowed_company_ids": env.ref("base.main_company").ids}
        )
        for table in tables:
            env.cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            print(f"{table}: {env.cr.fetchone()[0]:,} rows")
        print(f"load before: {load()}; calibration {calibrate()} ms", flush=True)
        yield env
        print(f"load after: {load()}; calibration {calibrate()} ms")
