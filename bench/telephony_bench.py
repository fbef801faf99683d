#!/usr/bin/env python3
"""Telephony benchmarks (issue 5): caller look-up at scale and the webhook end to end.

    python3 bench/telephony_bench.py [--partners 1000000] [--leads 500000] [--seconds 60] [--rate 200]

1. Builds a throwaway database ``crmsuite_bench_telephony`` from the cached dependency database of
   ``scripts/suite.py`` and installs crm_custom + crm_telephony in it.
2. Look-up: generates partners and leads with set-based SQL (INSERT ... SELECT generate_series), then times
   ``crm.phonecall._pbx_find_card`` (the production code path, through the ORM registry) on random
   existing and unknown numbers, and the naive ``replace(phone, ' ', '') ilike '%<last 8 digits>'`` scan
   (how OCA base_phone looks callers up) in the same run. Database time is measured server-side with
   ``EXPLAIN (ANALYZE)`` on the same statements; wall time (client side) is reported too.
3. Webhook: starts a real Odoo server with ``--workers=2`` on 127.0.0.1 only, sends ``call_started`` +
   ``call_ended`` events at a fixed rate for the given time, then checks in the database that every call
   exists once with its final state and one chatter line; then fires 20 identical deliveries in parallel
   for 10 calls and checks one call and one chatter line each.
4. Prints the figures (recorded by hand in docs/benchmarks.md) and drops the database.
"""

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import suite  # noqa: E402

DB = "crmsuite_bench_telephony"
LAUNCHER = """import sys, time
if len(sys.argv) > 1 and sys.argv[1] == "gevent":
    while True:
        time.sleep(3600)
sys.path.insert(0, %r)
import odoo.cli
odoo.cli.main()
"""


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'",
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def clone_rows(cr, table, template_id, count, overrides):
    """INSERT ... SELECT over generate_series, copying a template row except the overridden columns."""
    cols = columns(cr, table)
    exprs = [overrides.get(col, f"t.{col}") for col in cols]
    cr.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) "  # noqa: S608 - bench SQL built from catalog names
        f"SELECT {', '.join(exprs)} FROM {table} t, generate_series(1, %s) g WHERE t.id = %s",
        (count, template_id),
    )


def ensure_templates():
    """One ordinary partner and one open lead to copy (the dependency database may have no demo data)."""
    import odoo
    from odoo.modules.registry import Registry

    with Registry(DB).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        partner = env["res.partner"].create({"name": "Bench template"})
        env["crm.lead"].create({"name": "Bench template", "type": "lead", "partner_id": partner.id})
        cr.commit()


def generate(conn, partners, leads):
    ensure_templates()
    started = time.time()
    with conn.cursor() as cr:
        cr.execute("SELECT id FROM res_partner WHERE active AND NOT is_company ORDER BY id LIMIT 1")
        partner_tpl = cr.fetchone()[0]
        clone_rows(
            cr,
            "res_partner",
            partner_tpl,
            partners,
            {
                "name": "'Bench client ' || g",
                "complete_name": "'Bench client ' || g",
                "display_name": "'Bench client ' || g",
                "email": "NULL",
                "email_normalized": "NULL",
                "ref": "NULL",
                "vat": "NULL",
                "user_id": "NULL",
                "commercial_partner_id": "NULL",
                "parent_id": "NULL",
                "company_id": "NULL",
                "is_company": "(mod(g, 5) = 0)",
                "customer_rank": "mod(g, 3)",
                "phone": "'+1 ' || (2000000000 + g)::text",
                "mobile": "CASE WHEN mod(g, 2) = 0 THEN '+1 ' || (3000000000 + g)::text END",
                "phone_e164": "'+1' || (2000000000 + g)::text",
                "mobile_e164": "CASE WHEN mod(g, 2) = 0 THEN '+1' || (3000000000 + g)::text END",
                "phone_sanitized": "'+1' || (2000000000 + g)::text",
                "write_date": "now() - (g || ' seconds')::interval",
                "create_date": "now() - (g || ' seconds')::interval",
            },
        )
        cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
        cr.execute(
            "SELECT l.id FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id "
            "WHERE NOT COALESCE(s.is_won, FALSE) AND l.active ORDER BY l.id LIMIT 1"
        )
        lead_tpl = cr.fetchone()[0]
        clone_rows(
            cr,
            "crm_lead",
            lead_tpl,
            leads,
            {
                "name": "'Bench lead ' || g",
                "partner_id": "NULL",
                "email_from": "NULL",
                "email_normalized": "NULL",
                "company_id": "NULL",
                "phone": "'+1 ' || (4000000000 + g)::text",
                "mobile": "NULL",
                "phone_sanitized": "'+1' || (4000000000 + g)::text",
                "active": "(mod(g, 10) <> 0)",
                "write_date": "now() - (g || ' seconds')::interval",
                "create_date": "now() - (g || ' seconds')::interval",
            },
        )
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE crm_lead")
    conn.commit()
    return time.time() - started


