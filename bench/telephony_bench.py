#!/usr/bin/env python3
"""Telephony benchmarks (issue 5): caller look-up at scale and the webhook end to end.

    python3 bench/telephony_bench.py [--partners 1000000] [--leads 500000] [--seconds 60] [--rate 200]

1. Builds a throwaway database ``crmsuite_bench_telephony`` from the cached dependency database of
   ``scripts/suite.py`` and installs crm_custom + crm_telephony in it.
2. Look-up: generates partners and leads with set-based SQL (INSERT ... SELECT generate_series), then times
   ``crm.phonecall._pbx_find_card_info`` (the look-up endpoint's code path, through the registry) on random
   existing and unknown numbers, and the naive ``replace(phone, ' ', '') ilike '%<last 8 digits>'`` scan
   (how OCA base_phone looks callers up) in the same run. Database time is measured server-side with
   ``EXPLAIN (ANALYZE)`` on the same statements; wall time (client side) is reported too.
3. Webhook: starts a real Odoo server with ``--workers`` HTTP workers (default: 2 per core + 1, Odoo's
   sizing rule) on 127.0.0.1 only (``-d`` without
   ``--db-filter``), sends a realistic call mix (see ``call_plan``) on an open-loop schedule at ``--rate``
   for ``--seconds`` with at most ``--connections`` deliveries in flight (latency counted from the due
   time), waits until the PBX events job has done its work (or, with ``--job-after-load``, starts a cron
   worker only then), checks in the database that every call exists once, ended, with one chatter line;
   then fires 20 identical deliveries in parallel for 10 calls and checks one call and one chatter line each.
4. Prints the figures (recorded by hand in docs/benchmarks.md) and drops the database.
"""

import argparse
import asyncio
import contextlib
import gc
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
import dataset  # noqa: E402 - the shared benchmark dataset builder
import suite  # noqa: E402
from benchlib import calibrate  # noqa: E402 - the CPU calibration of every benchmark (intake_bench uses it too)

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


def generate(pg, conn, partners, leads):
    ensure_templates()
    started = time.time()
    # partners by the shared dataset builder: "+1 2000000001" phones, a mobile on every second one, one in
    # five a company, no e-mail, shared between companies, creation dates one second apart
    with dataset.environment(pg, DB) as env:
        dataset.Dataset(env, verbose=False).partners(
            partners,
            prefix="Bench client ",
            country_code="1",
            phone_base=2000000000,
            phone_style="plain",
            mobile_base=3000000000,
            mobile_every=2,
            email_domain=None,
            company_every=5,
            customer_rank_mod=3,
            company_id=None,
            spread_seconds=1,
            crm_fields=False,
        )
    with conn.cursor() as cr:
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
        company_id = pbx._pbx_intake_config()["company_id"]  # cached from here on, as in a worker
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
                calls._pbx_find_card_info(company_id, number)
            finally:
                type(cr).execute = real_execute
            db_times.append(sum(explain_ms(cr._cnx.cursor(), str(q), p) for q, p in executed))
        for number in numbers:
            started = time.perf_counter()
            card = calls._pbx_find_card_info(company_id, number)
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


