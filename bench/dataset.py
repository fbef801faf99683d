#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# ruff: noqa: E501 - the generators are long SQL statements, kept one clause a line
"""The shared benchmark dataset: companies, salespeople, partners, leads with stage history, invoices, calls.

Every benchmark of the suite builds its data with this module instead of a generator of its own. The bulk
tables are filled by set-based SQL (``INSERT ... SELECT ... generate_series``), never through the ORM, so a
million rows take seconds to minutes; the few master records (companies, salespeople, teams, products, PBXs)
go through the ORM so that they are complete Odoo records. Every value is a function of the row number, so a
build is reproducible. See bench/README.md for the API; the short version::

    import dataset                                    # bench/ on sys.path
    pg = dataset.postgres()                           # the suite's PostgreSQL (private cluster if needed)
    dataset.prepare_database(pg, "crm_bench")         # cached dependency database + our three addons
    with dataset.environment(pg, "crm_bench") as env:  # superuser environment, committed at the end
        ds = dataset.Dataset(env).setup()
        ds.partners(100_000)
        ds.leads(1_000_000)                           # with their stage history
        ds.invoices(2_000_000)                        # invoice lines (product lines of customer documents)
        ds.calls(3_000_000)
    dataset.vacuum(pg, "crm_bench")

or from the shell: ``python3 bench/dataset.py crm_bench --leads 1000000 --invoice-lines 2000000 ...``.
"""

import argparse
import contextlib
import os
import sys
import time
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import suite  # noqa: E402

ADDONS = ("crm_custom", "crm_telephony", "crm_reports")
# the KPIs of this month's plans for the dashboards
DASHBOARD_KPIS = ("revenue", "leads_new", "deals_won", "calls_in", "calls_out")
_CONFIGURED = False
PREFIX = "Bench"

# A deterministic pseudo-random integer in [0, 2^31) of the row number g and a salt, in SQL: each generator
# draws its choices from it, so that two columns of a row are independent but a rebuild gives the same rows.
HASH = "(('x' || substr(md5(({g})::text || '{salt}'), 1, 8))::bit(32)::int & 2147483647)"


def h(salt, g="g"):
    return HASH.format(g=g, salt=salt)


def postgres():
    """The PostgreSQL server of scripts/suite.py (its private cluster started when nothing else answers)."""
    pg = suite.Postgres()
    pg.ensure()
    return pg


def prepare_database(pg, db, addons=ADDONS, drop=False):
    """Create ``db`` from the cached dependency database and install ``addons`` (with the demo data that the
    dependency database has: a few dozen leads and partners beside the generated ones).

    An existing database is kept (and its data reused) unless ``drop``.
    """
    if drop:
        suite.drop_db(pg, db)
    if pg.db_exists(db):
        missing = sorted(set(addons) - pg.installed(db, list(addons)))
        if not missing:
            return False
    else:
        base, _built = suite.build_base(pg, suite.dependencies())
        suite.clone_db(pg, base, db)
        missing = list(addons)
    rc, _lines, log = suite.run_odoo(
        pg, db, "-i", ",".join(missing), "--without-demo=all", log_name=f"{db}_install"
    )
    if rc:
        raise SystemExit(f"installing {', '.join(missing)} in {db} failed, see {log}")
    return True


@contextlib.contextmanager
def environment(pg, db, commit=True):
    """A superuser environment on ``db``; committed when the block ends without error (unless ``commit``
    is false), rolled back otherwise."""
    import odoo
    from odoo.modules.registry import Registry

    global _CONFIGURED  # noqa: PLW0603 - Odoo's configuration can be parsed once per process
    if suite.ADDONS_DIR in (odoo.tools.config.get("addons_path") or ""):
        _CONFIGURED = True  # the calling benchmark configured Odoo already
    if not _CONFIGURED:
        odoo.tools.config.parse_config(
            [
                *pg.odoo_args(),
                f"--addons-path={suite.addons_path()}",
                f"--data-dir={suite.data_dir()}",
                "-d",
                db,
            ]
        )
        _CONFIGURED = True
    registry = Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US", "tracking_disable": True})
        try:
            yield env
        except BaseException:
            cr.rollback()
            raise
        if commit:
            env.flush_all()
            cr.commit()
        else:
            cr.rollback()


def vacuum(pg, db, tables=None):
    """VACUUM (ANALYZE) the generated tables and CHECKPOINT: a benchmark then measures queries, not autovacuum
    of freshly written rows or dirty pages being written out."""
    tables = tables or (
        "res_partner",
        "crm_lead",
        "crm_lead_stage_history",
        "crm_lead_product_interest_rel",
        "account_move",
        "account_move_line",
        "crm_phonecall",
        "sale_order",
        "sale_order_line",
        "sale_order_line_invoice_rel",
    )
    with contextlib.closing(pg.connect(db)) as conn:
        conn.autocommit = True
        with conn.cursor() as cr:
            for table in tables:
                cr.execute("SELECT to_regclass(%s)", (table,))
                if cr.fetchone()[0]:
                    cr.execute(f"VACUUM (ANALYZE) {table}")
            cr.execute("CHECKPOINT")


