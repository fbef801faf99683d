#!/usr/bin/env python3
"""Benchmark: sales-plan actuals, 100 salespeople x 12 months, 1,000,000 invoice lines, 500,000 leads.

Needs a throwaway database with the three addons installed, for example the one kept by

    scripts/test --keep --skip upgrade --skip tests      # prints "Kept the test database crmsuite_test_NNN"
    python3 bench/bench_plan_actuals.py crmsuite_test_NNN [--sample 150]

It generates the books with set-based SQL (INSERT ... SELECT generate_series), creates 12 monthly plans of
100 salespeople x 5 KPIs (6,000 lines + 12 team lines), then times in the same run:

- batch: ``lines._refresh_actuals()`` - one query per KPI for all lines, one UPDATE;
- naive: one ORM ``_read_group`` / ``search_count`` per line, on a random sample of lines (fixed seed),
  extrapolated to all lines; the sample's values are checked equal to the batch's.

Everything is rolled back at the end; drop the database afterwards.
"""

import argparse
import os
import random
import sys
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import benchlib  # noqa: E402 - what the timed benchmarks share
import dataset  # noqa: E402 - the shared benchmark dataset builder
import suite  # noqa: E402

USERS, MONTHS, MOVES, LINES_PER_MOVE, LEADS = 100, 12, 250_000, 4, 500_000
YEAR = 2025


def connect(db):
    import odoo
    from odoo import SUPERUSER_ID, api

    pg = suite.Postgres()
    pg.ensure()
    odoo.tools.config.parse_config(
        [*pg.odoo_args(), f"--addons-path={suite.addons_path()}", f"--data-dir={suite.data_dir()}", "-d", db]
    )
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    return pg, cr, api.Environment(cr, SUPERUSER_ID, {})


def generate(env):
    company = env.ref("base.main_company")
    team = env["crm.team"].create({"name": "Bench Team", "company_id": company.id})
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True)
        .create(
            [
                {"name": f"Bench Salesperson {n}", "login": f"bench_sales_{n}", "company_id": company.id}
                for n in range(USERS)
            ]
        )
    )
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    account = journal.default_account_id
    # the customer of every move, by the shared dataset builder (bench/dataset.py)
    builder = dataset.Dataset(env, verbose=False)
    builder.partners(1, prefix="Bench Customer ", email_domain=None, crm_fields=False)
    partner_id = builder.partner_range[0]
    won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    first = env["crm.stage"].search([("is_won", "=", False)], limit=1)
    env.flush_all()
    cr = env.cr
    started = time.time()
    # 250,000 moves over the year: 90 % invoices, 10 % credit notes, 5 % left in draft
    cr.execute(
        """
        INSERT INTO account_move (journal_id, company_id, currency_id, date, invoice_date, state, move_type,
                                  auto_post, invoice_user_id, team_id, partner_id, payment_state, name)
        SELECT %(journal)s, %(company)s, %(currency)s, d, d,
               CASE WHEN g %% 20 = 0 THEN 'draft' ELSE 'posted' END,
               CASE WHEN g %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END,
               'no', (%(users)s::int[])[1 + g %% %(n_users)s], %(team)s, %(partner)s, 'not_paid',
               'BENCH/' || g
          FROM generate_series(1, %(moves)s) g, LATERAL (SELECT DATE %(start)s + (g %% 365) AS d) x
        """,
        {
            "journal": journal.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "users": users.ids,
            "n_users": USERS,
            "team": team.id,
            "partner": partner_id,
            "moves": MOVES,
            "start": f"{YEAR}-01-01",
        },
    )
    # 4 product lines per move: 1,000,000 invoice lines (credit on invoices, debit on credit notes)
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, account_id, currency_id,
                                       company_currency_id, partner_id, date, invoice_date, parent_state,
                                       display_type, name, balance, amount_currency, debit, credit)
        SELECT m.id, m.journal_id, m.company_id, %(account)s, m.currency_id, m.currency_id, m.partner_id,
               m.date, m.invoice_date, m.state, 'product', 'Bench line', v.balance, v.balance,
               GREATEST(v.balance, 0), GREATEST(-v.balance, 0)
          FROM account_move m
          CROSS JOIN generate_series(1, %(per_move)s) k
          CROSS JOIN LATERAL (
                SELECT (CASE WHEN m.move_type = 'out_refund' THEN 1 ELSE -1 END)
                       * (((m.id * 37 + k * 11) %% 1000) + 1)::numeric AS balance
          ) v
         WHERE m.name LIKE 'BENCH/%%'
        """,
        {"account": account.id, "per_move": LINES_PER_MOVE},
    )
    # 500,000 leads created over the year, one in seven won ten days later
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, user_id, team_id, company_id, create_date, write_date, active,
                              stage_id, date_closed, probability, expected_revenue)
        SELECT 'Bench lead ' || g, CASE WHEN g %% 3 = 0 THEN 'lead' ELSE 'opportunity' END,
               (%(users)s::int[])[1 + g %% %(n_users)s], %(team)s, %(company)s, ts, ts, TRUE,
               CASE WHEN g %% 7 = 0 THEN %(won)s ELSE %(first)s END,
               CASE WHEN g %% 7 = 0 THEN ts + INTERVAL '10 days' END,
               CASE WHEN g %% 7 = 0 THEN 100 ELSE 10 END, 1000
          FROM generate_series(1, %(leads)s) g,
               LATERAL (SELECT TIMESTAMP %(start)s + (g %% 31536000) * INTERVAL '1 second' AS ts) x
        """,
        {
            "users": users.ids,
            "n_users": USERS,
            "team": team.id,
            "company": company.id,
            "won": won.id,
            "first": first.id,
            "leads": LEADS,
            "start": f"{YEAR}-01-01",
        },
    )
    env["crm.lead"]._refresh_create_day(company)  # leads inserted by SQL: their creation day (New Leads KPI)
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE crm_lead")
    generated = time.time() - started
    kpis = env["crm.kpi"].search([])
    plans = env["crm.sales.plan"].create(
        [
            {
                "team_id": team.id,
                "company_id": company.id,
                "date_from": date(YEAR, month, 1),
                "line_ids": [
                    (0, 0, {"user_id": user.id, "kpi_id": kpi.id, "target": 1000.0})
                    for user in users
                    for kpi in kpis
                ]
                + [(0, 0, {"kpi_id": env.ref("crm_custom.kpi_revenue").id, "target": 1000.0 * USERS})],
            }
            for month in range(1, MONTHS + 1)
        ]
    )
    plans.write({"state": "open"})
    env.flush_all()
    return plans, generated


