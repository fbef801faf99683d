#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Duplicate guard benchmark (crm_custom, issue 3).

Run it against a THROWAWAY database where crm_custom is installed, for example the one kept by
``scripts/test --keep`` (copy it first: ``createdb -T crmsuite_test_NNN crm_bench``)::

    python3 bench/bench_duplicate_guard.py -d crm_bench --db_host=.local/pg/run --db_port=5432 --db_user=odoo

1. Generates N partners (default 1,000,000) with set-based SQL (one INSERT ... SELECT generate_series).
2. Times the production duplicate check for one new partner (``_duplicate_query``: E.164 phone, e-mail, tax id
   on B-tree indexes) and the same check written as ``ilike`` on the raw phone, in the same run; database time
   is PostgreSQL's planning + execution time from EXPLAIN ANALYZE.
3. Imports 10,000 new partners through base_import with the guard off, then on (warn, then block), each in a
   savepoint rolled back afterwards, and compares the wall times.

Prints a Markdown summary for docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402 - the shared benchmark dataset builder, beside this script

BENCH_PREFIX = "Bench client "


def generate(env, count):
    """Partners "Bench client <n>" up to ``count``, by the shared dataset builder (bench/dataset.py): E.164
    numbers +79000000001..., raw phones formatted "+7 900 000-01-23", unique e-mails, the current company."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE name LIKE %s", [BENCH_PREFIX + "%"])
    have = cr.fetchone()[0]
    if have >= count:
        return 0.0, have
    started = time.perf_counter()
    dataset.Dataset(env, verbose=False).partners(
        count - have,
        start=have + 1,
        prefix=BENCH_PREFIX,
        country_code="7",
        phone_base=9000000000,
        phone_style="grouped",
        email_domain="bench.example",
        company_id=env.company.id,
        crm_fields=False,
    )
    return time.perf_counter() - started, count


def explain_ms(cr, query, params):
    cr.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, params)
    plan = cr.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return plan["Planning Time"] + plan["Execution Time"], plan


def bench_check(env, count, runs, naive_runs):
    Partner = env["res.partner"]
    env.company.crm_duplicate_guard = "off"  # the probe itself must not be refused or flagged
    probe = Partner.create({"name": "Bench probe", "country_id": env.ref("base.ru").id})
    guard_ms, guard_wall, naive_ms, plans = [], [], [], {}
    rnd = random.Random(42)
    numbers = [rnd.randint(1, count) for _ in range(runs)]
    for n in numbers:
        num = str(9000000000 + n)
        raw = f"+7 {num[:3]} {num[3:6]}-{num[6:8]}-{num[8:]}"
        probe.write({"phone": raw, "email": f"probe{n}@other.example"})
        probe.flush_recordset()
        query, params, _branches = probe._duplicate_query()
        ms, plan = explain_ms(env.cr, query, params)
        guard_ms.append(ms)
        plans.setdefault("guard", plan)
        started = time.perf_counter()
        env.cr.execute(query, params)
        found = env.cr.fetchall()
        guard_wall.append((time.perf_counter() - started) * 1000)
        assert found, "the probe must find its twin"
    naive = """
        SELECT t.id FROM res_partner t
         WHERE t.id != %s AND t.active AND (t.company_id = %s OR t.company_id IS NULL)
           AND (t.phone ILIKE %s OR t.mobile ILIKE %s)
    """
    for n in numbers[:naive_runs]:
        num = str(9000000000 + n)
        raw = f"%{num[:3]} {num[3:6]}-{num[6:8]}-{num[8:]}%"
        ms, plan = explain_ms(env.cr, naive, [probe.id, env.company.id, raw, raw])
        naive_ms.append(ms)
        plans.setdefault("naive", plan)
    return guard_ms, guard_wall, naive_ms, plans


def bench_import(env, rows, mode):
    env.company.crm_duplicate_guard = mode
    start = 5_000_000 + {"off": 0, "warn": 1, "block": 2}[mode] * 100_000
    lines = ["name,phone,email"]
    for i in range(start, start + rows):
        num = str(9000000000 + i)
        lines.append(f"Import {i},+7 {num[:3]} {num[3:6]}-{num[6:8]}-{num[8:]},imp{i}@bench.example")
    wizard = env["base_import.import"].create(
        {
            "res_model": "res.partner",
            "file": "\n".join(lines).encode(),
            "file_type": "text/csv",
            "file_name": "b.csv",
        }
    )
    env.flush_all()
    with env.cr.savepoint(flush=False) as savepoint:
        started = time.perf_counter()
        result = wizard.execute_import(
            ["name", "phone", "email"],
            ["name", "phone", "email"],
            {"quoting": '"', "separator": ",", "has_headers": True},
        )
        env.flush_all()
        elapsed = time.perf_counter() - started
        errors = [m for m in result["messages"] if m["type"] == "error"]
        assert not errors and len(result["ids"]) == rows, errors[:3]
        savepoint.rollback()
    env.invalidate_all()
    return elapsed


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--naive-runs", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args)
    dbname = odoo.tools.config["db_name"]
    if isinstance(dbname, list):
        dbname = dbname[0]
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
        gen_s, total = generate(env, args.partners)
        cr.commit()
        cr.execute("SELECT count(*) FROM res_partner")
        partners_in_db = cr.fetchone()[0]
        guard_ms, guard_wall, naive_ms, plans = bench_check(env, total, args.runs, args.naive_runs)
        imports = {}
        for mode in ("off", "warn", "block", "off"):
            imports.setdefault(mode, []).append(bench_import(env, args.import_rows, mode))
        cr.rollback()

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]

    g_med, n_med = statistics.median(guard_ms), statistics.median(naive_ms)
    off = min(imports["off"])
    machine = f"{platform.node()}, {platform.machine()}"
    print(f"## Duplicate guard ({time.strftime('%Y-%m-%d')}, {machine})")
    print()
    print(f"- partners in the database: {partners_in_db:,} (generated now: {gen_s:.1f} s)")
    print(
        f"- duplicate check, database time (planning + execution), {len(guard_ms)} probes: median "
        f"{g_med:.3f} ms, p95 {pct(guard_ms, 0.95):.3f} ms, max {max(guard_ms):.3f} ms; "
        f"client wall time median {statistics.median(guard_wall):.3f} ms"
    )
    print(
        f"- same check as `ilike` on the raw phone, {len(naive_ms)} probes: median {n_med:.1f} ms, "
        f"p95 {pct(naive_ms, 0.95):.1f} ms"
    )
    print(f"- ratio (median naive / median guard): {n_med / g_med:.0f}x")
    for mode, values in imports.items():
        print(
            f"- import of {args.import_rows:,} partners, guard {mode}: "
            + ", ".join(f"{v:.1f} s" for v in values)
        )
    warn_ratio, block_ratio = min(imports["warn"]) / off, min(imports["block"]) / off
    print(f"- import ratio guard warn / off: {warn_ratio:.2f}; block / off: {block_ratio:.2f}")
    print()
    print("Guard plan (top node):", plans["guard"]["Plan"]["Node Type"])
    print("Naive plan (top node):", plans["naive"]["Plan"]["Node Type"])


if __name__ == "__main__":
    main()