def explain_ms(cr, sql, params):
    cr.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
    plan = cr.fetchone()[0][0]
    return plan["Execution Time"] + plan.get("Planning Time", 0.0)


def lookup_bench(pg, partners, leads, samples=2000, naive_samples=20):
    import odoo
    from odoo.modules.registry import Registry

    registry = Registry(DB)
    rng = random.Random(5)
    numbers = []
    for _i in range(samples):
        kind = rng.random()
        if kind < 0.4:
            numbers.append(f"+1{2000000000 + rng.randint(1, partners)}")
        elif kind < 0.6:
            numbers.append(f"+1{3000000000 + 2 * rng.randint(1, partners // 2)}")
        elif kind < 0.9:
            numbers.append(f"+1{4000000000 + rng.randint(1, leads)}")
        else:
            numbers.append(f"+1{5000000000 + rng.randint(1, 10**6)}")  # unknown: both steps run
    wall, found = [], 0
    db_times = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pbx = env["crm.pbx"].create({"name": "Bench lookup", "default_country_id": env.ref("base.us").id})
        calls = env["crm.phonecall"]
        # server-side time of the statements the method runs
        executed = []
        real_execute = type(cr).execute

        def recording_execute(self, query, params=None, log_exceptions=True):
            executed.append((query, params))
            return real_execute(self, query, params, log_exceptions)

        for number in numbers[:200]:
            type(cr).execute = recording_execute
            try:
                executed.clear()
                calls._pbx_find_card(pbx, number)
            finally:
                type(cr).execute = real_execute
            db_times.append(sum(explain_ms(cr._cnx.cursor(), str(q), p) for q, p in executed))
        for number in numbers:
            started = time.perf_counter()
            card = calls._pbx_find_card(pbx, number)
            wall.append((time.perf_counter() - started) * 1000)
            found += bool(card)
        naive = []
        naive_db = []
        raw = cr._cnx.cursor()
        for number in numbers[:naive_samples]:
            pattern = "%" + number[-8:]
            sql = "SELECT id FROM res_partner WHERE replace(phone, ' ', '') ilike %s"
            started = time.perf_counter()
            raw.execute(sql, (pattern,))
            raw.fetchall()
            naive.append((time.perf_counter() - started) * 1000)
            naive_db.append(explain_ms(raw, sql, (pattern,)))
        cr.rollback()
    return {
        "samples": samples,
        "found": found,
        "wall_p50": statistics.median(wall),
        "wall_p95": pct(wall, 0.95),
        "db_p50": statistics.median(db_times),
        "db_p95": pct(db_times, 0.95),
        "naive_samples": naive_samples,
        "naive_p50": statistics.median(naive),
        "naive_p95": pct(naive, 0.95),
        "naive_db_p50": statistics.median(naive_db),
    }


def start_server(pg, port):
    import odoo

    cmd = suite.odoo_command(
        pg,
        DB,
        "--workers=2",
        "--max-cron-threads=0",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--limit-time-real=600",
        "--log-level=warn",
    )
    # Prefork re-executes sys.argv[0] to start its gevent (bus) process, which the webhook does not
    # use: a launcher keeps that process idle instead of letting it load Odoo in a respawn loop.
    launcher = os.path.join(suite.LOCAL, "bench_odoo_launcher.py")
    with open(launcher, "w", encoding="utf-8") as handle:
        handle.write(LAUNCHER % os.path.dirname(os.path.dirname(odoo.__file__)))
    cmd = [sys.executable, launcher, *cmd[2:]]  # drop suite.py's interpreter and launcher
    log = open(os.path.join(suite.LOCAL, "logs", "bench_server.log"), "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=suite.ROOT)
    for _i in range(120):
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=1).status_code == 200:
                return proc
        time.sleep(1)
    proc.terminate()
    raise SystemExit("the Odoo server did not start; see .local/logs/bench_server.log")


def setup_pbx():
    import odoo
    from odoo.modules.registry import Registry

    with Registry(DB).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.crm_phone_auto_lead = True
        pbx = env["crm.pbx"].create({"name": "Bench webhook", "default_country_id": env.ref("base.us").id})
        token = pbx.generate_api_token()
        cr.commit()
        return pbx.id, token


