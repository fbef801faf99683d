#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lead intake API benchmark: ``POST /crm_custom/v1/leads`` at 50 requests/s with 1,000,000 partners.

    python3 bench/intake_bench.py [--partners 1000000] [--seconds 60] [--rate 50] [--naive-seconds 5]

1. Builds a throwaway database ``crmsuite_bench_intake`` from the cached dependency database of
   ``scripts/suite.py``, installs crm_custom, and generates the partners with the duplicate guard
   benchmark's generator (``bench_duplicate_guard.generate``: one set-based INSERT, an E.164 phone and an
   e-mail each).
2. Duplicate check alone, in process, on the same data: the production look-up
   (``crm.lead.intake._intake_find_card``, the duplicate guard's indexed columns) and the naive one (ORM
   searches as an integrator would write them: ``email =ilike`` and Odoo's ``phone_mobile_search``, i.e.
   sequential scans), wall time per request.
3. The API end to end: a real Odoo server with ``--workers`` HTTP workers on 127.0.0.1, a request mix sent
   on an open-loop schedule at ``--rate`` for ``--seconds`` (latency counted from the due time, at most
   ``--connections`` requests in flight); then the same mix, new ids, for ``--naive-seconds`` against a
   second server on the SAME database whose duplicate check is the naive one (a server-wide module written
   under .local, loaded with ``--load``, replaces ``_intake_find_card``).
4. Checks in the database: every accepted request logged once with its lead, no duplicate lead of a new
   client, 20 parallel deliveries of one request (10 times) give one lead each.
5. Prints the figures (recorded by hand in docs/benchmarks.md), the machine's load and the CPU used per
   request by process kind, and drops the database.

Request mix (seeded): 30 % known clients by e-mail (other case), 25 % known clients by phone (national
format), 30 % new clients (e-mail, phone, message, a product code), 10 % retries of an earlier request
(same request id and body), 5 % invalid (bad e-mail: 400).
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import statistics
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import bench_duplicate_guard  # noqa: E402 - the shared partner generator
import suite  # noqa: E402
import telephony_bench  # noqa: E402 - server start, load generator pieces, CPU accounting

DB = "crmsuite_bench_intake"
NAIVE_MODULE = "crm_intake_bench_naive"
NAIVE_CODE = '''
"""Bench only: the lead intake's duplicate check written the naive way (sequential scans)."""
from odoo.addons.crm_custom.models.crm_lead_intake import CrmLeadIntake


def _intake_find_card(self, company, email=False, phone=False):
    companies = [company.id, False]
    partners = self.env["res.partner"]
    found = partners.browse()
    if email:
        found = partners.search([("email", "=ilike", email), ("company_id", "in", companies)], limit=1)
    if not found and phone:
        # Odoo's own search on phone and mobile (digits compared after REGEXP_REPLACE)
        term = ("phone_mobile_search", "=", phone)
        if "phone_mobile_search" not in partners._fields:
            term = ("phone", "ilike", phone[-10:])
        found = partners.search([term, ("company_id", "in", companies)], limit=1)
    if found:
        lead = self.env["crm.lead"].search(
            [("partner_id", "child_of", found.commercial_partner_id.id), ("stage_id.is_won", "=", False)],
            order="write_date desc",
            limit=1,
        )
        return lead or found
    leads = self.env["crm.lead"]
    if email:
        found = leads.search([("email_from", "=ilike", email)], limit=1)
    if not found and phone:
        found = leads.search([("phone_mobile_search", "=", phone)], limit=1)
    return found or None
'''
NAIVE_PATCH = "\nCrmLeadIntake._intake_find_card = _intake_find_card\n"


def pct(values, q):
    return telephony_bench.pct(values, q)


