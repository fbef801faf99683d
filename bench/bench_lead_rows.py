#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# ruff: noqa: E501 - long SQL lines
"""The lead side of the reports, before and after the stored creation day, in one run.

    python3 bench/bench_lead_rows.py [--db crm16_bench] [--rounds 2] [--runs 3]

On a database built by the shared dataset builder (bench/dataset.py; e.g. the one of bench_reports.py or
bench_marketing.py), as the admin (a sales manager) of the main company:

1. captures the SQL that Odoo sends for the lead intake's month x salesperson pivot and for the channel
   report's lead rows (month x source pivot with ``kind = 'lead'``), as the code of this checkout builds it;
2. times, back to back in the same transaction (``--rounds`` rounds of one warm-up and ``--runs`` timed runs
   of each, interleaved), that SQL and the previous way of answering it: the creation day converted to the
   company's timezone on every row instead of read from ``crm_lead.create_day``, and the intake rows split by
   product (the previous table query) instead of one row per lead; each for all dates and for one month;
3. checks that every variant returns the same groups and figures (to 1e-6) and prints the medians with the
   machine load and a CPU calibration.
"""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402 - what the timed benchmarks share
import dataset  # noqa: E402 - the shared benchmark dataset builder

CONVERTED_DAY = "((lead.create_date AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(cmp.crm_tz, 'UTC'))::date"
# the lead intake's table query before the stored day and the per-lead answer (rows split by product)
PREVIOUS_INTAKE = """
 SELECT lead.id::bigint * 1048576 + mod(COALESCE(product.product_id, 0), 1048576) AS id, {day} AS date,
   lead.id AS lead_id, lead.type, lead.source_id, lead.medium_id, lead.campaign_id, product.product_id,
   template.categ_id AS product_categ_id, lead.stage_id, partner.commercial_partner_id AS partner_id,
   commercial_partner.segment_id, lead.country_id, lead.state_id, lead.user_id, lead.team_id, lead.company_id,
   cmp.currency_id, (1.0 / COALESCE(product.n, 1)) AS lead_count,
   CASE WHEN lead.type = 'opportunity' THEN (1.0 / COALESCE(product.n, 1)) ELSE 0 END AS opportunity_count,
   CASE WHEN lead.active AND stage.is_won THEN (1.0 / COALESCE(product.n, 1)) ELSE 0 END AS won_count,
   CASE WHEN NOT lead.active AND lead.probability = 0 THEN (1.0 / COALESCE(product.n, 1)) ELSE 0 END AS lost_count,
   COALESCE(lead.expected_revenue, 0) * (1.0 / COALESCE(product.n, 1)) AS expected_revenue, 1 AS row_count
  FROM crm_lead lead
  LEFT JOIN res_company cmp ON cmp.id = lead.company_id
  LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
  LEFT JOIN res_partner partner ON partner.id = lead.partner_id
  LEFT JOIN res_partner commercial_partner ON commercial_partner.id = partner.commercial_partner_id
  LEFT JOIN (SELECT rel.lead_id, rel.product_id, COUNT(*) OVER (PARTITION BY rel.lead_id) AS n
               FROM crm_lead_product_interest_rel rel) product ON product.lead_id = lead.id
  LEFT JOIN product_product pp ON pp.id = product.product_id
  LEFT JOIN product_template template ON template.id = pp.product_tmpl_id
"""
PIVOTS = {
    "crm.report.lead.intake": ([], ["date:month", "user_id"], ["lead_count:sum", "expected_revenue:sum"]),
    "crm.report.channel": (
        [("kind", "=", "lead")],
        ["date:month", "source_id"],
        ["lead_count:sum", "opportunity_count:sum", "won_count:sum"],
    ),
}


