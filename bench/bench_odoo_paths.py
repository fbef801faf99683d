#!/usr/bin/env python3
"""Benchmark: Odoo's own CRM paths with our addons installed — lead assignment and mass conversion.

What our addons cost on the paths Odoo runs for everybody: the lead-assignment job on 1,000 leads and the
mass conversion of 500 leads by a sales manager, measured (queries and wall time) on three databases built
from the same cached dependencies database, in the same run:

- ``deps``: the dependencies only (what Odoo costs without our addons);
- ``before``: our addons as they were at ``--before`` (a git revision, default: before the card checks
  were batched);
- ``after``: our addons as in the working tree.

Our addons run with their default settings (duplicate guard Warn, lost reason required, the demo data's
completeness rules). Each database gets the same data (fixed seed): 100 existing clients, 1,000 fresh
unassigned leads for the assignment (5 % of them repeat another lead's e-mail and are merged, 10 % carry an
existing client's e-mail), 500 leads of another team for the conversion, 2 teams of 5 salespeople; created
through the ORM, not SQL (1,600 records, once per database: the paths measured read the columns Odoo computes
when a lead is created). Each path
runs in a savepoint rolled back afterwards, once to warm the caches and then ``--runs`` times; the job runs
as in Odoo's tests (no intermediate commits). Queries are counted on the cursor, flush included.

    python3 bench/bench_odoo_paths.py                 # build (or reuse) the three databases and measure
    python3 bench/bench_odoo_paths.py --drop          # drop them afterwards

Prints a Markdown table for docs/benchmarks.md.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import suite  # noqa: E402

BEFORE_REF = "0f770d4"  # the card checks before they were batched (duplicate guard, scores, policies)
ASSIGN, CONVERT, CLIENTS = 1000, 500, 100
PREFIX = "Paths bench"


# --------------------------------------------------------------------------- inside Odoo (measure)


def generate(env):
    """The same data in every database (fixed seed); committed, reused by later runs."""
    rnd = random.Random(19)
    russia = env.ref("base.ru")
    clients = env["res.partner"].create(
        [
            {
                "name": f"{PREFIX} client {n}",
                "is_company": True,
                "email": f"client{n}@paths.example",
                "phone": f"+7 495 {600 + n // 100:03d}-{n % 100:02d}-00",
                "country_id": russia.id,
            }
            for n in range(CLIENTS)
        ]
    )
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True)
        .create(
            [
                {
                    "name": f"{PREFIX} salesperson {n}",
                    "login": f"paths_bench_{n}",
                    "email": f"sales{n}@paths.example",
                    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman_all_leads").id])],
                }
                for n in range(10)
            ]
        )
    )
    manager = env["res.users"].create(
        {
            "name": f"{PREFIX} manager",
            "login": "paths_bench_manager",
            "email": "manager@paths.example",
            "groups_id": [(6, 0, [env.ref("sales_team.group_sale_manager").id])],
        }
    )
    teams = env["crm.team"].create(
        [
            {"name": f"{PREFIX} team {n}", "use_leads": True, "assignment_optout": False, "sequence": 900 + n}
            for n in range(3)
        ]
    )
    env["crm.team.member"].create(
        [
            {"crm_team_id": teams[n // 5].id, "user_id": user.id, "assignment_max": 3000}
            for n, user in enumerate(users)
        ]
    )

    def lead_values(n, team):
        email = f"lead{n}@paths.example"
        if rnd.random() < 0.10:
            email = clients[rnd.randrange(CLIENTS)].email
        elif n and rnd.random() < 0.05:
            email = f"lead{rnd.randrange(n)}@paths.example"
        return {
            "name": f"{PREFIX} lead {n}",
            "type": "lead",
            "contact_name": f"Contact {n}",
            "partner_name": f"Prospect {n} LLC",
            "email_from": email,
            "phone": f"+7 912 {n // 10000:03d}-{n // 100 % 100:02d}-{n % 100:02d}",
            "country_id": russia.id,
            "team_id": team.id if team else False,
            "user_id": False,
        }

    Lead = env["crm.lead"].with_context(mail_create_nolog=True, tracking_disable=True)
    Lead.create([lead_values(n, False) for n in range(ASSIGN)])
    Lead.create([lead_values(ASSIGN + n, teams[2]) for n in range(CONVERT)])
    return teams, manager


def measure(db, runs):
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        teams = env["crm.team"].search([("name", "like", f"{PREFIX} team")], order="name")
        if not teams:
            started = time.perf_counter()
            teams, _manager = generate(env)
            cr.commit()
            print(f"{db}: data generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    threading.current_thread().testing = True  # the job does not commit every 100 leads, as in Odoo's tests
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        teams = env["crm.team"].search([("name", "like", f"{PREFIX} team")], order="name")
        manager = env["res.users"].search([("login", "=", "paths_bench_manager")])
        to_convert = env["crm.lead"].search([("team_id", "=", teams[2].id), ("type", "=", "lead")])
        salespeople = teams[:2].member_ids

        def assign():
            teams[:2]._action_assign_leads(force_quota=True, creation_delta_days=0)

        def convert():
            wizard = (
                env["crm.lead2opportunity.partner.mass"]
                .with_user(manager)
                .with_context(active_model="crm.lead", active_ids=to_convert.ids, active_id=to_convert.ids[0])
                .create(
                    {
                        "name": "convert",
                        "action": "each_exist_or_create",
                        # Odoo's de-duplication fails (MissingError) when a selected lead was merged into
                        # another one earlier in the same batch; the assignment path merges duplicates
                        "deduplicate": False,
                        "user_ids": [(6, 0, salespeople.ids)],
                        "force_assignment": True,
                    }
                )
            )
            wizard.action_mass_convert()

        def assigned():
            return env["crm.lead"].search_count([("user_id", "in", salespeople.ids)])

        def converted():
            return env["crm.lead"].search_count([("id", "in", to_convert.ids), ("type", "=", "opportunity")])

        for name, path, check in (("assign", assign, assigned), ("convert", convert, converted)):
            queries, seconds, cpu, done = [], [], [], 0
            for run in range(runs + 1):
                random.seed(1940)
                env.invalidate_all()
                cr.execute("SAVEPOINT bench_path")
                count0, started, cpu0 = cr.sql_log_count, time.perf_counter(), time.process_time()
                path()
                env.flush_all()
                cr.flush()  # the tracking and other pre-commit work, as a commit would do
                elapsed, count = time.perf_counter() - started, cr.sql_log_count - count0
                used = time.process_time() - cpu0
                done = check()
                cr.execute("ROLLBACK TO SAVEPOINT bench_path")
                cr.postcommit.clear()
                env.invalidate_all()
                if run:  # the first run warms the caches
                    queries.append(count)
                    seconds.append(elapsed)
                    cpu.append(used)
            results[name] = {
                "queries": statistics.median(queries),
                "queries_min": min(queries),
                "queries_max": max(queries),
                "seconds": min(seconds),
                "seconds_median": statistics.median(seconds),
                "cpu": min(cpu),
                "records": done,
            }
        cr.rollback()
    print(json.dumps(results))


# --------------------------------------------------------------------------- outside Odoo (driver)


def before_addons(ref):
    """Our addons as they were at ``ref``, extracted under .local/bench (git archive, no checkout)."""
    target = os.path.join(suite.LOCAL, "bench", f"addons-{ref}")
    if not os.path.isdir(target):
        os.makedirs(target)
        archive = subprocess.run(["git", "archive", ref, "addons"], cwd=ROOT, check=True, capture_output=True)
        tar_path = target + ".tar"
        with open(tar_path, "wb") as fh:
            fh.write(archive.stdout)
        with tarfile.open(tar_path) as tar:
            tar.extractall(target, filter="data")
        os.remove(tar_path)
    return os.path.join(target, "addons")


def odoo_args(pg, db, addons_dir):
    paths = suite.addons_path().split(",")
    paths[0] = addons_dir
    return [*pg.odoo_args(), f"--addons-path={','.join(paths)}", f"--data-dir={suite.data_dir()}", "-d", db]


def build(pg, base, db, addons_dir, install):
    if pg.db_exists(db):
        return
    suite.clone_db(pg, base, db)
    if install:
        cmd = [sys.executable, os.path.join(ROOT, "scripts", "odoo-bin"), *odoo_args(pg, db, addons_dir)]
        cmd += ["-i", ",".join(suite.OUR_ADDONS), "--stop-after-init", "--no-http"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            suite.drop_db(pg, db)
            sys.exit(f"installing our addons on {db} failed:\n{proc.stdout[-3000:]}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False
    )
    parser.add_argument("--before", default=BEFORE_REF, help="git revision of our addons to compare with")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per path (after one warm-up run)")
    parser.add_argument("--drop", action="store_true", help="drop the three databases afterwards")
    parser.add_argument("--measure", metavar="DB", help=argparse.SUPPRESS)
    args, odoo_rest = parser.parse_known_args()
    if args.measure:
        import odoo

        odoo.tools.config.parse_config(odoo_rest)
        measure(args.measure, args.runs)
        return
    pg = suite.Postgres()
    pg.ensure()
    databases = {
        "deps": ("crmbench_paths_deps", suite.ADDONS_DIR, False),
        "before": (f"crmbench_paths_before_{args.before}", before_addons(args.before), True),
        "after": ("crmbench_paths_after", suite.ADDONS_DIR, True),
    }
    try:
        base, _built = suite.build_base(pg, suite.dependencies())
        figures = {}
        for label, (db, addons_dir, install) in databases.items():
            build(pg, base, db, addons_dir, install)
            cmd = [sys.executable, os.path.abspath(__file__), "--measure", db, "--runs", str(args.runs)]
            proc = subprocess.run(
                [*cmd, *odoo_args(pg, db, addons_dir)], cwd=ROOT, capture_output=True, text=True
            )
            if proc.returncode:
                sys.exit(f"measuring {db} failed:\n{proc.stderr[-3000:]}")
            figures[label] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{label}: {figures[label]}", file=sys.stderr)
        print_table(figures, args)
    finally:
        if args.drop:
            for db, _addons, _install in databases.values():
                suite.drop_db(pg, db)
            shutil.rmtree(os.path.join(suite.LOCAL, "bench"), ignore_errors=True)
        pg.stop()


def print_table(figures, args):
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"\n{args.runs} runs after a warm-up; load average at the end: {load}; {os.cpu_count()} CPUs. Time: "
        "the best run's wall time (median in brackets); CPU: the Odoo process's CPU time of its best run "
        "(PostgreSQL's not included)."
    )
    print()
    print("| path | database | queries | time (s) | Odoo CPU (s) | vs dependencies only |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    names = {
        "deps": "dependencies only",
        "before": f"+ our addons at {args.before}",
        "after": "+ our addons now",
    }
    for path, title in (
        ("assign", f"assign {ASSIGN:,} leads (job)"),
        ("convert", f"convert {CONVERT:,} leads"),
    ):
        reference = figures["deps"][path]
        for label in ("deps", "before", "after"):
            row = figures[label][path]
            spread = ""
            if row["queries_min"] != row["queries_max"]:
                spread = f" ({row['queries_min']}–{row['queries_max']})"
            ratio = ""
            if label != "deps":
                ratio = (
                    f"queries ×{row['queries'] / reference['queries']:.2f}, "
                    f"time ×{row['seconds'] / reference['seconds']:.2f}, "
                    f"CPU ×{row['cpu'] / reference['cpu']:.2f}"
                )
            print(
                f"| {title} | {names[label]} | {row['queries']:,.0f}{spread} "
                f"| {row['seconds']:.1f} ({row['seconds_median']:.1f}) | {row['cpu']:.1f} | {ratio} |"
            )


if __name__ == "__main__":
    main()