def request_mix(count, partners, prefix, seed=7, run=0):
    """``count`` request bodies (see the module docstring); repeats reuse an earlier body exactly.

    ``run`` (1000-9999) tells the runs on a kept database apart: the new clients of a run have e-mails
    and phones no earlier run used (+7 9<run><index>, above the generated partners' +7 900…), so that
    they create leads again instead of reaching the leads of the previous run."""
    rng = random.Random(seed)
    prefix = f"{prefix}{run or ''}"
    bodies = []
    for index in range(count):
        kind = rng.random()
        if kind < 0.30:
            n = rng.randint(1, partners)
            body = {"email": f"Client{n}@Bench.Example", "message": "Повторный запрос"}
        elif kind < 0.55:
            num = str(9000000000 + rng.randint(1, partners))
            body = {"phone": f"8 ({num[:3]}) {num[3:6]}-{num[6:8]}-{num[8:]}", "message": "Перезвоните"}
        elif kind < 0.85:
            body = {
                "name": "Заявка с сайта",
                "contact_name": f"New client {prefix} {index}",
                "email": f"{prefix}.{index}@new.example",
                "phone": f"+7 9{run or 1000:04d}{index % 100000:05d}",
                "message": "Нужна консультация по станкам",
                "product_codes": ["BENCH-LATHE"],
                "utm_source": "yandex",
            }
        elif kind < 0.95 and bodies:
            bodies.append(dict(rng.choice([b for b in bodies if "request_id" in b][-50:])))
            continue
        else:
            body = {"email": "not-an-email", "message": "x"}
        body["request_id"] = f"{prefix}-{index}"
        bodies.append(body)
    return bodies


def setup(env):
    """A Russian company, a web team of 10 salespeople, a product, a source with a key (high rate limit)."""
    env.company.country_id = env.ref("base.ru")
    users = env["res.users"]
    for index in range(10):
        login = f"bench_web_{index}"
        users |= env["res.users"].search([("login", "=", login)]) or env["res.users"].create(
            {
                "login": login,
                "name": f"Bench Web {index}",
                "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
            }
        )
    team = env["crm.team"].create({"name": "Bench web team", "user_id": users[0].id})
    env["crm.team.member"].create([{"crm_team_id": team.id, "user_id": u.id} for u in users])
    env["product.product"].create({"name": "Bench lathe", "default_code": "BENCH-LATHE", "sale_ok": True})
    source = env["crm.lead.intake.source"].create(
        {"name": "Bench form", "team_id": team.id, "rate_limit": 1000000}
    )
    env.company.crm_duplicate_guard = "warn"
    return source, source.sudo()._generate_key()


def find_card_bench(env, partners, samples=300, naive_samples=20):
    """Wall milliseconds of the production look-up and of the naive one, in process, same keys."""
    rng = random.Random(3)
    keys = []
    for _i in range(samples):
        n = rng.randint(1, partners)
        if rng.random() < 0.5:
            keys.append({"email": f"client{n}@bench.example"})
        else:
            keys.append({"phone": f"+7{9000000000 + n}"})
    intake = env["crm.lead.intake"]
    company = env.company
    prod, found = [], 0
    for key in keys:
        started = time.perf_counter()
        found += bool(intake._intake_find_card(company, **key))
        prod.append((time.perf_counter() - started) * 1000)
    ns = {}
    exec(compile(NAIVE_CODE, "naive", "exec"), ns)  # noqa: S102 - the bench's own code
    naive_find = ns["_intake_find_card"]
    naive, naive_found = [], 0
    for key in keys[:naive_samples]:
        started = time.perf_counter()
        naive_found += bool(naive_find(intake, company, **key))
        naive.append((time.perf_counter() - started) * 1000)
    return {
        "samples": samples,
        "found": found,
        "p50": statistics.median(prod),
        "p95": pct(prod, 0.95),
        "naive_samples": naive_samples,
        "naive_found": naive_found,
        "naive_p50": statistics.median(naive),
        "naive_p95": pct(naive, 0.95),
    }