class Dataset:
    """Generators of the shared benchmark data, on a superuser environment of a database with our addons.

    :meth:`setup` creates (or finds again) the master records; the bulk generators then use them:
    ``partners``, ``leads`` (with stage history), ``invoices``, ``calls``. Each returns the number of rows
    it wrote and prints its time. The period is the 12 months (``months``) that end on ``end`` (default:
    today): leads, invoices and calls are spread over it.
    """

    def __init__(self, env, months=12, end=None, verbose=True):
        self.env = env
        self.cr = env.cr
        self.months = months
        self.end = end or date.today()
        self.start = (self.end.replace(day=1) - timedelta(days=1)).replace(day=1)
        for _month in range(months - 2):
            self.start = (self.start - timedelta(days=1)).replace(day=1)
        self.verbose = verbose
        self.companies = env["res.company"]
        self.users = {}  # company id -> [user ids]
        self.teams = {}  # company id -> [team id of each user, same order]
        self.partner_range = None  # (first id, last id) of the generated customers

    def log(self, msg):
        if self.verbose:
            print(f"[dataset] {msg}", flush=True)

    def _timed(self, what, func, *args):
        started = time.perf_counter()
        rows = func(*args)
        self.log(f"{what}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        return rows

    # ------------------------------------------------------------------ master data (ORM)

    def setup(self, companies=2, salespeople=50, team_size=10, products=200, tz="Europe/Moscow"):
        """Companies (the main one plus ``companies - 1``, each with a chart of accounts), ``salespeople``
        users per company in teams of ``team_size``, ``products`` products in 10 categories, utm sources,
        mediums and campaigns, client segments, a PBX per company. Idempotent: records found by name."""
        env = self.env
        main = env.ref("base.main_company")
        main.crm_tz = tz
        self.companies = main
        for index in range(2, companies + 1):
            name = f"{PREFIX} Company {index}"
            company = env["res.company"].search([("name", "=", name)], limit=1)
            if not company:
                rub = env.ref("base.RUB")
                rub.active = True
                vals = {"name": name, "currency_id": rub.id, "crm_tz": tz}
                if "iap_enrich_auto_done" in env["res.company"]._fields:  # no enrichment request to IAP
                    vals["iap_enrich_auto_done"] = True
                company = env["res.company"].create(vals)
                env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            self.companies |= company
        env.user.write({"company_ids": [(4, cid) for cid in self.companies.ids]})
        for company in self.companies:
            self._salespeople(company, salespeople, team_size)
        self._products(products)
        self._marketing()
        self.stages = env["crm.stage"].search([("team_id", "=", False)], order="sequence, id")
        self.won_stage = self.stages.filtered("is_won")[:1]
        self.open_stages = self.stages.filtered(lambda stage: not stage.is_won)
        self.lost_reasons = env["crm.lost.reason"].search([])
        self.pbx = {}
        for company in self.companies:
            pbx = env["crm.pbx"].search(
                [("name", "=", f"{PREFIX} PBX"), ("company_id", "=", company.id)], limit=1
            )
            self.pbx[company.id] = (
                pbx or env["crm.pbx"].create({"name": f"{PREFIX} PBX", "company_id": company.id})
            ).id
        env.flush_all()
        self._find_partners(f"{PREFIX} client ")
        return self

    def _salespeople(self, company, count, team_size):
        env = self.env
        login = f"bench_c{company.id}_"
        users = env["res.users"].search([("login", "=like", login + "%")], order="id")
        missing = count - len(users)
        if missing > 0:
            group = env.ref("sales_team.group_sale_salesman")
            users |= (
                env["res.users"]
                .with_context(no_reset_password=True, mail_create_nolog=True)
                .create(
                    [
                        {
                            "name": f"{PREFIX} Salesperson {company.id}-{len(users) + n + 1}",
                            "login": f"{login}{len(users) + n + 1}",
                            "company_id": company.id,
                            "company_ids": [(6, 0, company.ids)],
                            "groups_id": [(6, 0, [group.id, env.ref("base.group_user").id])],
                            "tz": company.crm_tz,
                        }
                        for n in range(missing)
                    ]
                )
            )
        users = users[:count]
        teams = []
        for index in range(0, len(users), team_size):
            members = users[index : index + team_size]
            name = f"{PREFIX} Team {company.id}-{index // team_size + 1}"
            team = env["crm.team"].search([("name", "=", name), ("company_id", "=", company.id)], limit=1)
            if not team:
                team = env["crm.team"].create(
                    {
                        "name": name,
                        "company_id": company.id,
                        "user_id": members[0].id,
                        "member_ids": [(6, 0, members.ids)],
                    }
                )
            teams += [team.id] * len(members)
        self.users[company.id] = users.ids
        self.teams[company.id] = teams

    def _products(self, count):
        env = self.env
        products = env["product.product"].search([("default_code", "=like", "BENCH-%")], order="id")
        if len(products) < count:
            categories = env["product.category"].search([("name", "=like", f"{PREFIX} category %")])
            for index in range(len(categories), 10):
                categories |= env["product.category"].create({"name": f"{PREFIX} category {index + 1}"})
            products |= env["product.product"].create(
                [
                    {
                        "name": f"{PREFIX} product {n + 1}",
                        "default_code": f"BENCH-{n + 1:05d}",
                        "categ_id": categories[n % len(categories)].id,
                        "list_price": 10.0 + (n * 37) % 990,
                        "type": "service" if n % 3 else "consu",
                        "company_id": False,
                    }
                    for n in range(len(products), count)
                ]
            )
        self.products = products[:count]

    def _marketing(self):
        env = self.env

        def ensure(model, names):
            found = env[model].search([("name", "in", names)])
            missing = [name for name in names if name not in found.mapped("name")]
            return found | env[model].create([{"name": name} for name in missing])

        self.sources = ensure("utm.source", [f"{PREFIX} source {n}" for n in range(1, 9)])
        self.mediums = ensure("utm.medium", [f"{PREFIX} medium {n}" for n in range(1, 5)])
        self.campaigns = ensure("utm.campaign", [f"{PREFIX} campaign {n}" for n in range(1, 13)])
        self.segments = ensure("crm.client.segment", [f"{PREFIX} segment {n}" for n in range(1, 6)])
        self.countries = env["res.country"].search([("code", "in", ["RU", "KZ", "BY", "US", "DE"])])
        self.states = env["res.country.state"].search([("country_id", "=", env.ref("base.ru").id)], limit=20)

    # ------------------------------------------------------------------ partners

    def partners(
        self,
        count,
        *,
        start=1,
        prefix=f"{PREFIX} client ",
        country_code="7",
        phone_base=9000000000,
        phone_style="grouped",
        mobile_base=None,
        mobile_every=2,
        email_domain="bench.example",
        company_every=0,
        customer_rank_mod=0,
        company_id=None,
        spread_seconds=0,
        crm_fields=True,
    ):
        """``count`` partners numbered ``start`` .. ``start + count - 1`` (the number n of each is in its name).

        Phones: ``+<country_code><phone_base + n>`` in E.164 (``phone_sanitized``, ``phone_e164``), written as
        ``+7 900 000-01-23`` (``phone_style="grouped"``) or ``+7 9000000123`` (``"plain"``); a mobile
        ``+<country_code><mobile_base + n>`` on every ``mobile_every``-th partner when ``mobile_base`` is set.
        E-mail ``client<n>@<email_domain>`` (none when ``email_domain`` is None). Every ``company_every``-th
        partner is a company (none when 0); ``customer_rank`` is ``n mod customer_rank_mod`` (0 when 0).
        ``company_id``: the partners' company (None: shared). ``spread_seconds``: creation dates one second
        apart going back from now (0: all now). ``crm_fields``: segment, country, state and salesperson of
        the suite's reports (needs :meth:`setup`). Returns the number of partners written.
        """
        return self._timed(
            f"partners {start:,}..{start + count - 1:,}",
            self._partners,
            count,
            start,
            prefix,
            country_code,
            phone_base,
            phone_style,
            mobile_base,
            mobile_every,
            email_domain,
            company_every,
            customer_rank_mod,
            company_id,
            spread_seconds,
            crm_fields,
        )

    def _partners(
        self,
        count,
        start,
        prefix,
        country_code,
        phone_base,
        phone_style,
        mobile_base,
        mobile_every,
        email_domain,
        company_every,
        customer_rank_mod,
        company_id,
        spread_seconds,
        crm_fields,
    ):
        if phone_style == "grouped":
            raw = (
                "format('+%%s %%s %%s-%%s-%%s', %(cc)s, substr(num, 1, 3), substr(num, 4, 3), "
                "substr(num, 7, 2), substr(num, 9, 2))"
            )
        else:
            raw = "'+' || %(cc)s || ' ' || num"
        mobile = "NULL"
        mobile_e164 = "NULL"
        if mobile_base:
            mobile = "CASE WHEN mod(n, %(mobile_every)s) = 0 THEN '+' || %(cc)s || ' ' || (%(mobile_base)s + n) END"
            mobile_e164 = (
                "CASE WHEN mod(n, %(mobile_every)s) = 0 THEN '+' || %(cc)s || (%(mobile_base)s + n) END"
            )
        email = "NULL" if not email_domain else "'client' || n || '@' || %(domain)s"
        # mobile_e164 is crm_telephony's: a database with crm_custom alone (the intake benchmark) has no column
        mobile_column = ", mobile_e164" if "mobile_e164" in self.env["res.partner"]._fields else ""
        if not mobile_column:
            mobile_e164 = ""
        else:
            mobile_e164 = f", {mobile_e164}"
        crm = {"segment": "NULL", "country": "NULL", "state": "NULL", "user": "NULL"}
        params = {
            "start": start,
            "stop": start + count - 1,
            "prefix": prefix,
            "cc": country_code,
            "phone_base": phone_base,
            "mobile_base": mobile_base,
            "mobile_every": mobile_every,
            "domain": email_domain,
            "company_every": company_every,
            "rank_mod": customer_rank_mod,
            "company": company_id,
            "spread": spread_seconds,
        }

        def pick(array, salt, size, condition="TRUE"):
            if not size:
                return "NULL"
            return f"CASE WHEN {condition} THEN (%({array})s::int[])[1 + mod({h(salt, 'n')}, {size})] END"

        if crm_fields and self.companies:
            users = [uid for uids in self.users.values() for uid in uids]
            params.update(
                segments=self.segments.ids,
                countries=self.countries.ids,
                states=self.states.ids,
                users=users,
                ru=self.env.ref("base.ru").id,
            )
            crm = {
                "segment": pick("segments", "seg", len(self.segments), "mod(n, 10) < 8"),
                "country": f"CASE WHEN mod(n, 10) < 7 THEN %(ru)s ELSE {pick('countries', 'cty', len(self.countries))} END",
                "state": pick("states", "st", len(self.states), "mod(n, 10) < 7"),
                "user": pick("users", "usr", len(users)),
            }
        self.cr.execute(
            f"""
            WITH g AS (
                SELECT nextval('res_partner_id_seq') AS id, n, (%(phone_base)s + n)::text AS num
                  FROM generate_series(%(start)s, %(stop)s) n
            )
            INSERT INTO res_partner (
                id, name, complete_name, company_id, commercial_partner_id, active, type, is_company,
                autopost_bills, partner_share, customer_rank, supplier_rank, phone, phone_sanitized, phone_e164,
                mobile{mobile_column}, email, email_normalized, lang, segment_id, country_id, state_id, user_id,
                create_uid, write_uid, create_date, write_date
            )
            SELECT id, %(prefix)s || n, %(prefix)s || n, %(company)s, id, TRUE, 'contact',
                   CASE WHEN %(company_every)s > 0 THEN mod(n, %(company_every)s) = 0 ELSE FALSE END,
                   'ask', TRUE, CASE WHEN %(rank_mod)s > 0 THEN mod(n, %(rank_mod)s) ELSE 0 END, 0,
                   {raw}, '+' || %(cc)s || num, '+' || %(cc)s || num, {mobile}{mobile_e164},
                   {email}, {email}, 'en_US',
                   {crm["segment"]}, {crm["country"]}, {crm["state"]}, {crm["user"]},
                   1, 1, now() AT TIME ZONE 'UTC' - make_interval(secs => n * sign(%(spread)s)),
                   now() AT TIME ZONE 'UTC' - make_interval(secs => n * sign(%(spread)s))
              FROM g
            """,  # noqa: S608 - the f-string only inserts SQL fragments of this module
            params,
        )
        rows = self.cr.rowcount
        self.cr.execute("ANALYZE res_partner")
        self._find_partners(prefix)
        return rows

    def _find_partners(self, prefix):
        """Remember the partners named ``prefix<n>``: leads, invoices and calls draw their customers from them."""
        self.cr.execute(
            "SELECT min(id), max(id), count(*) FROM res_partner WHERE name LIKE %s",
            [prefix.replace("%", "") + "%"],
        )
        low, high, total = self.cr.fetchone()
        self.partner_range = (low, high, total, prefix) if total else None
        return self.partner_range

    def _partner_expr(self, salt, g="g"):
        """SQL of a generated customer's id for row ``g`` (NULL when no customer was generated)."""
        if not self.partner_range:
            return "NULL"
        low, high, total, prefix = self.partner_range
        if high - low + 1 != total:  # not contiguous (another generator ran meanwhile): draw from the rows
            return (
                f"(SELECT p.id FROM res_partner p WHERE p.name = '{prefix}' || "
                f"(1 + mod({h(salt, g)}, {total})) LIMIT 1)"
            )
        return f"({low} + mod({h(salt, g)}, {total}))"

    # ------------------------------------------------------------------ leads and their stage history

    def leads(self, count, *, opportunity_share=70, won_share=20, lost_share=25, products_share=50):
        """``count`` leads over the period, with their stage history (``crm_lead_stage_history``).

        Companies take turns (3 in 5 rows the main company), each lead belongs to a salesperson of its
        company and that salesperson's team; 1 in 10 has no source, the others a source, medium and campaign.
        ``opportunity_share`` percent are opportunities: ``won_share`` percent of them are won (they went
        through every stage up to the won stage), ``lost_share`` percent lost (archived, probability 0, a lost
        reason, in the stage they reached), the rest open. The path of an opportunity through the stages
        (ordered by sequence): forward one stage at a time, every 9th skips the second stage, every 11th open
        one goes back a stage and forward again; 12 hours to 10 days in each stage. Leads stay in the first
        stage. ``products_share`` percent have 1 to 3 products of interest. Returns the number of leads.
        """
        return self._timed(
            "leads with stage history",
            self._leads,
            count,
            opportunity_share,
            won_share,
            lost_share,
            products_share,
        )

    def _company_columns(self, g="g"):
        """SQL pieces choosing the company, salesperson and team of row ``g`` (3 in 5 rows: main company)."""
        main, *others = self.companies.ids
        company = f"CASE WHEN mod({g}, 5) < 3 OR {len(others)} = 0 THEN {main} ELSE " + (
            f"(ARRAY{others}::int[])[1 + mod({g}, {max(len(others), 1)})] END" if others else f"{main} END"
        )
        users = " ".join(
            f"WHEN {cid} THEN (ARRAY{uids}::int[])[1 + mod({h('u', g)}, {len(uids)})]"
            for cid, uids in self.users.items()
        )
        teams = " ".join(
            f"WHEN {cid} THEN (ARRAY{self.teams[cid]}::int[])[1 + mod({h('u', g)}, {len(uids)})]"
            for cid, uids in self.users.items()
        )
        return company, f"CASE company_id {users} END", f"CASE company_id {teams} END"

    def _leads(self, count, opportunity_share, won_share, lost_share, products_share):
        cr = self.cr
        company, user, team = self._company_columns()
        open_ids = self.open_stages.ids
        stage_ids = open_ids + self.won_stage.ids
        seconds = int(
            (
                datetime.combine(self.end, datetime.min.time())
                - datetime.combine(self.start, datetime.min.time())
            ).total_seconds()
        )
        # one row per lead with every choice made once; the leads and their history are both read from it
        cr.execute("DROP TABLE IF EXISTS bench_lead_plan")
        cr.execute(
            f"""
            CREATE UNLOGGED TABLE bench_lead_plan AS
            SELECT g, id, company_id, {user} AS user_id, {team} AS team_id, created, opportunity, outcome,
                   top, skip, back, gap, path
              FROM (
                SELECT g, nextval('crm_lead_id_seq') AS id, {company} AS company_id,
                       TIMESTAMP %(start)s + make_interval(secs => mod({h("t")}, %(seconds)s)) AS created,
                       mod({h("opp")}, 100) < %(opp)s AS opportunity,
                       CASE WHEN mod({h("opp")}, 100) >= %(opp)s THEN 'open'
                            WHEN mod({h("out")}, 100) < %(won)s THEN 'won'
                            WHEN mod({h("out")}, 100) < %(won)s + %(lost)s THEN 'lost' ELSE 'open' END AS outcome,
                       make_interval(hours => 12 + mod({h("gap")}, 228)) AS gap
                  FROM generate_series(1, %(count)s) g
              ) base,
              LATERAL (
                SELECT CASE WHEN NOT opportunity THEN 1
                            WHEN outcome = 'won' THEN %(n_open)s + 1
                            ELSE 1 + mod({h("top")}, %(n_open)s) END AS top
              ) t,
              LATERAL (SELECT opportunity AND mod(g, 9) = 0 AND top >= 3 AS skip,
                              opportunity AND outcome = 'open' AND mod(g, 11) = 0 AND top >= 2 AS back) f,
              LATERAL (
                SELECT ARRAY(SELECT r FROM generate_series(1, top) r WHERE NOT (skip AND r = 2) ORDER BY r)
                       || CASE WHEN back THEN ARRAY[top - 1, top] ELSE ARRAY[]::int[] END AS path
              ) p
            """,  # noqa: S608 - SQL fragments of this module
            {
                "start": datetime.combine(self.start, datetime.min.time()),
                "seconds": seconds,
                "count": count,
                "opp": opportunity_share,
                "won": won_share,
                "lost": lost_share,
                "n_open": len(open_ids),
            },
        )
        sources, mediums, campaigns = self.sources.ids, self.mediums.ids, self.campaigns.ids
        reasons = self.lost_reasons.ids or [None]
        cr.execute(
            f"""
            INSERT INTO crm_lead (
                id, name, type, company_id, user_id, team_id, stage_id, active, probability, automated_probability,
                expected_revenue, prorated_revenue, partner_id, source_id, medium_id, campaign_id,
                lost_reason_id, date_closed, date_open, date_last_stage_update, priority, color,
                create_date, write_date, create_uid, write_uid
            )
            SELECT p.id, '{PREFIX} lead ' || p.g, CASE WHEN p.opportunity THEN 'opportunity' ELSE 'lead' END,
                   p.company_id, p.user_id, p.team_id, (%(stages)s::int[])[p.path[array_length(p.path, 1)]],
                   p.outcome <> 'lost',
                   CASE p.outcome WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 10 * p.top END,
                   CASE p.outcome WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 10 * p.top END,
                   100 * (1 + mod({h("rev")}, 500)), 0,
                   {self._partner_expr("lp")},
                   CASE WHEN mod(p.g, 10) > 0 THEN (%(sources)s::int[])[1 + mod({h("src")}, %(n_src)s)] END,
                   CASE WHEN mod(p.g, 10) > 0 THEN (%(mediums)s::int[])[1 + mod({h("med")}, %(n_med)s)] END,
                   CASE WHEN mod(p.g, 10) > 0 THEN (%(campaigns)s::int[])[1 + mod({h("cmp")}, %(n_cmp)s)] END,
                   CASE WHEN p.outcome = 'lost' THEN (%(reasons)s::int[])[1 + mod({h("lr")}, %(n_reasons)s)] END,
                   CASE p.outcome WHEN 'won' THEN last_at WHEN 'lost' THEN last_at + p.gap END,
                   p.created, last_at, '0', 0,
                   p.created, COALESCE(last_at, p.created), 1, 1
              FROM bench_lead_plan p,
                   LATERAL (SELECT p.created + p.gap * (array_length(p.path, 1) - 1) AS last_at) l
            """,  # noqa: S608 - SQL fragments of this module
            {
                "stages": stage_ids,
                "sources": sources,
                "n_src": len(sources),
                "mediums": mediums,
                "n_med": len(mediums),
                "campaigns": campaigns,
                "n_cmp": len(campaigns),
                "reasons": reasons,
                "n_reasons": len(reasons),
            },
        )
        rows = cr.rowcount
        cr.execute("SELECT setval('crm_lead_id_seq', (SELECT max(id) FROM crm_lead))")
        # the stage history: one visit per step of the path, 'gap' long, the last one still open
        cr.execute(
            """
            INSERT INTO crm_lead_stage_history (lead_id, stage_id, date_start, date_end, user_id, company_id)
            SELECT p.id, (%(stages)s::int[])[s.rank], p.created + p.gap * (s.step - 1),
                   CASE WHEN s.step < array_length(p.path, 1) THEN p.created + p.gap * s.step END,
                   p.user_id, p.company_id
              FROM bench_lead_plan p, unnest(p.path) WITH ORDINALITY AS s(rank, step)
            """,
            {"stages": stage_ids},
        )
        history = cr.rowcount
        # products of interest: 1 to 3 distinct products for products_share percent of the leads
        products = self.products.ids
        cr.execute(
            f"""
            INSERT INTO crm_lead_product_interest_rel (lead_id, product_id)
            SELECT DISTINCT p.id, (%(products)s::int[])[1 + mod({h("prd", "p.g * 10 + k")}, %(n)s)]
              FROM bench_lead_plan p, generate_series(1, 1 + mod({h("nprd", "p.g")}, 3)) k
             WHERE mod({h("hasprd", "p.g")}, 100) < %(share)s
            """,  # noqa: S608 - SQL fragments of this module
            {"products": products, "n": len(products), "share": products_share},
        )
        interests = cr.rowcount
        cr.execute("DROP TABLE bench_lead_plan")
        cr.execute("ANALYZE crm_lead; ANALYZE crm_lead_stage_history; ANALYZE crm_lead_product_interest_rel")
        self.log(f"  {history:,} stage visits, {interests:,} products of interest")
        self._after_leads()
        return rows

    def _after_leads(self):
        """Derived data the addons keep from the stage history and the leads, rebuilt set-based (as after an
        install)."""
        if "create_day" in self.env["crm.lead"]._fields:  # the creation day in the company's timezone
            self.env["crm.lead"]._refresh_create_day()
        if "product_interest_count" in self.env["crm.lead"]._fields:  # the lead intake's rows per lead
            self.env["crm.lead"]._refresh_product_interest_count()
        if "crm.lead.stage.reach" in self.env:
            started = time.perf_counter()
            self.env["crm.lead.stage.reach"]._rebuild()
            self.cr.execute("ANALYZE crm_lead_stage_reach")
            self.log(f"  funnel rows (crm_lead_stage_reach) rebuilt in {time.perf_counter() - started:.1f} s")

    # ------------------------------------------------------------------ invoices

    def invoices(
        self,
        lines,
        *,
        lines_per_move=4,
        refund_share=9,
        vendor_share=1,
        draft_share=3,
        cancel_share=1,
        foreign_share=5,
    ):
        """About ``lines`` invoice lines (product lines), ``lines_per_move`` per journal entry, over the period.

        Of the moves: ``refund_share`` percent customer credit notes, ``vendor_share`` percent vendor bills,
        the rest customer invoices; ``draft_share`` percent left in draft and ``cancel_share`` percent
        cancelled, the rest posted; ``foreign_share`` percent in a foreign currency (amount in currency at
        rate 1.25, balance in the company currency). 3 in 100 have no salesperson (the team's unassigned
        remainder). Customers are the generated partners. Returns the number of lines.
        """
        return self._timed(
            "invoice lines",
            self._invoices,
            lines,
            lines_per_move,
            refund_share,
            vendor_share,
            draft_share,
            cancel_share,
            foreign_share,
        )

    def _invoices(
        self, lines, per_move, refund_share, vendor_share, draft_share, cancel_share, foreign_share
    ):
        cr, env = self.cr, self.env
        moves = max(lines // per_move, 1)
        company, user, team = self._company_columns()
        journals, purchase, accounts, expense, currencies, foreign = {}, {}, {}, {}, {}, {}
        for c in self.companies:
            journal = env["account.journal"].search(
                [("type", "=", "sale"), ("company_id", "=", c.id)], limit=1
            )
            bills = env["account.journal"].search(
                [("type", "=", "purchase"), ("company_id", "=", c.id)], limit=1
            )
            journals[c.id], purchase[c.id] = journal.id, bills.id
            accounts[c.id] = journal.default_account_id.id
            expense[c.id] = bills.default_account_id.id
            currencies[c.id] = c.currency_id.id
            other = env.ref("base.EUR") if c.currency_id != env.ref("base.EUR") else env.ref("base.USD")
            other.active = True
            foreign[c.id] = other.id

        def by_company(values):
            return (
                "CASE company_id "
                + " ".join(f"WHEN {cid} THEN {value}" for cid, value in values.items())
                + " END"
            )

        days = (self.end - self.start).days + 1
        cr.execute("DROP TABLE IF EXISTS bench_move_plan")
        cr.execute(
            f"""
            CREATE UNLOGGED TABLE bench_move_plan AS
            SELECT g, nextval('account_move_id_seq') AS id, company_id,
                   CASE WHEN mod({h("nouser")}, 100) < 3 THEN NULL ELSE {user} END AS user_id, {team} AS team_id,
                   DATE %(start)s + mod({h("day")}, %(days)s) AS day,
                   CASE WHEN kind < %(vendor)s THEN 'in_invoice'
                        WHEN kind < %(vendor)s + %(refund)s THEN 'out_refund' ELSE 'out_invoice' END AS move_type,
                   CASE WHEN st < %(draft)s THEN 'draft' WHEN st < %(draft)s + %(cancel)s THEN 'cancel'
                        ELSE 'posted' END AS state,
                   mod({h("cur")}, 100) < %(foreign)s AS in_foreign,
                   {self._partner_expr("mp")} AS partner_id
              FROM (SELECT g, {company} AS company_id, mod({h("kind")}, 100) AS kind, mod({h("st")}, 100) AS st
                      FROM generate_series(1, %(moves)s) g) base
            """,  # noqa: S608 - SQL fragments of this module
            {
                "start": self.start,
                "days": days,
                "moves": moves,
                "vendor": vendor_share,
                "refund": refund_share,
                "draft": draft_share,
                "cancel": cancel_share,
                "foreign": foreign_share,
            },
        )
        cr.execute(
            f"""
            INSERT INTO account_move (id, name, journal_id, company_id, currency_id, date, invoice_date, state,
                                      move_type, auto_post, invoice_user_id, team_id, partner_id,
                                      commercial_partner_id, payment_state, create_date, write_date, create_uid,
                                      write_uid)
            SELECT p.id, CASE WHEN p.state = 'posted' THEN '{PREFIX}/' || p.company_id || '/' || p.g ELSE '/' END,
                   CASE WHEN p.move_type = 'in_invoice' THEN {by_company(purchase)} ELSE {by_company(journals)} END,
                   p.company_id,
                   CASE WHEN p.in_foreign THEN {by_company(foreign)} ELSE {by_company(currencies)} END,
                   p.day, p.day, p.state, p.move_type, 'no',
                   CASE WHEN p.move_type <> 'in_invoice' THEN p.user_id END,
                   CASE WHEN p.move_type <> 'in_invoice' THEN p.team_id END,
                   p.partner_id, p.partner_id, 'not_paid', p.day, p.day, 1, 1
              FROM bench_move_plan p
            """,  # noqa: S608 - SQL fragments of this module
        )
        cr.execute("SELECT setval('account_move_id_seq', (SELECT max(id) FROM account_move))")
        products = self.products
        cr.execute(
            "SELECT pp.id, pt.uom_id FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id "
            "WHERE pp.id = ANY(%s) ORDER BY pp.id",
            [products.ids],
        )
        product_ids, uoms = zip(*cr.fetchall(), strict=True)
        cr.execute(
            f"""
            INSERT INTO account_move_line (move_id, journal_id, company_id, account_id, currency_id,
                                           company_currency_id, partner_id, date, invoice_date, parent_state,
                                           display_type, name, product_id, product_uom_id, quantity, price_unit,
                                           price_subtotal, price_total, balance, amount_currency, debit, credit,
                                           create_date, write_date, create_uid, write_uid)
            SELECT m.id, m.journal_id, m.company_id,
                   CASE WHEN m.move_type = 'in_invoice' THEN {by_company(expense).replace("company_id", "m.company_id")}
                        ELSE {by_company(accounts).replace("company_id", "m.company_id")} END,
                   m.currency_id, {by_company(currencies).replace("company_id", "m.company_id")}, m.partner_id,
                   m.date, m.invoice_date, m.state, 'product', '{PREFIX} line',
                   (%(products)s::int[])[pk], (%(uoms)s::int[])[pk], v.qty, v.price, v.qty * v.price, v.qty * v.price,
                   v.sign * v.amount, v.sign * v.amount_currency,
                   GREATEST(v.sign * v.amount, 0), GREATEST(-v.sign * v.amount, 0),
                   m.date, m.date, 1, 1
              FROM account_move m
              JOIN bench_move_plan p ON p.id = m.id
              CROSS JOIN generate_series(1, %(per_move)s) k
              CROSS JOIN LATERAL (
                    SELECT 1 + mod({h("prd", "p.g * 10 + k")}, %(n_products)s) AS pk
              ) pr
              CROSS JOIN LATERAL (
                    SELECT (1 + mod({h("qty", "p.g * 10 + k")}, 10))::numeric AS qty,
                           (10 + mod({h("price", "p.g * 10 + k")}, 990))::numeric AS price,
                           CASE WHEN m.move_type IN ('out_refund', 'in_invoice') THEN 1 ELSE -1 END AS sign
              ) q
              CROSS JOIN LATERAL (
                    SELECT CASE WHEN p.in_foreign THEN round(q.qty * q.price * 1.25, 2) ELSE q.qty * q.price END
                               AS amount,
                           q.qty * q.price AS amount_currency, q.qty, q.price, q.sign
              ) v
            """,  # noqa: S608 - SQL fragments of this module
            {
                "products": list(product_ids),
                "uoms": list(uoms),
                "n_products": len(product_ids),
                "per_move": per_move,
            },
        )
        rows = cr.rowcount
        cr.execute("DROP TABLE bench_move_plan")
        cr.execute("ANALYZE account_move; ANALYZE account_move_line")
        return rows

    # ------------------------------------------------------------------ sale orders and marketing spend

    def orders(self, *, share=60):
        """Sale orders linking won opportunities to the generated invoices (what sale_crm and sale leave).

        For ``share`` percent of the generated customer invoices and credit notes not linked yet: a confirmed
        sale order of a won generated opportunity of the same company (with the opportunity's utm source,
        medium and campaign, as sale_crm passes them), one order line per product line of the document,
        each invoice line linked to its order line (``sale_order_line_invoice_rel``, as invoicing an order
        and reversing its invoice leave them). Needs :meth:`leads` and :meth:`invoices` first. Returns the
        number of orders.
        """
        return self._timed("sale orders of won opportunities", self._orders, share)

    def _orders(self, share):
        cr = self.cr
        cr.execute("DROP TABLE IF EXISTS bench_won; DROP TABLE IF EXISTS bench_order_plan")
        cr.execute(
            f"""
            CREATE UNLOGGED TABLE bench_won AS
            SELECT l.id, l.company_id, l.source_id, l.medium_id, l.campaign_id,
                   row_number() OVER (PARTITION BY l.company_id ORDER BY l.id) AS rn,
                   COUNT(*) OVER (PARTITION BY l.company_id) AS n
              FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.name LIKE '{PREFIX} lead %%' AND l.type = 'opportunity' AND l.active AND s.is_won
            """  # noqa: S608 - SQL fragments of this module
        )
        cr.execute("CREATE INDEX ON bench_won (company_id, rn)")
        cr.execute(
            f"""
            CREATE UNLOGGED TABLE bench_order_plan AS
            SELECT m.id AS move_id, nextval('sale_order_id_seq') AS order_id, m.company_id, m.partner_id,
                   m.invoice_user_id AS user_id, m.team_id, m.invoice_date, m.currency_id, w.id AS opportunity_id,
                   w.source_id, w.medium_id, w.campaign_id
              FROM account_move m
              JOIN (SELECT company_id, MAX(n) AS n FROM bench_won GROUP BY company_id) c
                ON c.company_id = m.company_id
              JOIN bench_won w ON w.company_id = m.company_id AND w.rn = 1 + mod({h("opp", "m.id")}, c.n)
             WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.partner_id IS NOT NULL
               AND mod({h("ord", "m.id")}, 100) < %(share)s
               AND m.id IN (SELECT l.move_id FROM account_move_line l WHERE l.name = '{PREFIX} line')
               AND NOT EXISTS (
                    SELECT 1 FROM account_move_line l
                      JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = l.id
                     WHERE l.move_id = m.id)
            """,  # noqa: S608 - SQL fragments of this module
            {"share": share},
        )
        cr.execute(
            f"""
            INSERT INTO sale_order (id, name, partner_id, partner_invoice_id, partner_shipping_id, company_id,
                                    currency_id, date_order, state, user_id, team_id, opportunity_id, source_id,
                                    medium_id, campaign_id, invoice_status, create_date, write_date, create_uid,
                                    write_uid)
            SELECT p.order_id, '{PREFIX}-SO' || p.order_id, p.partner_id, p.partner_id, p.partner_id, p.company_id,
                   p.currency_id, p.invoice_date, 'sale', p.user_id, p.team_id, p.opportunity_id, p.source_id,
                   p.medium_id, p.campaign_id, 'invoiced', p.invoice_date, p.invoice_date, 1, 1
              FROM bench_order_plan p
            """  # noqa: S608 - SQL fragments of this module
        )
        rows = cr.rowcount
        cr.execute(
            f"""
            WITH lines AS (
                SELECT nextval('sale_order_line_id_seq') AS id, l.id AS invoice_line_id, p.order_id, p.company_id,
                       p.currency_id, p.invoice_date, l.product_id, l.product_uom_id, l.quantity, l.price_unit
                  FROM bench_order_plan p
                  JOIN account_move_line l ON l.move_id = p.move_id AND l.display_type = 'product'
            ),
            inserted AS (
                INSERT INTO sale_order_line (id, order_id, sequence, name, product_id, product_uom, product_uom_qty,
                                             qty_invoiced, price_unit, customer_lead, company_id, currency_id,
                                             state, invoice_status, create_date, write_date, create_uid,
                                             write_uid)
                SELECT id, order_id, 10, '{PREFIX} order line', product_id, product_uom_id, quantity, quantity,
                       price_unit, 0, company_id, currency_id, 'sale', 'invoiced', invoice_date, invoice_date, 1, 1
                  FROM lines
                RETURNING id
            )
            INSERT INTO sale_order_line_invoice_rel (invoice_line_id, order_line_id)
            SELECT invoice_line_id, id FROM lines
            """  # noqa: S608 - SQL fragments of this module
        )
        self.log(f"  {cr.rowcount:,} invoice lines linked to order lines")
        cr.execute("DROP TABLE bench_won; DROP TABLE bench_order_plan")
        cr.execute("ANALYZE sale_order; ANALYZE sale_order_line; ANALYZE sale_order_line_invoice_rel")
        return rows

    def marketing_costs(self, *, amount_min=1000, amount_max=50000):
        """A marketing spend per company, month of the period and utm source x medium x campaign of
        :meth:`setup` (the channels of the generated leads), ``amount_min`` to ``amount_max`` in the company
        currency. Needs crm_reports. Returns the number of rows."""
        return self._timed("marketing spend", self._marketing_costs, amount_min, amount_max)

    def _marketing_costs(self, amount_min, amount_max):
        cr = self.cr
        cr.execute(
            f"""
            INSERT INTO crm_marketing_cost (company_id, date, source_id, medium_id, campaign_id, amount, note,
                                            create_date, write_date, create_uid, write_uid)
            SELECT c.id, m.month::date, s.id, md.id, cp.id,
                   %(low)s + mod({h("cost", "c.id * 1000000 + s.id * 10000 + md.id * 100 + cp.id + extract(epoch from m.month)::bigint")}, %(span)s),
                   '{PREFIX} spend', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', 1, 1
              FROM unnest(%(companies)s::int[]) AS c(id)
             CROSS JOIN generate_series(%(start)s::date, %(end)s::date, interval '1 month') AS m(month)
             CROSS JOIN unnest(%(sources)s::int[]) AS s(id)
             CROSS JOIN unnest(%(mediums)s::int[]) AS md(id)
             CROSS JOIN unnest(%(campaigns)s::int[]) AS cp(id)
            """,  # noqa: S608 - SQL fragments of this module
            {
                "low": amount_min,
                "span": max(amount_max - amount_min, 1),
                "companies": self.companies.ids,
                "start": self.start,
                "end": self.end.replace(day=1),
                "sources": self.sources.ids,
                "mediums": self.mediums.ids,
                "campaigns": self.campaigns.ids,
            },
        )
        rows = cr.rowcount
        cr.execute("ANALYZE crm_marketing_cost")
        return rows

    # ------------------------------------------------------------------ calls

    def calls(self, count, *, inbound_share=60, answered_share=75, cancel_share=1):
        """``count`` calls of the PBX of each company over the period, as the PBX webhook stores them.

        ``inbound_share`` percent inbound; ``answered_share`` percent answered (talk 10 s to 15 min), the others
        missed, busy, no answer or voicemail; ``cancel_share`` percent cancelled; during working hours in the
        company's timezone. Each call has its salesperson and team, a generated client (its E.164 number) and
        an external call id ``bench-<n>`` unique per PBX. Returns the number of calls.
        """
        return self._timed("calls", self._calls, count, inbound_share, answered_share, cancel_share)

    def _calls(self, count, inbound_share, answered_share, cancel_share):
        cr = self.cr
        company, user, team = self._company_columns()
        pbx = (
            "CASE company_id " + " ".join(f"WHEN {cid} THEN {pid}" for cid, pid in self.pbx.items()) + " END"
        )
        days = (self.end - self.start).days + 1
        cr.execute("SELECT COALESCE(max(id), 0) FROM crm_phonecall")
        offset = cr.fetchone()[0]
        cr.execute(
            f"""
            INSERT INTO crm_phonecall (
                name, pbx_id, external_call_id, state, active, priority, company_id, user_id, team_id, partner_id,
                direction, outcome, date, ring_start, answer_time, end_time, ring_seconds, talk_seconds, duration,
                date_closed, remote_e164, dialled_e164, caller_number, called_number, partner_phone, card_logged,
                lead_created, pbx_lead_pending, pbx_popup_pending, pbx_end_pending,
                create_date, write_date, create_uid, write_uid
            )
            SELECT CASE WHEN inbound THEN 'Inbound call from ' ELSE 'Outbound call to ' END || remote,
                   {pbx}, 'bench-' || (g + %(offset)s), CASE WHEN cancelled THEN 'cancel' ELSE 'done' END, TRUE, '1',
                   company_id, {user}, {team}, partner_id,
                   CASE WHEN inbound THEN 'in' ELSE 'out' END, outcome, ring, ring,
                   CASE WHEN outcome = 'answered' THEN ring + make_interval(secs => ring_s) END,
                   ring + make_interval(secs => ring_s + talk_s), ring_s, talk_s, talk_s / 60.0,
                   ring + make_interval(secs => ring_s + talk_s), remote, '+74950000000',
                   CASE WHEN inbound THEN remote ELSE '+74950000000' END,
                   CASE WHEN inbound THEN '+74950000000' ELSE remote END, remote, TRUE,
                   FALSE, FALSE, FALSE, FALSE, ring, ring, 1, 1
              FROM (
                SELECT g, company_id, inbound, cancelled, partner_id, ring, outcome,
                       5 + mod({h("rs")}, 25) AS ring_s,
                       CASE WHEN outcome = 'answered' THEN 10 + mod({h("ts")}, 890) ELSE 0 END AS talk_s,
                       COALESCE((SELECT p.phone_sanitized FROM res_partner p WHERE p.id = partner_id),
                                '+7999' || lpad(g::text, 7, '0')) AS remote
                  FROM (
                    SELECT g, {company} AS company_id, mod({h("dir")}, 100) < %(inbound)s AS inbound,
                           mod({h("cx")}, 100) < %(cancel)s AS cancelled, {self._partner_expr("cp")} AS partner_id,
                           TIMESTAMP %(start)s + make_interval(days => mod({h("d")}, %(days)s),
                                                               hours => 6 + mod({h("hr")}, 10),
                                                               secs => mod({h("sec")}, 3600)) AS ring,
                           CASE WHEN mod({h("ans")}, 100) < %(answered)s THEN 'answered'
                                ELSE (ARRAY['missed', 'busy', 'no_answer', 'voicemail'])[1 + mod({h("why")}, 4)]
                           END AS outcome
                      FROM generate_series(1, %(count)s) g
                  ) a
              ) c
            """,  # noqa: S608 - SQL fragments of this module
            {
                "offset": offset,
                "start": datetime.combine(self.start, datetime.min.time()),
                "days": days,
                "count": count,
                "inbound": inbound_share,
                "answered": answered_share,
                "cancel": cancel_share,
            },
        )
        rows = cr.rowcount
        cr.execute("ANALYZE crm_phonecall")
        return rows

    # ------------------------------------------------------------------ physical order

    def cluster_by_date(self):
        """Rewrite the generated tables in the order of their dates (calls, journal items, journal entries,
        leads, the funnel's rows), as production writes them: day after day. The generators draw each
        row's date at random, so without this the rows of one month are spread over the whole table,
        which no production database looks like. Returns the number of tables rewritten."""
        return self._timed("tables rewritten in date order (CLUSTER)", self._cluster_by_date)

    def _cluster_by_date(self):
        cr = self.cr
        tables = (
            ("crm_phonecall", "date"),
            ("account_move_line", "date"),
            ("account_move", "date"),
            ("crm_lead", "create_date"),
            ("crm_lead_stage_reach", "cohort_on"),
            ("mail_activity", "date_deadline"),
        )
        for table, column in tables:
            index = f"bench_cluster_{table}_idx"
            cr.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({column})")
            cr.execute(f"CLUSTER {table} USING {index}")
            cr.execute(f"DROP INDEX {index}")
            cr.execute(f"ANALYZE {table}")
        return len(tables)

    # ------------------------------------------------------------------ what the dashboards read

    def dashboard_data(self, activities=200_000):
        """Everything the role dashboards read beyond leads, invoices and calls (see each generator)."""
        self.receivables()
        self.activities(activities)
        self.callbacks()
        self.birthdays()
        self.card_quality()
        self.plans(months=1, kpis=DASHBOARD_KPIS)

    def receivables(self, *, paid_share=85, partial_share=5):
        """Totals, due dates and payment status of the generated journal entries, as accounting would have
        them: amounts from their product lines (no tax), due 0, 15, 30 or 45 days after the invoice date;
        of the posted customer documents ``paid_share`` percent paid and ``partial_share`` percent half
        paid, the others not paid (amount residual = total). No payment is generated. Returns the number of
        entries updated."""
        return self._timed(
            "receivables (totals, due dates, payment status)", self._receivables, paid_share, partial_share
        )

    def _receivables(self, paid_share, partial_share):
        cr = self.cr
        cr.execute(
            f"""
            WITH totals AS (
                SELECT l.move_id, SUM(l.price_subtotal) AS in_currency, SUM(l.balance) AS balance
                  FROM account_move_line l
                 WHERE l.name = '{PREFIX} line' AND l.display_type = 'product'
                 GROUP BY l.move_id
            ),
            status AS (
                SELECT m.id, t.in_currency, t.balance,
                       CASE WHEN m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
                                 AND mod({h("paid", "m.id")}, 100) < %(paid)s THEN 'paid'
                            WHEN m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
                                 AND mod({h("paid", "m.id")}, 100) < %(paid)s + %(partial)s THEN 'partial'
                            ELSE 'not_paid' END AS payment_state,
                       CASE WHEN m.move_type = 'out_invoice' THEN 1 ELSE -1 END AS sign
                  FROM account_move m
                  JOIN totals t ON t.move_id = m.id
            )
            UPDATE account_move m
               SET invoice_date_due = m.invoice_date + 15 * mod({h("due", "m.id")}, 4),
                   amount_untaxed = s.in_currency, amount_total = s.in_currency, amount_tax = 0,
                   amount_untaxed_signed = -s.balance, amount_total_signed = -s.balance, amount_tax_signed = 0,
                   amount_untaxed_in_currency_signed = s.sign * s.in_currency,
                   amount_total_in_currency_signed = s.sign * s.in_currency,
                   payment_state = s.payment_state,
                   amount_residual = CASE s.payment_state WHEN 'paid' THEN 0
                                          WHEN 'partial' THEN round(s.in_currency / 2, 2)
                                          ELSE s.in_currency END,
                   amount_residual_signed = CASE s.payment_state WHEN 'paid' THEN 0
                                                 WHEN 'partial' THEN round(-s.balance / 2, 2)
                                                 ELSE -s.balance END
              FROM status s
             WHERE s.id = m.id
            """,  # noqa: S608 - SQL fragments of this module
            {"paid": paid_share, "partial": partial_share},
        )
        rows = cr.rowcount
        cr.execute("ANALYZE account_move")
        return rows

    # ------------------------------------------------------------------ activities (dashboards)

    def activities(self, count, *, days=20):
        """``count`` planned activities (to-do, call, meeting) on open opportunities, for the opportunity's
        salesperson, due from ``days`` days ago to ``days`` days ahead of ``end`` (an opportunity may have
        several). Returns the number of activities."""
        return self._timed("activities on open opportunities", self._activities, count, days)

    def _activities(self, count, days):
        cr, env = self.cr, self.env
        types = [
            env.ref(xmlid).id
            for xmlid in (
                "mail.mail_activity_data_todo",
                "mail.mail_activity_data_call",
                "mail.mail_activity_data_meeting",
            )
        ]
        model_id = env["ir.model"]._get_id("crm.lead")
        cr.execute(
            f"""
            WITH open_deals AS (
                SELECT l.id, l.user_id, l.name, row_number() OVER (ORDER BY l.id) AS n, count(*) OVER () AS total
                  FROM crm_lead l
                  JOIN crm_stage s ON s.id = l.stage_id
                 WHERE l.type = 'opportunity' AND l.active AND NOT COALESCE(s.is_won, FALSE) AND l.user_id IS NOT NULL
                   AND l.name LIKE '{PREFIX} lead %%'
            )
            INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                                       date_deadline, user_id, automated, active, create_uid, write_uid,
                                       create_date, write_date)
            SELECT %(model_id)s, 'crm.lead', d.id, d.name, (%(types)s::int[])[1 + mod({h("atype")}, 3)],
                   'Bench follow-up', %(end)s::date + (mod({h("adue")}, 2 * %(days)s + 1) - %(days)s)::int,
                   d.user_id, FALSE, TRUE, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(count)s) g
              JOIN open_deals d ON d.n = 1 + mod({h("adeal")}, (SELECT max(total) FROM open_deals))
            """,  # noqa: S608 - SQL fragments of this module
            {"model_id": model_id, "types": types, "end": self.end, "days": days, "count": count},
        )
        rows = cr.rowcount
        cr.execute("ANALYZE mail_activity")
        return rows

    def callbacks(self, days=7):
        """A "Call back" activity (crm_telephony's missed-call process) for each missed inbound call of the
        last ``days`` days up to ``end``, on the call's customer, for the call's user, due on the call's day;
        the call keeps it in ``callback_activity_id``. Returns the number of call backs."""
        return self._timed("call backs of missed calls", self._callbacks, days)

    def _callbacks(self, days):
        cr, env = self.cr, self.env
        call_back = env.ref("crm_telephony.mail_activity_type_call_back").id
        model_id = env["ir.model"]._get_id("res.partner")
        cr.execute("DROP TABLE IF EXISTS bench_callback")
        cr.execute(
            """
            CREATE UNLOGGED TABLE bench_callback AS
            SELECT nextval('mail_activity_id_seq') AS id, c.id AS call_id, c.partner_id, c.user_id,
                   c.remote_e164, c.date::date AS day
              FROM crm_phonecall c
             WHERE c.direction = 'in' AND c.outcome IN ('missed', 'busy', 'no_answer', 'voicemail')
               AND c.state <> 'cancel' AND c.partner_id IS NOT NULL AND c.user_id IS NOT NULL
               AND c.callback_activity_id IS NULL
               AND c.date >= %(since)s AND c.date < %(until)s
            """,
            {"since": self.end - timedelta(days=days - 1), "until": self.end + timedelta(days=1)},
        )
        cr.execute(
            """
            INSERT INTO mail_activity (id, res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                                       date_deadline, user_id, automated, active, create_uid, write_uid,
                                       create_date, write_date)
            SELECT b.id, %(model_id)s, 'res.partner', b.partner_id, p.name, %(type)s, 'Call back ' || b.remote_e164,
                   b.day, b.user_id, TRUE, TRUE, 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM bench_callback b
              JOIN res_partner p ON p.id = b.partner_id
            """,
            {"model_id": model_id, "type": call_back},
        )
        rows = cr.rowcount
        cr.execute(
            "UPDATE crm_phonecall c SET callback_activity_id = b.id FROM bench_callback b WHERE c.id = b.call_id"
        )
        cr.execute("DROP TABLE bench_callback")
        cr.execute("ANALYZE mail_activity")
        return rows

    # ------------------------------------------------------------------ contacts' birthdays (dashboards)

    def birthdays(self, share=30):
        """A birthdate (OCA partner_contact_birthdate) on ``share`` percent of the generated individuals,
        spread over the days of the year (born 1960-1999). Returns the number of partners updated."""
        return self._timed("birthdays", self._birthdays, share)

    def _birthdays(self, share):
        if not self.partner_range:
            return 0
        low, high, _total, _prefix = self.partner_range
        self.cr.execute(
            f"""
            UPDATE res_partner
               SET birthdate_date = DATE '1960-01-01' + mod({h("bday", "id")}, 14600)
             WHERE id BETWEEN %(low)s AND %(high)s AND NOT is_company AND mod({h("hasbday", "id")}, 100) < %(share)s
            """,  # noqa: S608 - SQL fragments of this module
            {"low": low, "high": high, "share": share},
        )
        rows = self.cr.rowcount
        self.cr.execute("ANALYZE res_partner")
        return rows

    # ------------------------------------------------------------------ card quality (dashboards)

    def card_quality(self, days=2):
        """Two completeness rules on the main company's contacts (phone, e-mail; weight 50 each) and the
        daily card-quality snapshot (crm_custom's table) of the last ``days`` days up to ``end``, taken by
        the module itself. Returns the number of snapshot lines."""
        return self._timed("card-quality snapshots", self._card_quality, days)

    def _card_quality(self, days):
        env = self.env
        main = env.ref("base.main_company")
        Rule = env["crm.card.score.rule"]
        for name, fname in ((f"{PREFIX} phone", "phone"), (f"{PREFIX} e-mail", "email")):
            if not Rule.search_count([("name", "=", name)]):
                Rule.create(
                    {
                        "name": name,
                        "target": "contact",
                        "domain": f"[('{fname}', '!=', False)]",
                        "weight": 50,
                        "company_id": main.id,
                    }
                )
        Line = env["crm.card.quality.line"]
        for offset in range(days - 1, -1, -1):
            Line._take_snapshot(self.end - timedelta(days=offset))
        self.cr.execute("SELECT count(*) FROM crm_card_quality_line")
        return self.cr.fetchone()[0]

    # ------------------------------------------------------------------ sales plans

    def plans(self, *, months=None, kpis=("revenue", "leads_new"), targets=None):
        """Monthly plans of every generated team for the last ``months`` months up to ``end`` (default: the
        whole period): one line per salesperson and KPI (codes ``kpis``), a team line per KPI, opened and
        their actuals refreshed. A plan that exists gets the lines it lacks. ``targets``: {code: target per
        salesperson} (default: 1,000,000 of revenue, 800 of anything else). Returns the number of lines
        created."""
        return self._timed("sales plans", self._plans, months or self.months, kpis, targets or {})

    def _plans(self, months, kpis, targets):
        env = self.env
        Plan, Line = env["crm.sales.plan"], env["crm.sales.plan.line"]
        records = env["crm.kpi"].search([("code", "in", list(kpis))])
        month = self.end.replace(day=1)
        starts = []
        for _index in range(months):
            starts.append(month)
            month = (month - timedelta(days=1)).replace(day=1)
        created = Line
        for start in sorted(starts):
            for company_id, users in self.users.items():
                teams = self.teams[company_id]
                for team_id in sorted(set(teams)):
                    members = [uid for uid, tid in zip(users, teams, strict=True) if tid == team_id]
                    plan = Plan.search(
                        [("team_id", "=", team_id), ("period_type", "=", "month"), ("date_from", "=", start)]
                    )
                    if not plan:
                        plan = Plan.create({"team_id": team_id, "company_id": company_id, "date_from": start})
                    have = {(line.user_id.id, line.kpi_id.id) for line in plan.line_ids}
                    vals = []
                    for kpi in records:
                        target = targets.get(kpi.code, 1_000_000.0 if kpi.code == "revenue" else 800.0)
                        vals += [
                            {"plan_id": plan.id, "user_id": uid, "kpi_id": kpi.id, "target": target}
                            for uid in members
                            if (uid, kpi.id) not in have
                        ]
                        if (False, kpi.id) not in have:
                            vals.append(
                                {"plan_id": plan.id, "kpi_id": kpi.id, "target": target * len(members)}
                            )
                    created |= Line.create(vals)
        plans = created.plan_id
        plans.filtered(lambda plan: plan.state == "draft").write({"state": "open"})
        plans.line_ids._refresh_actuals()
        return len(created)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "db", help="database to fill (created from the cached dependency database when missing)"
    )
    parser.add_argument("--companies", type=int, default=2)
    parser.add_argument("--salespeople", type=int, default=50, help="per company")
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--invoice-lines", type=int, default=2_000_000)
    parser.add_argument("--calls", type=int, default=3_000_000)
    parser.add_argument(
        "--orders-share",
        type=int,
        default=0,
        help="percent of the customer invoices given a sale order of a won opportunity (0: none)",
    )
    parser.add_argument(
        "--marketing-costs", action="store_true", help="a year of marketing spend per channel"
    )
    parser.add_argument(
        "--dashboard",
        action="store_true",
        help="also what the role dashboards read: receivables, 200,000 activities, call backs of the last "
        "7 days, birthdays, two card-quality snapshots, this month's plans with five KPIs",
    )
    parser.add_argument("--drop", action="store_true", help="start from a fresh database")
    args = parser.parse_args()
    pg = postgres()
    try:
        prepare_database(pg, args.db, drop=args.drop)
        with environment(pg, args.db) as env:
            ds = Dataset(env).setup(companies=args.companies, salespeople=args.salespeople)
            for what, count in (
                ("partners", args.partners),
                ("leads", args.leads),
                ("invoices", args.invoice_lines),
                ("calls", args.calls),
            ):
                if count:
                    getattr(ds, what)(count)
            if args.orders_share:
                ds.orders(share=args.orders_share)
            if args.marketing_costs:
                ds.marketing_costs()
            if args.dashboard:
                ds.dashboard_data()
        vacuum(pg, args.db)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