def naive_value(env, line):
    """The per-record way: one ORM query for one line."""
    user = (
        [("invoice_user_id", "=", line.user_id.id)] if line.user_id else [("team_id", "=", line.team_id.id)]
    )
    lead_owner = [("user_id", "=", line.user_id.id)] if line.user_id else [("team_id", "=", line.team_id.id)]
    start, end = line.date_from, line.date_to
    code = line.kpi_id.code
    if code == "revenue":
        domain = benchlib.sales_lines(line.company_id.id, start, end) + [
            (f"move_id.{field}", op, value) for field, op, value in user
        ]
        [[balance]] = env["account.move.line"]._read_group(domain, [], ["balance:sum"])
        return -(balance or 0.0)
    if code == "deals_won":
        return env["crm.lead"].search_count(
            [
                ("company_id", "=", line.company_id.id),
                ("type", "=", "opportunity"),
                ("stage_id.is_won", "=", True),
                ("date_closed", ">=", start),
                ("date_closed", "<", f"{end} 23:59:59.999999"),
                *lead_owner,
            ]
        )
    if code == "leads_new":
        return (
            env["crm.lead"]
            .with_context(active_test=False)
            .search_count(
                [
                    ("company_id", "=", line.company_id.id),
                    ("create_date", ">=", start),
                    ("create_date", "<", f"{end} 23:59:59.999999"),
                    *lead_owner,
                ]
            )
        )
    if code == "proposals_sent":
        return env["sale.order"].search_count(
            [
                ("company_id", "=", line.company_id.id),
                ("crm_first_sent_date", ">=", start),
                ("crm_first_sent_date", "<", f"{end} 23:59:59.999999"),
                *lead_owner,
            ]
        )
    return env["calendar.event"].search_count(
        [("user_id", "=", line.user_id.id), ("start", ">=", start), ("start", "<", f"{end} 23:59:59.999999")]
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db")
    parser.add_argument("--sample", type=int, default=150, help="lines computed the naive way")
    parser.add_argument(
        "--commit", action="store_true", help="keep the generated data (reused by a next run)"
    )
    args = parser.parse_args()
    pg, cr, env = connect(args.db)
    try:
        plans = env["crm.sales.plan"].search([("team_id.name", "=", "Bench Team")])
        generated = 0.0
        if not plans:
            plans, generated = generate(env)
            if args.commit:
                cr.commit()
        lines = plans.line_ids
        cr.execute("SELECT count(*) FROM account_move_line WHERE display_type = 'product'")
        aml_count = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_lead")
        lead_count = cr.fetchone()[0]
        print(
            f"generated in {generated:.1f} s: {aml_count} invoice lines, {lead_count} leads, "
            f"{len(lines)} plan lines"
        )

        timings = []
        for _run in range(3):
            env.invalidate_all()
            started = time.perf_counter()
            lines._refresh_actuals()
            timings.append(time.perf_counter() - started)
        batch = min(timings)
        print(
            f"batch (_refresh_actuals of all lines): runs {', '.join(f'{t:.2f}' for t in timings)} s; "
            f"best {batch:.2f} s"
        )

        for kpi in lines.kpi_id:
            kpi_lines = lines.filtered(lambda line, kpi=kpi: line.kpi_id == kpi)
            keys = list({line._key() for line in kpi_lines})
            started = time.perf_counter()
            kpi._compute_actuals(keys, plans.company_id)
            print(f"  {kpi.code}: {len(keys)} keys in {time.perf_counter() - started:.2f} s (one query)")

        env.invalidate_all()
        sample = env["crm.sales.plan.line"].browse(random.Random(42).sample(lines.ids, args.sample))
        expected = {line.id: line.actual for line in sample}
        started = time.perf_counter()
        values = {line.id: naive_value(env, line) for line in sample}
        naive_sample = time.perf_counter() - started
        mismatches = [i for i in values if abs(values[i] - expected[i]) > 0.005]
        naive_all = naive_sample * len(lines) / len(sample)
        print(
            f"naive (one ORM query per line): {len(sample)} lines in {naive_sample:.2f} s, "
            f"extrapolated to {len(lines)} lines: {naive_all:.1f} s"
        )
        print(f"sample values equal to the batch's: {len(sample) - len(mismatches)}/{len(sample)}")
        print(f"ratio naive / batch: {naive_all / batch:.0f}x")
    finally:
        cr.rollback()
        cr.close()
        pg.stop()


if __name__ == "__main__":
    main()