def _http_request(body, key):
    payload = json.dumps(body).encode()
    return (
        "POST /crm_custom/v1/leads HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload


async def _post(port, request, due):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    status = None
    try:
        transport, _protocol = await loop.create_connection(
            lambda: telephony_bench._Delivery(request, done), "127.0.0.1", port
        )
        try:
            reply = await asyncio.wait_for(done, 60)
        finally:
            transport.close()
        head, _sep, _payload = reply.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
    except (OSError, ValueError, IndexError, asyncio.TimeoutError) as exc:
        status = repr(exc)
    return (time.perf_counter() - due) * 1000, status


async def _open_loop(port, key, bodies, rate, connections):
    results, lags = [], []
    pool = asyncio.Semaphore(connections)
    prepared = [_http_request(body, key) for body in bodies]

    async def fire(request, due):
        async with pool:
            lags.append((time.perf_counter() - due) * 1000)
            results.append(await _post(port, request, due))

    tasks = []
    started = time.perf_counter()
    for index, request in enumerate(prepared):
        due = started + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(request, due)))
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - started, lags


def load(pg, port, key, bodies, rate, connections):
    """The open-loop load, with the CPU used per request by process kind and the machine's share."""
    calibration_ms = telephony_bench.calibrate()
    load_before = os.getloadavg()
    sampler, ticks_before = telephony_bench.CpuSampler(pg), telephony_bench.machine_ticks()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        results, duration, lags = asyncio.run(_open_loop(port, key, bodies, rate, connections))
    finally:
        gc.enable()
        gc.unfreeze()
    machine = sampler.totals()
    ticks = {k: v - ticks_before[k] for k, v in telephony_bench.machine_ticks().items()}
    latencies = [latency for latency, _status in results]
    statuses = {}
    for _latency, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    expected = {"200", "400"}
    return {
        "requests": len(results),
        "duration": round(duration, 1),
        "throughput": round(len(results) / duration, 1),
        "p50": round(statistics.median(latencies), 1),
        "p95": round(pct(latencies, 0.95), 1),
        "p99": round(pct(latencies, 0.99), 1),
        "max": round(max(latencies), 1),
        "statuses": statuses,
        "unexpected": sum(n for status, n in statuses.items() if status not in expected),
        "send_lag_p95": round(pct(lags, 0.95), 1),
        "calibration_ms": calibration_ms,
        "loadavg_before": [round(v, 2) for v in load_before],
        "loadavg_after": [round(v, 2) for v in os.getloadavg()],
        "cpu_ms_per_request": {kind: round(used * 1000 / len(results), 2) for kind, used in machine.items()},
        "machine_share": {k: round(v / sum(ticks.values()), 3) for k, v in ticks.items()},
    }


def parallel_duplicates(port, key):
    """10 requests, each delivered 20 times in parallel: one lead each, every reply the same."""
    url = f"http://127.0.0.1:{port}/crm_custom/v1/leads"
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    leads, statuses = set(), []
    for index in range(10):
        body = json.dumps({"email": f"parallel.{index}@new.example", "request_id": f"parallel-{index}"})
        with ThreadPoolExecutor(max_workers=20) as pool:
            replies = list(
                pool.map(
                    lambda _i, b=body: requests.post(url, data=b, headers=headers, timeout=120), range(20)
                )
            )
        statuses += [r.status_code for r in replies]
        leads.add(tuple(sorted({r.json().get("lead_id") for r in replies if r.status_code == 200})))
    return sorted(set(statuses)), sorted(leads)


def check_db(pg, source_id):
    with contextlib.closing(pg.connect(DB)) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(DISTINCT request_id), count(lead_id) FROM crm_lead_intake_request "
            "WHERE source_id = %s",
            (source_id,),
        )
        logged, distinct, with_lead = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM (SELECT email_normalized FROM crm_lead WHERE intake_source_id = %s "
            "GROUP BY email_normalized HAVING count(*) > 1) d",
            (source_id,),
        )
        duplicated = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_lead WHERE intake_source_id = %s", (source_id,))
        leads = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mail_activity a JOIN crm_lead l ON l.id = a.res_id "
            "WHERE a.res_model = 'crm.lead' AND l.intake_source_id = %s",
            (source_id,),
        )
        activities = cr.fetchone()[0]
    return {
        "requests_logged": logged,
        "distinct_request_ids": distinct,
        "new_leads": leads,
        "new_clients_with_two_leads": duplicated,
        "first_contact_activities_on_new_leads": activities,
        "requests_on_a_lead": with_lead,
    }


