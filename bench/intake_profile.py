#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lead intake API: queries and CPU of the request path per kind of request, in process.

    python3 bench/intake_bench.py --keep              # once: the database with 1,000,000 partners
    python3 bench/intake_profile.py [--samples 40] [--show new] [--profile new] [kinds...]

Runs ``crm.lead.intake.source._intake_submit`` (the one model method the controller calls) on the kept
benchmark database, each request in its own transaction, committed as the HTTP request would be, with
warm worker caches (the source's configuration, external ids) and a fresh record cache per request.
Kinds: ``new`` (a new client: a lead), ``known`` (a known partner by e-mail: note + to-do on its card),
``lead`` (a second request of a new client: note + to-do on its lead), ``retry`` (same request id and
body: the reply given before), ``invalid`` (400). Prints per kind the median number of queries, the
median CPU time of this process and the mean of the faster half (less sensitive to other engineers'
load on the shared cores), and the wall time. ``--show KIND`` prints the queries of one request of that
kind; ``--profile KIND`` prints a cProfile of that kind (cumulative time).

What it does not measure: Odoo's HTTP layer (routing, the request's cursor and commit) and PostgreSQL's
CPU: ``bench/intake_bench.py`` measures the whole request under load.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import suite  # noqa: E402

DB = "crmsuite_bench_intake"
KINDS = ("new", "known", "lead", "retry", "invalid")


def body(kind, index, tag):
    if kind == "new":
        return {
            "name": "Заявка с сайта",
            "contact_name": f"Profiled client {tag} {index}",
            "email": f"profile{tag}.{index}@new.example",
            "phone": f"+7 98{tag % 100:02d}{index:06d}",
            "message": "Нужна консультация по станкам",
            "product_codes": ["BENCH-LATHE"],
            "utm_source": "yandex",
            "request_id": f"profile-new-{tag}-{index}",
        }
    if kind == "lead":  # the same new client again (run after "new")
        return {"email": f"profile{tag}.{index}@new.example", "request_id": f"profile-lead-{tag}-{index}"}
    if kind in ("known", "retry"):  # a retry repeats the "known" request of the same index (run after it)
        return {
            "email": f"Client{1000 + index * 37}@Bench.Example",
            "message": "Повторный запрос",
            "request_id": f"profile-known-{tag}-{index}",
        }
    return {"email": "not-an-email", "request_id": f"profile-invalid-{tag}-{index}"}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kinds", nargs="*", help=f"among {', '.join(KINDS)} (default: all)")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--show", choices=KINDS)
    parser.add_argument("--profile", choices=KINDS)
    args = parser.parse_args()
    args.kinds = args.kinds or list(KINDS)
    if set(args.kinds) - set(KINDS):
        parser.error(f"kinds are among {', '.join(KINDS)}")

    import odoo
    from odoo.modules.registry import Registry
    from odoo.sql_db import Cursor

    pg = suite.Postgres()
    pg.ensure()
    odoo.tools.config.parse_config([*pg.odoo_args(), f"--addons-path={suite.addons_path()}", "-d", DB])
    registry = Registry(DB)
    from odoo.addons.crm_custom.models.crm_lead_intake import IntakeError  # noqa: PLC0415 - once loaded

    queries = []
    execute = Cursor.execute

    def counting_execute(self, query, params=None, log_exceptions=True):
        queries.append(" ".join(str(query).split())[:200])
        return execute(self, query, params, log_exceptions)

    Cursor.execute = counting_execute
    tag = int(time.time()) % 10000
    try:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"}, su=True)
            source = env["crm.lead.intake.source"].search(
                [("key_hash", "!=", False)], order="id desc", limit=1
            )
            if not source:
                raise SystemExit("no intake source: run bench/intake_bench.py --keep first")
            source_id = source.id
        for kind in args.kinds:
            counts, cpu, wall = [], [], []
            profiler = cProfile.Profile() if args.profile == kind else None
            for index in range(args.samples):
                with registry.cursor() as cr:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"}, su=True)
                    source = env["crm.lead.intake.source"].browse(source_id)
                    queries.clear()
                    started, cpu_started = time.perf_counter(), time.process_time()
                    if profiler:
                        profiler.enable()
                    try:
                        source._intake_submit(body(kind, index, tag))
                        cr.flush()
                    except IntakeError:
                        cr.rollback()
                    if profiler:
                        profiler.disable()
                    cpu.append((time.process_time() - cpu_started) * 1000)
                    wall.append((time.perf_counter() - started) * 1000)
                    counts.append(len(queries))
                    if args.show == kind and index == args.samples - 1:
                        print("\n".join(f"  {number:3d} {query}" for number, query in enumerate(queries, 1)))
            faster = statistics.mean(sorted(cpu)[: max(1, len(cpu) // 2)])
            print(
                f"{kind:8s} queries {statistics.median(counts):4.0f}"
                f"   CPU median {statistics.median(cpu):6.2f} ms   faster half {faster:6.2f} ms"
                f"   wall median {statistics.median(wall):6.2f} ms",
                flush=True,
            )
            if profiler:
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(50)
                print(stream.getvalue())
    finally:
        Cursor.execute = execute


if __name__ == "__main__":
    main()