def captured_sql(env, model):
    """The SQL of the pivot's read_group (the statement with GROUP BY), as Odoo sends it."""
    domain, groupby, aggregates = PIVOTS[model]
    statements = []
    execute = env.cr.execute

    def spy(query, params=None, log_exceptions=True):
        if hasattr(query, "code"):
            statements.append(env.cr.mogrify(query.code, query.params).decode())
        else:
            statements.append(env.cr.mogrify(query, params).decode())
        return execute(query, params, log_exceptions)

    env.cr.execute = spy
    try:
        env.invalidate_all()
        started = time.perf_counter()
        groups = env[model].read_group(domain, aggregates, groupby, lazy=False)
        elapsed = time.perf_counter() - started
    finally:
        env.cr.execute = execute
    [sql] = [statement for statement in statements if "GROUP BY" in statement][-1:]
    return sql, len(groups), elapsed


def one_month(sql, alias, month):
    head, sep, tail = sql.rpartition(f') AS "{alias}" WHERE ')
    return f"{head}{sep}\"{alias}\".\"date\" BETWEEN '{month}-01' AND ('{month}-01'::date + interval '1 month' - interval '1 day')::date AND {tail}"


def variants(env, month):
    intake, *_info = captured_sql(env, "crm.report.lead.intake")
    channel, *_info = captured_sql(env, "crm.report.channel")
    start = intake.index("FROM (") + len("FROM (")
    end = intake.index(') AS "crm_report_lead_intake"')

    def intake_with(table):
        return intake[:start] + table + intake[end:]

    result = {
        "intake, previous (day converted per row, rows split by product)": intake_with(
            PREVIOUS_INTAKE.format(day=CONVERTED_DAY)
        ),
        "intake, stored day, rows split by product": intake_with(
            PREVIOUS_INTAKE.format(day="lead.create_day")
        ),
        "intake, current (stored day, one row per lead)": intake,
        "channel lead rows, previous (day converted per row)": channel.replace(
            "lead.create_day", CONVERTED_DAY
        ),
        "channel lead rows, current (stored day)": channel,
    }
    for name in list(result):
        alias = "crm_report_lead_intake" if name.startswith("intake") else "crm_report_channel"
        result[f"{name}, {month} only"] = one_month(result[name], alias, month)
    return result


def rounded(rows):
    return sorted(
        repr(
            tuple(
                round(float(v), 6) if isinstance(v, (int, float)) or hasattr(v, "as_tuple") else v
                for v in row
            )
        )
        for row in rows
    )


def main():
    parser = benchlib.arguments(__doc__, "crm16_bench")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--month", default=None, help="YYYY-MM of the one-month variants (default: the middle month)"
    )
    args = parser.parse_args()
    pg = dataset.postgres()
    try:
        with benchlib.manager_session(pg, args.db, ("crm_lead", "crm_lead_product_interest_rel")) as env:
            for model in PIVOTS:
                _sql, groups, elapsed = captured_sql(env, model)
                print(
                    f"{model} read_group through Odoo (first run, cold cache): {groups} groups, {elapsed:.2f} s"
                )
            env.cr.execute("SELECT min(create_day), max(create_day) FROM crm_lead")
            first, last = env.cr.fetchone()
            month = args.month or first.fromordinal((first.toordinal() + last.toordinal()) // 2).strftime(
                "%Y-%m"
            )
            sqls = variants(env, month)
            env.cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")  # as crm.report.mixin does
            times, results = {}, {}
            for _round in range(args.rounds):
                for name, sql in sqls.items():
                    env.cr.execute(sql)
                    env.cr.fetchall()
                    for _run in range(args.runs):
                        started = time.perf_counter()
                        env.cr.execute(sql)
                        rows = env.cr.fetchall()
                        times.setdefault(name, []).append(time.perf_counter() - started)
                    results[name] = rounded(rows)
            for name, runs in times.items():
                print(
                    f"{name}: {len(results[name])} groups; {len(runs)} runs {min(runs):.2f}-{max(runs):.2f} s, "
                    f"median {statistics.median(runs):.2f} s; load {benchlib.load()}",
                    flush=True,
                )
            for kind in ("intake", "channel"):
                for suffix in ("", f", {month} only"):
                    same = {
                        repr(results[name])
                        for name in results
                        if name.startswith(kind) and name.endswith(suffix) and (suffix or "only" not in name)
                    }
                    print(
                        f"{kind}{suffix}: every variant returns the same groups and figures: {len(same) == 1}"
                    )
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
