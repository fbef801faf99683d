#!/usr/bin/env python3
"""Reports from a read replica: a local PostgreSQL primary and its streaming replica, Odoo on both, and
server-side evidence of where each request ran.

    python3 scripts/replica_demo.py             # exit 0: routing as expected; 1: it is not (said why)
    python3 scripts/replica_demo.py --fresh     # rebuild the primary's database first

1. Two private clusters under ``.local/replica/`` (as the ``postgres`` user when run as root): the primary
   (``wal_level=replica``) keeps the database ``crm_replica`` (the three addons with demo data, installed on
   the first run, then reused); the replica is made anew each run with ``pg_basebackup -R`` and streams
   from it as a hot standby. Both load ``pg_stat_statements``, which counts the statements each server ran.
2. Odoo is started with ``db_host``/``db_port`` on the primary and ``db_replica_host``/``db_replica_port``
   on the replica, logged in as admin, and sent, each time after resetting the counters of both servers:
   - a report pivot, ``read_group`` on ``crm.report.sales`` through ``/web/dataset/call_kw`` (what the
     pivot view sends; an ``@api.readonly`` method): its SQL must run on the replica only;
   - a write, ``create`` of a partner through ``/web/dataset/call_kw``: on the primary only;
   - the PBX look-up ``/crm_telephony/v1/lookup`` (a ``readonly`` route) of that partner's number, once
     the replica has replayed the write: on the replica only, and it finds the new partner;
   - a PBX event ``/crm_telephony/v1/events`` (a read/write route): on the primary only;
   - the Excel management report through ``/report/xlsx/...`` (a ``readonly`` route of Odoo's): on the
     replica (the web client downloads through ``/report/download``, a read/write route: the primary).
3. Odoo's log must not hold "retrying with a read/write cursor": no readonly request of ours wrote.

It prints the statements counted on each server, the time each request took and how long the replica
took to replay the write, and exits non-zero when a request did not run where it should.
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time

import bootstrap
import lifecycle
import suite

REPLICA_DIR = os.path.join(suite.LOCAL, "replica")
DB = "crm_replica"
PRIMARY_PORT, REPLICA_PORT = 5433, 5434
FALLBACK = "retrying with a read/write cursor"
PHONE = "+14155550199"  # the demo partner's number, looked up through the PBX route
# the statements that identify each request on a server (pg_stat_statements keeps their text)
REPORT_SQL = '"crm_report_sales"'  # the sales report's table query, aliased by the ORM
LOOKUP_SQL = "phone_e164 ="  # the look-up's indexed query (crm_phonecall_intake._pbx_find_card_info)


def say(msg=""):
    print(msg, flush=True)


class Cluster:
    """A private PostgreSQL cluster in .local/replica/<name>, reached through its own socket directory."""

    OPTIONS = (
        "-c listen_addresses='' -c fsync=off -c wal_level=replica -c max_wal_senders=4 "
        "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
    )

    def __init__(self, name, port, bindir):
        self.name, self.port, self.bindir = name, port, bindir
        self.dir = os.path.join(REPLICA_DIR, name)
        self.data = os.path.join(self.dir, "data")
        self.run_dir = os.path.join(self.dir, "run")
        self.log = os.path.join(self.dir, "server.log")
        self.started = False

    def prepare(self):
        os.makedirs(self.run_dir, exist_ok=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: the postgres user runs it
            problem = lifecycle.postgres_access_problem(self.dir)
            if problem:
                sys.exit(problem)
            for path in (REPLICA_DIR, self.dir, self.run_dir):
                shutil.chown(path, "postgres")

    def pg(self, tool, *args, **kwargs):
        cmd = [os.path.join(self.bindir, tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, cwd=self.dir, check=True, **kwargs)

    def start(self):
        options = f"-k {self.run_dir} -p {self.port} {self.OPTIONS}"
        self.pg(
            "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start", stdout=subprocess.DEVNULL
        )
        self.started = True

    def stop(self):
        if self.started:
            self.pg("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", stdout=subprocess.DEVNULL)
            self.started = False

    def connect(self, dbname=DB):
        import psycopg2

        conn = psycopg2.connect(
            host=self.run_dir, port=self.port, user="odoo", dbname=dbname, application_name="replica-demo"
        )
        conn.autocommit = True
        return conn

    def query(self, sql, params=None, dbname=DB):
        with contextlib.closing(self.connect(dbname)) as conn, conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None

    def odoo_args(self, prefix="db"):
        return [f"--{prefix}_host={self.run_dir}", f"--{prefix}_port={self.port}"]


class PrimaryForSuite:
    """What suite.run_odoo needs of a PostgreSQL server."""

    def __init__(self, cluster):
        self.cluster = cluster

    def odoo_args(self):
        return [*self.cluster.odoo_args(), "--db_user=odoo"]


# --------------------------------------------------------------------------- the two clusters


def start_primary(primary, fresh):
    primary.prepare()
    if fresh and os.path.isdir(primary.data):
        say("--fresh: removing the primary cluster")
        shutil.rmtree(primary.data)
    if not os.path.isfile(os.path.join(primary.data, "PG_VERSION")):
        primary.pg(
            "initdb", "-D", primary.data, "-U", "odoo", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    primary.start()
    say(
        f"Primary: {os.path.relpath(primary.dir, suite.ROOT)} (socket {primary.run_dir}, port {primary.port})"
    )
    installed = primary.query(
        "SELECT 1 FROM pg_database WHERE datname = %s", (DB,), dbname="postgres"
    ) and primary.query("SELECT 1 FROM ir_module_module WHERE name = 'crm_reports' AND state = 'installed'")
    if not installed:
        say(f"Creating {DB} on the primary with the three addons and demo data (a few minutes, once)")
        with contextlib.suppress(Exception):
            primary.query(f'DROP DATABASE IF EXISTS "{DB}"', dbname="postgres")
        started = time.time()
        rc, lines, log = suite.run_odoo(
            PrimaryForSuite(primary),
            DB,
            "-i",
            ",".join(suite.OUR_ADDONS),
            "--no-http",
            log_name="replica-install",
        )
        if rc:
            say("\n".join(lines[-20:]))
            sys.exit(f"Installing the addons on the primary failed; see {log}")
        say(f"  installed in {time.time() - started:.0f} s")
    primary.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")


def start_replica(primary, replica):
    replica.prepare()
    shutil.rmtree(replica.data, ignore_errors=True)
    started = time.time()
    replica.pg(
        "pg_basebackup", "-h", primary.run_dir, "-p", str(primary.port), "-U", "odoo", "-D", replica.data,
        "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    copied = time.time() - started
    replica.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        rows = primary.query("SELECT state FROM pg_stat_replication", dbname="postgres")
        if rows and rows[0][0] == "streaming":
            break
        time.sleep(0.2)
    else:
        sys.exit(f"The replica does not stream from the primary; see {replica.log}")
    in_recovery = replica.query("SELECT pg_is_in_recovery()")[0][0]
    say(
        f"Replica: {os.path.relpath(replica.dir, suite.ROOT)} (socket {replica.run_dir}, "
        f"port {replica.port}), pg_basebackup in {copied:.1f} s, streaming, hot standby "
        f"(pg_is_in_recovery = {in_recovery})"
    )
    return in_recovery


def wait_replayed(primary, replica, timeout=30):
    """Seconds until the replica has replayed everything the primary has written so far."""
    target = primary.query("SELECT pg_current_wal_lsn()")[0][0]
    started = time.time()
    while time.time() - started < timeout:
        if replica.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0][0]:
            return time.time() - started
        time.sleep(0.005)
    sys.exit(f"The replica did not replay {target} within {timeout} s")


# --------------------------------------------------------------------------- Odoo and its requests


def start_odoo(primary, replica, port):
    log = os.path.join(suite.LOCAL, "logs", "replica-odoo.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    cmd = suite.odoo_command(
        PrimaryForSuite(primary),
        DB,
        *replica.odoo_args("db_replica"),
        f"--http-port={port}",
        f"--db-filter=^{DB}$",
        "--max-cron-threads=0",  # only the requests below reach the servers
        "--workers=0",
    )
    with open(log, "w", encoding="utf-8") as fh:
        lifecycle.popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=suite.ROOT)
    import requests

    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/web/login?db={DB}", timeout=5).status_code == 200:
                say(
                    f"Odoo on {url}: db_host/db_port = primary, db_replica_host/db_replica_port = replica "
                    f"(log: {os.path.relpath(log, suite.ROOT)})"
                )
                return url, log
        time.sleep(0.5)
    sys.exit(f"Odoo did not answer; see {log}")


class Client:
    def __init__(self, url):
        import requests

        self.url, self.session = url, requests.Session()

    def rpc(self, path, params):
        reply = self.session.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}, timeout=300
        )
        body = reply.json()
        if "error" in body:
            raise RuntimeError(f"{path}: {body['error'].get('data', {}).get('message') or body['error']}")
        return body["result"]

    def call_kw(self, model, method, args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}", params)


def reset_counters(*clusters):
    for cluster in clusters:
        cluster.query("SELECT pg_stat_statements_reset()")


def counters(cluster):
    """{statement: calls} of the database since the last reset, the monitoring's own left out."""
    rows = cluster.query(
        "SELECT query, calls FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND query NOT LIKE '%%pg_stat_statements%%' AND query NOT LIKE '%%pg_last_wal_replay_lsn%%' "
        "AND query NOT LIKE '%%pg_current_wal_lsn%%'"
    )
    return dict(rows)