def start_server(pg, port, cron_threads=1, workers=2):
    import odoo

    cmd = suite.odoo_command(
        pg,
        DB,
        f"--workers={workers}",
        f"--max-cron-threads={cron_threads}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--limit-time-real=600",
        "--log-level=warn",
        *os.environ.get("BENCH_ODOO_ARGS", "").split(),
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
    """A PBX whose number +1 212 555 0000 routes to a team of 10 salespeople with extensions 801-810,
    who also own the generated clients (round robin), so pop-ups and call backs have someone to reach."""
    import odoo
    from odoo.modules.registry import Registry

    with Registry(DB).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.crm_phone_auto_lead = True
        users = env["res.users"]
        for index in range(10):
            login = f"bench_sales_{index}"
            user = env["res.users"].search([("login", "=", login)]) or env["res.users"].create(
                {
                    "login": login,
                    "name": f"Bench Sales {index}",
                    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
                }
            )
            user.pbx_extension = str(801 + index)
            users |= user
        team = env["crm.team"].create({"name": "Bench phone team", "user_id": users[0].id})
        env["crm.team.member"].create([{"crm_team_id": team.id, "user_id": u.id} for u in users])
        pbx = env["crm.pbx"].create(
            {
                "name": "Bench webhook",
                "default_country_id": env.ref("base.us").id,
                "route_ids": [(0, 0, {"number": "+1 212 555 0000", "team_id": team.id})],
                "recording_policy": "link",
            }
        )
        token = pbx.generate_api_token()
        cr.execute(
            "UPDATE res_partner SET user_id = (%s::int[])[1 + mod(id, 10)] WHERE name LIKE 'Bench client %%' "
            "AND user_id IS DISTINCT FROM (%s::int[])[1 + mod(id, 10)]",
            (users.ids, users.ids),
        )
        cr.commit()
        return pbx.id, token


def call_plan(count, partners, leads, prefix, seed=11):
    """Events of ``count`` calls, in the order a PBX sends them while calls overlap.

    Callers: 85 % known clients, 10 % open leads, 5 % unknown numbers (a new lead each). Outcomes:
    75 % answered (call_started; call_answered with the extension 3 s later; call_ended 9 s later with
    talk seconds and a recording link), 25 % missed (call_started; call_ended after 9 s; the same
    call_ended delivered again 3 s later, as a PBX retry). Three events per call."""
    rng = random.Random(seed)
    timed = []
    for index in range(count):
        kind = rng.random()
        if kind < 0.85:
            number = f"+1{2000000000 + rng.randint(1, partners)}"
        elif kind < 0.95:
            lead = rng.randint(1, leads - 1)
            number = f"+1{4000000000 + lead + (lead % 10 == 0)}"  # every 10th generated lead is lost
        else:
            number = f"+1{5550000000 + index}"
        answered = rng.random() < 0.75
        extension = str(801 + rng.randrange(10))
        base = {
            "call_id": f"{prefix}-{index}",
            "direction": "inbound",
            "from": number,
            "to": "+12125550000",
        }
        at = index * 3.0  # abstract time unit: one call starts every 3 events
        timed.append((at, dict(base, event="call_started", timestamp="2026-03-02T10:00:00Z")))
        ended = dict(base, event="call_ended", timestamp="2026-03-02T10:00:09Z")
        if answered:
            timed.append(
                (
                    at + 600,
                    dict(base, event="call_answered", timestamp="2026-03-02T10:00:03Z", extension=extension),
                )
            )
            ended.update(
                talk_seconds=6, outcome="answered", recording_url=f"https://pbx.example.com/rec/{index}.mp3"
            )
            timed.append((at + 1800, ended))
        else:
            ended.update(talk_seconds=0, outcome="no_answer")
            timed.append((at + 1800, ended))
            timed.append((at + 2400, dict(ended)))
    timed.sort(key=lambda item: item[0])
    return [payload for _at, payload in timed]


class _Delivery(asyncio.Protocol):
    """One HTTP/1.0 request on its own connection, the whole reply collected until the server closes
    it. A bare protocol instead of asyncio streams: the load generator shares the CPU with the
    server, so it should spend as little of it as it can."""

    def __init__(self, request, done):
        self.request, self.done, self.chunks = request, done, []

    def connection_made(self, transport):
        transport.write(self.request)

    def data_received(self, data):
        self.chunks.append(data)

    def connection_lost(self, exc):
        if not self.done.done():
            if exc:
                self.done.set_exception(exc)
            else:
                self.done.set_result(b"".join(self.chunks))


def _request(body, token):
    return (
        "POST /crm_telephony/v1/events HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _post(port, request, due):
    """One delivery of a prepared request on its own connection; the latency counts from ``due``
    (the moment the PBX wanted to send it), so time spent waiting for a free connection is included."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    try:
        transport, _protocol = await loop.create_connection(
            lambda: _Delivery(request, done), "127.0.0.1", port
        )
        try:
            reply = await asyncio.wait_for(done, 30)
        finally:
            transport.close()
        head, _sep, payload = reply.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        ok = status == 200 and json.loads(payload).get("ok") is True
        error = None if ok else f"{status} {payload[:120]!r}"
    except (OSError, ValueError, IndexError, asyncio.TimeoutError) as exc:
        error = repr(exc)
    return (time.perf_counter() - due) * 1000, error


async def _open_loop(port, token, events, rate, connections):
    """Event k is due at started + k / rate whatever the replies (open loop); like a PBX's sender
    pool, at most ``connections`` deliveries are in flight, the others wait for a free one (and
    that wait counts in their latency)."""
    results = []
    pool = asyncio.Semaphore(connections)
    requests_ = [_request(json.dumps(payload).encode(), token) for payload in events]

    async def fire(request, due):
        async with pool:
            lags.append((time.perf_counter() - due) * 1000)
            results.append(await _post(port, request, due))

    lags = []

    tasks = []
    started = time.perf_counter()
    for index, request in enumerate(requests_):
        due = started + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(request, due)))
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - started, lags


def _odoo_kind(cmdline):
    if b"WorkerCron" in cmdline:  # worker titles need the setproctitle package
        return "odoo_cron"
    if b"WorkerHTTP" in cmdline or b"bench_odoo_launcher" in cmdline:
        return "odoo_http"
    return None


def _pg_backends(cr):
    """{PostgreSQL backend pid: kind of the Odoo process it serves} (Odoo names its connections
    ``odoo-<pid>``); the other PostgreSQL processes (autovacuum, WAL writer, checkpointer...) count as
    ``postgres_other``."""
    kinds = {}
    cr.execute("SELECT pid, application_name FROM pg_stat_activity WHERE application_name LIKE 'odoo-%%'")
    for pid, app in cr.fetchall():
        try:
            with open(f"/proc/{app[5:]}/cmdline", "rb") as handle:
                kind = _odoo_kind(handle.read())
        except (OSError, ValueError):
            kind = None
        if kind:
            kinds[str(pid)] = "postgres_" + kind[5:]
    return kinds


def cpu_seconds():
    """{pid: (kind, CPU seconds used so far)} of the processes on this machine; kinds: the Odoo server
    (HTTP workers and cron worker), PostgreSQL, this client, the rest (Linux: /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    used_by_pid = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                stat = handle.read()
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except OSError:
            continue
        fields = stat.rpartition(b")")[2].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(pid) == os.getpid():
            kind = "client"
        elif cmdline.startswith(b"postgres") or b"/postgres" in cmdline.split(b"\0")[0]:
            kind = "postgres_other"
            # the time of ended backends is added to the postmaster's cutime + cstime when reaped
            used_by_pid[pid + "/ended"] = ("postgres_ended", (int(fields[13]) + int(fields[14])) / tick)
        else:
            kind = _odoo_kind(cmdline) or "other"
        used_by_pid[pid] = (kind, used)
    return used_by_pid


def machine_ticks():
    """Machine-wide CPU time (Linux /proc/stat): busy, idle and stolen by the hypervisor."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = values[:8]
    return {"busy": user + nice + system + irq + softirq, "idle": idle + iowait, "steal": steal}


class CpuSampler:
    """CPU seconds by process kind over a period, sampled every second in a thread: PostgreSQL
    backends come and go (the cron worker closes its connections after each run), so each one is
    attributed to the Odoo process it served while it was alive."""

    KINDS = (
        "odoo_http",
        "odoo_cron",
        "postgres_http",
        "postgres_cron",
        "postgres_ended",
        "postgres_other",
        "client",
        "other",
    )

    def __init__(self, pg):
        self.conn = pg.connect("postgres")
        self.conn.autocommit = True
        self.first, self.last = cpu_seconds(), {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _sample(self):
        with self.conn.cursor() as cr:
            kinds = _pg_backends(cr)
        for pid, (kind, used) in cpu_seconds().items():
            self.last[pid] = (kinds.get(pid, self.last.get(pid, (kind,))[0]), used)

    def _run(self):
        while not self.stop.wait(1.0):
            self._sample()

    def totals(self):
        self.stop.set()
        self.thread.join()
        self._sample()
        self.conn.close()
        totals = dict.fromkeys(self.KINDS, 0.0)
        for pid, (kind, used) in self.last.items():
            totals[kind] += used - self.first.get(pid, (kind, 0.0))[1]
        return totals


def webhook_bench(pg, port, token, seconds, rate, partners, leads, prefix="bench", connections=8):
    calls = int(seconds * rate) // 3
    events = call_plan(calls, partners, leads, prefix)
    calibration_ms = calibrate()
    cpu_before = time.process_time()
    sampler, ticks_before = CpuSampler(pg), machine_ticks()
    # the load generator must not stall: no cyclic garbage collection of the Odoo registry this
    # process loaded for the set-up (its full collections took tens of milliseconds) during the load
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        results, duration, lags = asyncio.run(_open_loop(port, token, events, rate, connections))
    finally:
        gc.enable()
        gc.unfreeze()
    machine = sampler.totals()
    ticks = {key: value - ticks_before[key] for key, value in machine_ticks().items()}
    latencies = [latency for latency, _error in results]
    failures = [error for _latency, error in results if error]
    return {
        "events": len(results),
        "calls": calls,
        "duration": duration,
        "throughput": len(results) / duration,
        "p50": statistics.median(latencies),
        "p95": pct(latencies, 0.95),
        "p99": pct(latencies, 0.99),
        "max": max(latencies),
        # client health: how late deliveries left (waiting for one of the --connections in flight
        # included); a late start is part of the latency above
        "send_lag_p95": pct(lags, 0.95),
        "send_lag_max": max(lags),
        "calibration_ms": calibration_ms,
        "client_cpu_seconds": time.process_time() - cpu_before,
        # CPU milliseconds per event during the load, by process kind (2 cores = 2,000 ms per second)
        "cpu_ms_per_event": {kind: round(used * 1000 / len(results), 2) for kind, used in machine.items()},
        # share of the machine's CPU time during the load (steal: taken by the hypervisor)
        "machine_share": {key: round(value / sum(ticks.values()), 3) for key, value in ticks.items()},
        "failures": failures,
    }


def vacuum(pg, *tables):
    with contextlib.closing(pg.connect(DB)) as conn:
        conn.autocommit = True
        with conn.cursor() as cr:
            for table in tables:
                cr.execute(f"VACUUM (ANALYZE) {table}")
            cr.execute("CHECKPOINT")


def wait_for_queue(pg, timeout=900):
    """Seconds until the PBX events job has no pending call left."""
    started = time.perf_counter()
    with contextlib.closing(pg.connect(DB)) as conn:
        conn.autocommit = True
        with conn.cursor() as cr:
            while time.perf_counter() - started < timeout:
                cr.execute("SELECT count(*) FROM crm_phonecall WHERE pbx_popup_pending OR pbx_end_pending")
                if not cr.fetchone()[0]:
                    return time.perf_counter() - started
                time.sleep(0.5)
    return None


def parallel_duplicates(port, token):
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


def check_db(pg, pbx_id, calls, started_at):
    """Every planned call exactly once, ended, logged once on its card; call backs for missed calls."""
    with contextlib.closing(pg.connect(DB)) as conn, conn.cursor() as cr:
        cr.execute(
            """
            SELECT count(*), count(DISTINCT external_call_id), count(*) FILTER (WHERE state = 'done'),
                   count(*) FILTER (WHERE card_logged), count(*) FILTER (WHERE lead_created),
                   count(*) FILTER (WHERE outcome = 'no_answer'),
                   count(*) FILTER (WHERE outcome = 'no_answer' AND callback_activity_id IS NOT NULL),
                   count(*) FILTER (WHERE outcome = 'answered' AND recording_state = 'link')
              FROM crm_phonecall WHERE pbx_id = %s AND external_call_id LIKE 'bench-%%'
            """,
            (pbx_id,),
        )
        keys = ("total", "distinct", "done", "logged", "leads_created", "missed", "call_backs", "recordings")
        result = dict(zip(keys, cr.fetchone(), strict=True))
        cr.execute(
            "SELECT count(*) FROM mail_message WHERE create_date >= %s AND body LIKE %s",
            (started_at, "%Inbound call +1%"),
        )
        result["chatter_lines"] = cr.fetchone()[0]
        cr.execute(
            "SELECT c.external_call_id, count(m.id) FROM crm_phonecall c "
            "LEFT JOIN mail_message m ON m.res_id = COALESCE(c.opportunity_id, c.partner_id) "
            " AND m.model = CASE WHEN c.opportunity_id IS NULL THEN 'res.partner' ELSE 'crm.lead' END "
            " AND m.body LIKE '%%' || c.remote_e164 || '%%' AND m.create_date >= %s "
            "WHERE c.pbx_id = %s AND c.external_call_id LIKE 'dup-%%' GROUP BY 1 ORDER BY 1",
            (started_at, pbx_id),
        )
        result["dups"] = cr.fetchall()
        result["expected"] = calls
        return result


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--partners", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=500_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument(
        "--connections", type=int, default=8, help="deliveries in flight at most (the PBX's sender pool)"
    )
    parser.add_argument(
        "--job-after-load",
        action="store_true",
        help="no cron worker during the load (the webhook alone); one is started afterwards to drain the job",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="Odoo HTTP workers (default: Odoo's sizing rule, 2 per CPU core + 1)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a kept database (same --partners/--leads), skip the look-up part",
    )
    args = parser.parse_args()

    import odoo

    pg = suite.Postgres()
    pg.ensure()
    server = None
    summary = {"cpu_cores": os.cpu_count(), "workers": args.workers}
    try:
        if not args.reuse:
            base, _built = suite.build_base(pg, suite.dependencies())
            suite.clone_db(pg, base, DB)
            rc, _lines, log = suite.run_odoo(
                pg, DB, "-i", "crm_custom,crm_telephony", log_name="bench_install"
            )
            if rc:
                raise SystemExit(f"install failed, see {log}")
        odoo.tools.config.parse_config([*pg.odoo_args(), f"--addons-path={suite.addons_path()}", "-d", DB])
        if not args.reuse:
            with contextlib.closing(pg.connect(DB)) as conn:
                gen_seconds = generate(pg, conn, args.partners, args.leads)
            print(f"data generated in {gen_seconds:.0f} s", flush=True)
            look = lookup_bench(pg, args.partners, args.leads)
            print(json.dumps(look, indent=1), flush=True)
            summary.update(
                generation_seconds=round(gen_seconds),
                ratio_wall_p50=round(look["naive_p50"] / look["wall_p50"]),
                ratio_db_p50=round(look["naive_db_p50"] / look["db_p50"]),
            )
        with contextlib.closing(pg.connect(DB)) as conn, conn.cursor() as cr:
            cr.execute("DELETE FROM crm_phonecall WHERE external_call_id ~ '^(bench|warmup|dup)-'")
            conn.commit()
        pbx_id, token = setup_pbx()
        # the generation and setup_pbx (a new salesperson on every partner) leave millions of new and dead
        # row versions: vacuum them and write the dirty pages out now (as autovacuum and checkpoints would
        # long before a real load), not during the run
        vacuum(pg, "res_partner", "crm_lead", "crm_phonecall", "ir_cron_trigger", "mail_message")
        port = suite.free_port()
        server = start_server(pg, port, cron_threads=0 if args.job_after_load else 1, workers=args.workers)
        webhook_bench(pg, port, token, 3, 20, args.partners, args.leads, prefix="warmup")
        if not args.job_after_load:
            wait_for_queue(pg)
        with contextlib.closing(pg.connect(DB)) as conn, conn.cursor() as cr:
            cr.execute("SELECT now() at time zone 'UTC'")
            started_at = cr.fetchone()[0]
        hook = webhook_bench(
            pg, port, token, args.seconds, args.rate, args.partners, args.leads, connections=args.connections
        )
        print(json.dumps({k: v for k, v in hook.items() if k != "failures"}, indent=1), flush=True)
        if args.job_after_load:
            server.terminate()
            server.wait(30)
            server = start_server(pg, port, workers=args.workers)
        drain = wait_for_queue(pg)
        print(f"PBX events job: queue empty {drain:.1f} s after the last reply", flush=True)
        dup_statuses = parallel_duplicates(port, token)
        wait_for_queue(pg)
        check = check_db(pg, pbx_id, hook["calls"], started_at)
        print(json.dumps({k: v for k, v in check.items() if k != "dups"}, indent=1), flush=True)
        summary.update(
            webhook_failures=len(hook["failures"]),
            failure_samples=hook["failures"][:5],
            queue_drain_seconds=round(drain, 1),
            duplicate_statuses=sorted(set(dup_statuses)),
            chatter_lines_per_duplicated_call=sorted({n for _c, n in check["dups"]}),
            duplicated_calls=len(check["dups"]),
        )
        with open(os.path.join(suite.LOCAL, "logs", "bench_server.log"), encoding="utf-8") as handle:
            # statements that failed on a serialization failure (Odoo logs each before replaying it)
            summary["serialization_failures"] = handle.read().count("could not serialize access")
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