def write_naive_module():
    root = os.path.join(suite.LOCAL, "bench_addons", NAIVE_MODULE)
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "__init__.py"), "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(NAIVE_CODE) + NAIVE_PATCH)
    with open(os.path.join(root, "__manifest__.py"), "w", encoding="utf-8") as handle:
        handle.write(
            "{'name': 'Bench: naive intake duplicate check', 'depends': ['crm_custom'],"
            " 'installable': True}\n"
        )
    return os.path.dirname(root)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--naive-seconds",
        type=int,
        default=5,
        help="seconds of load against the naive server (it falls behind at once; its backlog takes minutes)",
    )
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--connections", type=int, default=16, help="requests in flight at most")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args()

    import odoo
    from odoo.modules.registry import Registry

    telephony_bench.DB = DB  # its server start and vacuum work on this database
    run_id = 1000 + int(time.time()) // 60 % 9000  # new clients of this run: never seen by an earlier run
    pg = suite.Postgres()
    pg.ensure()
    server = None
    summary = {"cpu_cores": os.cpu_count(), "workers": args.workers, "rate": args.rate}
    try:
        if not args.reuse:
            base, _built = suite.build_base(pg, suite.dependencies())
            suite.clone_db(pg, base, DB)
            rc, _lines, log = suite.run_odoo(pg, DB, "-i", "crm_custom", log_name="bench_intake_install")
            if rc:
                raise SystemExit(f"install failed, see {log}")
        odoo.tools.config.parse_config([*pg.odoo_args(), f"--addons-path={suite.addons_path()}", "-d", DB])
        with Registry(DB).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            gen_seconds, partners = bench_duplicate_guard.generate(env, args.partners)
            source, key = setup(env)
            source_id = source.id
            cr.commit()
            print(f"{partners} partners (generated in {gen_seconds:.0f} s)", flush=True)
            summary["find_card"] = find_card_bench(env, args.partners)
            print(json.dumps(summary["find_card"]), flush=True)
            cr.rollback()
        telephony_bench.vacuum(pg, "res_partner", "crm_lead", "mail_message", "mail_activity")

        port = suite.free_port()
        server = telephony_bench.start_server(pg, port, cron_threads=0, workers=args.workers)
        load(pg, port, key, request_mix(100, args.partners, "warmup", run=run_id), 20, args.connections)
        run = load(
            pg,
            port,
            key,
            request_mix(args.seconds * args.rate, args.partners, "bench", run=run_id),
            args.rate,
            args.connections,
        )
        print("production " + json.dumps(run), flush=True)
        summary["production"] = run
        statuses, leads = parallel_duplicates(port, key)
        summary["parallel_statuses"], summary["parallel_leads_per_request"] = (
            statuses,
            sorted({len(s) for s in leads}),
        )
        server.terminate()
        server.wait(30)
        server = None

        # the same mix (new ids) against the naive duplicate check, on the same database
        naive_path = write_naive_module()
        os.environ["BENCH_ODOO_ARGS"] = f"--load=base,web,{NAIVE_MODULE}"
        saved = suite.addons_path
        suite.addons_path = lambda: f"{saved()},{naive_path}"
        try:
            server = telephony_bench.start_server(pg, port, cron_threads=0, workers=args.workers)
        finally:
            suite.addons_path = saved
            del os.environ["BENCH_ODOO_ARGS"]
        naive = load(
            pg,
            port,
            key,
            request_mix(args.naive_seconds * args.rate, args.partners, "naive", seed=8, run=run_id),
            args.rate,
            args.connections,
        )
        print("naive " + json.dumps(naive), flush=True)
        summary["naive"] = naive
        summary["ratio_p50"] = round(naive["p50"] / run["p50"], 1)
        summary["ratio_p95"] = round(naive["p95"] / run["p95"], 1)
        summary["check"] = check_db(pg, source_id)
        print("SUMMARY " + json.dumps(summary), flush=True)
    finally:
        if server:
            server.terminate()
            server.wait(30)
        if not (args.keep or args.reuse):
            suite.drop_db(pg, DB)
        pg.stop()


if __name__ == "__main__":
    main()