def webhook_bench(port, token, seconds, rate, partners, prefix="bench"):
    url = f"http://127.0.0.1:{port}/crm_telephony/v1/events"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    local = threading.local()
    latencies, failures = [], []
    lock = threading.Lock()
    rng = random.Random(11)
    total_events = int(seconds * rate)
    calls = total_events // 2
    plan = []
    for index in range(calls):
        number = f"+1{2000000000 + rng.randint(1, partners)}"
        plan.append((index, number))
    started = time.perf_counter()

    def send(payload):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        t0 = time.perf_counter()
        try:
            reply = session.post(url, data=json.dumps(payload), headers=headers, timeout=30)
            ok = reply.status_code == 200 and reply.json().get("ok")
        except requests.RequestException as error:
            ok, reply = False, error
        elapsed = (time.perf_counter() - t0) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                failures.append(str(getattr(reply, "status_code", reply)))

    def one_call(item):
        index, number = item
        # open loop: event k is due at started + k / rate
        for offset, kind in ((0, "call_started"), (1, "call_ended")):
            due = started + (2 * index + offset) / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            payload = {
                "event": kind,
                "call_id": f"{prefix}-{index}",
                "direction": "inbound",
                "from": number,
                "to": "+12125550000",
                "timestamp": "2026-03-02T10:00:00Z" if offset == 0 else "2026-03-02T10:02:00Z",
            }
            if offset:
                payload.update(talk_seconds=120, outcome="answered")
            send(payload)

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one_call, plan))
    duration = time.perf_counter() - started
    return {
        "events": len(latencies),
        "calls": calls,
        "duration": duration,
        "throughput": len(latencies) / duration,
        "p50": statistics.median(latencies),
        "p95": pct(latencies, 0.95),
        "p99": pct(latencies, 0.99),
        "failures": failures,
    }


def parallel_duplicates(port, token, partners):
    url = f"http://127.0.0.1:{port}/crm_telephony/v1/events"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    statuses = []
    for index in range(10):
        payload = {
            "event": "call_ended",
            "call_id": f"dup-{index}",
            "direction": "inbound",
            "from": f"+1{2000000000 + index + 1}",
            "to": "+12125550000",
            "timestamp": "2026-03-02T11:00:00Z",
            "talk_seconds": 30,
            "outcome": "answered",
        }
        with ThreadPoolExecutor(max_workers=20) as pool:
            replies = list(
                pool.map(
                    lambda _i, p=payload: requests.post(url, data=json.dumps(p), headers=headers, timeout=60),
                    range(20),
                )
            )
        statuses += [r.status_code for r in replies]
    return statuses


def check_db(pg, pbx_id, calls):
    with contextlib.closing(pg.connect(DB)) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(DISTINCT external_call_id), count(*) FILTER (WHERE state = 'done') "
            "FROM crm_phonecall WHERE pbx_id = %s AND external_call_id LIKE 'bench-%%'",
            (pbx_id,),
        )
        total, distinct, done = cr.fetchone()
        cr.execute(
            "SELECT c.external_call_id, count(m.id) FROM crm_phonecall c "
            "LEFT JOIN mail_message m ON m.model = 'res.partner' AND m.res_id = c.partner_id "
            " AND m.body LIKE '%%' || c.remote_e164 || '%%' AND m.create_date > now() - interval '2 hours' "
            "WHERE c.pbx_id = %s AND c.external_call_id LIKE 'dup-%%' GROUP BY 1 ORDER BY 1",
            (pbx_id,),
        )
        dups = cr.fetchall()
        return {"total": total, "distinct": distinct, "done": done, "expected": calls, "dups": dups}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=500_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import odoo

    pg = suite.Postgres()
    pg.ensure()
    server = None
    try:
        base, _built = suite.build_base(pg, suite.dependencies())
        suite.clone_db(pg, base, DB)
        rc, _lines, log = suite.run_odoo(pg, DB, "-i", "crm_custom,crm_telephony", log_name="bench_install")
        if rc:
            raise SystemExit(f"install failed, see {log}")
        odoo.tools.config.parse_config([*pg.odoo_args(), f"--addons-path={suite.addons_path()}", "-d", DB])
        with contextlib.closing(pg.connect(DB)) as conn:
            gen_seconds = generate(conn, args.partners, args.leads)
        print(f"data generated in {gen_seconds:.0f} s", flush=True)
        look = lookup_bench(pg, args.partners, args.leads)
        print(json.dumps(look, indent=1), flush=True)
        pbx_id, token = setup_pbx()
        port = suite.free_port()
        server = start_server(pg, port)
        webhook_bench(port, token, 3, 20, args.partners, prefix="warmup")
        hook = webhook_bench(port, token, args.seconds, args.rate, args.partners)
        print(json.dumps({k: v for k, v in hook.items() if k != "failures"}, indent=1), flush=True)
        dup_statuses = parallel_duplicates(port, token, args.partners)
        check = check_db(pg, pbx_id, hook["calls"])
        print(json.dumps(check, indent=1), flush=True)
        summary = {
            "cpu_cores": os.cpu_count(),
            "generation_seconds": round(gen_seconds),
            "ratio_wall_p50": round(look["naive_p50"] / look["wall_p50"]),
            "ratio_db_p50": round(look["naive_db_p50"] / look["db_p50"]),
            "webhook_failures": len(hook["failures"]),
            "failure_samples": hook["failures"][:5],
            "duplicate_statuses": sorted(set(dup_statuses)),
            "chatter_lines_per_duplicated_call": sorted({n for _c, n in check["dups"]}),
            "duplicated_calls": len(check["dups"]),
        }
        print("SUMMARY " + json.dumps(summary), flush=True)
    finally:
        if server:
            server.terminate()
            server.wait(30)
        if not args.keep:
            suite.drop_db(pg, DB)
        pg.stop()


if __name__ == "__main__":
    main()