class Evidence:
    def __init__(self, primary, replica):
        self.primary, self.replica = primary, replica
        self.failures = []
        self.figures = []

    def measure(self, label, action):
        reset_counters(self.primary, self.replica)
        started = time.time()
        result = action()
        elapsed = time.time() - started
        on = {"primary": counters(self.primary), "replica": counters(self.replica)}
        say(f"\n{label} ({elapsed * 1000:.0f} ms)")
        for server, stats in on.items():
            total = sum(stats.values())
            say(f"  {server}: {total} statements")
            for query, calls in sorted(stats.items(), key=lambda item: -item[1])[:6]:
                say(f"    {calls:3d} x {' '.join(query.split())[:96]}")
        self.figures.append((label, elapsed, sum(on["primary"].values()), sum(on["replica"].values())))
        return result, on

    def expect(self, ok, message):
        say(f"  {'ok' if ok else 'FAILED'}: {message}")
        if not ok:
            self.failures.append(message)


def calls_of(stats, marker):
    return sum(calls for query, calls in stats.items() if marker in query)


def prove(primary, replica, url, log):
    evidence = Evidence(primary, replica)
    client = Client(url)
    client.rpc("/web/session/authenticate", {"db": DB, "login": "admin", "password": "admin"})
    say("Logged in as admin")

    pivot = {"domain": [], "fields": ["revenue:sum", "quantity:sum"], "groupby": ["date:month", "user_id"]}
    groups, on = evidence.measure(
        "Report pivot: read_group on crm.report.sales (month x salesperson) through /web/dataset/call_kw",
        lambda: client.call_kw("crm.report.sales", "read_group", [], lazy=False, **pivot),
    )
    say(f"  {len(groups)} groups, revenue {sum(g.get('revenue') or 0 for g in groups):,.2f}")
    evidence.expect(calls_of(on["replica"], REPORT_SQL) >= 1, "the report's SQL ran on the replica")
    evidence.expect(calls_of(on["primary"], REPORT_SQL) == 0, "the report's SQL did not run on the primary")

    partner_id, on = evidence.measure(
        "Write: create of a partner through /web/dataset/call_kw",
        lambda: client.call_kw("res.partner", "create", [{"name": "Replica Demo Client", "phone": PHONE}]),
    )
    evidence.expect(
        calls_of(on["primary"], 'INSERT INTO "res_partner"') >= 1, "the INSERT ran on the primary"
    )
    evidence.expect(not any("INSERT" in q for q in on["replica"]), "no INSERT reached the replica")
    lag = wait_replayed(primary, replica)
    say(f"  the replica replayed it {lag * 1000:.0f} ms after the request returned")
    evidence.figures.append(("replica replay after the write", lag, 0, 0))

    pbx_id = client.call_kw("crm.pbx", "create", [{"name": "Replica Demo PBX"}])
    token = client.call_kw("crm.pbx", "generate_api_token", [[pbx_id]])
    wait_replayed(primary, replica)
    import requests

    bearer = {"Authorization": f"Bearer {token}"}
    reply, on = evidence.measure(
        "PBX look-up: GET /crm_telephony/v1/lookup (readonly route) of the new partner's number",
        lambda: requests.get(
            f"{url}/crm_telephony/v1/lookup", params={"number": PHONE}, headers=bearer, timeout=60
        ),
    )
    found = reply.status_code == 200 and reply.json().get("id") == partner_id
    evidence.expect(found, f"the look-up found the partner written on the primary ({reply.status_code})")
    evidence.expect(calls_of(on["replica"], LOOKUP_SQL) >= 1, "the look-up's query ran on the replica")
    evidence.expect(
        calls_of(on["primary"], LOOKUP_SQL) == 0, "the look-up's query did not run on the primary"
    )

    event = {
        "event": "call_started",
        "call_id": f"replica-demo-{int(time.time())}",
        "direction": "inbound",
        "from": PHONE,
        "to": "+14155550000",
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    reply, on = evidence.measure(
        "PBX event: POST /crm_telephony/v1/events (read/write route)",
        lambda: requests.post(f"{url}/crm_telephony/v1/events", json=event, headers=bearer, timeout=60),
    )
    evidence.expect(reply.status_code == 200, f"the event was accepted ({reply.status_code})")
    evidence.expect(
        calls_of(on["primary"], "INSERT INTO crm_phonecall") == 1, "the call was inserted on the primary"
    )
    evidence.expect(sum(on["replica"].values()) == 0, "the event did not touch the replica")

    wizard_id = client.call_kw(
        "crm.report.export", "create", [{"report_type": "sales", "date_from": "2000-01-01"}]
    )
    wait_replayed(primary, replica)
    reply, on = evidence.measure(
        "Excel management report: GET /report/xlsx/crm_reports.crm_report_xlsx/<wizard> (readonly route)",
        lambda: client.session.get(f"{url}/report/xlsx/crm_reports.crm_report_xlsx/{wizard_id}", timeout=300),
    )
    is_xlsx = reply.status_code == 200 and reply.content[:2] == b"PK"
    evidence.expect(is_xlsx, f"an Excel file came back ({reply.status_code}, {len(reply.content)} bytes)")
    evidence.expect(calls_of(on["replica"], REPORT_SQL) >= 1, "the report's SQL ran on the replica")
    evidence.expect(calls_of(on["primary"], REPORT_SQL) == 0, "the report's SQL did not run on the primary")

    with open(log, encoding="utf-8") as fh:
        fallbacks = [line for line in fh if FALLBACK in line]
    say("")
    evidence.expect(not fallbacks, f'Odoo\'s log has no "{FALLBACK}" (no readonly request wrote)')
    return evidence


def run(args):
    bindir = suite.Postgres()._bindir()
    primary = Cluster("primary", PRIMARY_PORT, bindir)
    replica = Cluster("replica", REPLICA_PORT, bindir)
    try:
        start_primary(primary, args.fresh)
        start_replica(primary, replica)
        url, log = start_odoo(primary, replica, args.port or suite.free_port())
        evidence = prove(primary, replica, url, log)
    finally:
        lifecycle.stop_children()
        replica.stop()
        primary.stop()
        say("Odoo, the replica and the primary are stopped")
    say("\nFigures (request, time, statements on the primary / on the replica):")
    for label, elapsed, on_primary, on_replica in evidence.figures:
        say(f"  {label.split(':')[0]}: {elapsed * 1000:.0f} ms, {on_primary} / {on_replica}")
    if evidence.failures:
        say(f"\nRouting NOT as expected: {len(evidence.failures)} check(s) failed")
        return 1
    say("\nRouting as expected: reads on the replica, writes on the primary")
    return 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the primary and its database")
    parser.add_argument("--port", type=int, help="Odoo's HTTP port (default: a free one)")
    args = parser.parse_args()
    if not suite.odoo_importable()[0]:
        message, _failed = bootstrap.run_inside_venv(sys.argv)  # returns only when it cannot
        sys.exit(message)
    try:
        with lifecycle.stop_signals():
            return run(args)
    except lifecycle.Stopped as stop:
        say(f"Stopped by {stop.name}")
        return 128 + stop.signum
    except KeyboardInterrupt:
        say("Interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
