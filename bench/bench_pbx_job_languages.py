#!/usr/bin/env python3
"""The PBX events job writing in each reader's language: cost of grouping its batches by language.

    python3 bench/bench_pbx_job_languages.py [--calls 2000] [--runs 3]

Builds (once) ``crmsuite_bench_pbx_job`` with the shared dataset (``bench/dataset.py``: one company, 20
salespeople, 5,000 partners) and ``--calls`` ended calls of it, then times the job's side effects of those
calls (``crm.phonecall._cron_pbx_process_queue``: one chatter line per call, a call back per missed inbound
call, the closing of earlier call backs, the call's name in its reader's language) with every salesperson in
English, then with half of them in Russian, then all in Russian; each run in a transaction rolled back
afterwards, best of ``--runs``. The all-English run is what the job did before it wrote in the reader's
language (one language: nothing to group); run the same script on a checkout of the code before that change
for the before/after figure. Prints the figures (recorded by hand in docs/benchmarks.md).
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dataset  # noqa: E402 - the shared benchmark dataset builder

DB = "crmsuite_bench_pbx_job"
ADDONS = ("crm_custom", "crm_telephony")


def build(pg, calls):
    created = dataset.prepare_database(pg, DB, addons=ADDONS)
    with dataset.environment(pg, DB) as env:
        if created or not env["crm.phonecall"].search_count([("external_call_id", "=like", "bench-%")]):
            ds = dataset.Dataset(env, months=1).setup(companies=1, salespeople=20, team_size=10)
            ds.partners(5000)
            ds.calls(calls, inbound_share=70, answered_share=60, cancel_share=0)
    dataset.vacuum(pg, DB, ("res_partner", "crm_phonecall"))


def run(pg, russian_share, calls):
    """Seconds and queries of the job's run over the generated calls, ``russian_share`` of the salespeople
    reading Russian (rolled back)."""
    with dataset.environment(pg, DB, commit=False) as env:
        users = env["res.users"].search([("login", "=like", "bench_c%")], order="id")
        russian = users[: round(len(users) * russian_share)]
        (users - russian).write({"lang": "en_US"})
        russian.write({"lang": "ru_RU"})
        generated = env["crm.phonecall"].search([("external_call_id", "=like", "bench-%")])
        env.cr.execute(
            "UPDATE crm_phonecall SET pbx_end_pending = TRUE, card_logged = FALSE, "
            "callback_activity_id = NULL WHERE id = ANY(%s)",
            [generated.ids],
        )
        env.invalidate_all()
        env.flush_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        done = env["crm.phonecall"]._cron_pbx_process_queue(limit=calls, batch_size=10)
        env.flush_all()
        seconds = time.perf_counter() - start
        queries = env.cr.sql_log_count - queries
        renamed = sum(
            1
            for name in generated.mapped("name")
            if name.startswith("Входящий") or name.startswith("Исходящий")
        )
    return seconds, queries, done, renamed


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    pg = dataset.postgres()
    try:
        build(pg, args.calls)
        print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
        for label, share in (("all English", 0.0), ("half Russian", 0.5), ("all Russian", 1.0)):
            results = [run(pg, share, args.calls) for _run in range(args.runs)]
            seconds, queries, done, renamed = min(results)
            print(
                f"{label:>12}: {done} calls in {seconds:.2f} s ({1000 * seconds / done:.2f} ms per call), "
                f"{queries} queries ({queries / done:.1f} per call), {renamed} calls renamed in Russian"
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")
    finally:
        if args.drop:
            dataset.suite.drop_db(pg, DB)
        pg.stop()


if __name__ == "__main__":
    main()
