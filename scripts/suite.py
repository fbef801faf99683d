#!/usr/bin/env python3
"""Run the CRM suite without Docker: ``demo`` serves a demo database, ``test`` runs every check.

Both commands need only the current ``python3``; the Odoo parts need ``import odoo`` (Odoo 18.0)
to work and a PostgreSQL server, which is found through ``config/odoo.conf`` and the ``PG*``
variables or, when none answers, started as a private cluster under ``.local/pg`` (ignored by git).
When ``python3`` cannot import Odoo 18, scripts/bootstrap.py sets it up in ``.local/venv`` (from
``ODOO_SRC`` or Odoo's 18.0 branch) and the command runs again inside that environment.

    scripts/demo            # create crm_demo once (three addons + demo data) and serve on :8069
    scripts/test            # static checks + Odoo tests + upgrade + tests/ ; ends "N passed, N failed"
    python3 scripts/suite.py backup crm_demo crm_demo.zip    # scripts/backup.py on this checkout's server
    python3 scripts/suite.py restore [--copy] [--force] crm_demo crm_demo.zip
"""

import argparse
import ast
import configparser
import contextlib
import glob
import hashlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unittest
import xml.dom.minidom

import bootstrap
import deploy_check
import lifecycle

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS_DIR = os.path.join(ROOT, "addons")
LOCAL = os.path.join(ROOT, ".local")
OUR_ADDONS = ["crm_custom", "crm_telephony", "crm_reports"]  # bottom to top
CONF_FILE = os.path.join(ROOT, "config", "odoo.conf")
DEMO_DB = "crm_demo"
MODULE_LOG_RE = re.compile(
    r"^\S+ \S+ \d+ (?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)"
)
TEST_REPORT_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests when loading database"
)
SKIPPED_RE = re.compile(r" odoo\.addons\.(crm_custom|crm_telephony|crm_reports)\.tests\.\S+: skipped ")
OUR_LOGGER_RE = re.compile(r"odoo\.addons\.(crm_custom|crm_telephony|crm_reports)\b")
OUR_MENTION_RE = re.compile(r"\b(crm_custom|crm_telephony|crm_reports)\b")
# peer suites: the tests of the modules our addons build on, run on a database with our addons
PEER_MODULES = [
    "crm",
    "sale_crm",
    "crm_iap_mine",
    "crm_phonecall",
    "partner_contact_gender",
    "partner_contact_birthdate",
    "web_notify",
    "phone_validation",
]
# installed with the dependencies although no addon of ours depends on them: Odoo's lead mining (CRM
# settings > Lead Generation), whose flow runs under our policies in the peer suites and in tests/
PEER_EXTRA_MODULES = ["crm_iap_mine"]
COMPAT_DOC = os.path.join(ROOT, "docs", "compatibility.md")
# Russian for the OCA addons whose screens the suite shows, shipped by the addon that relies on them in
# i18n_extra/ru.po (Odoo loads it with the addon's i18n files; model and view terms apply by xml id to the
# OCA addon's records, JavaScript terms join the web client's), and prepared for upstream in
# docs/upstream/<oca addon>/ru.po. `suite.py i18n` regenerates both; see docs/upstream/README.md.
EXTRA_I18N = {
    "crm_custom": [
        "partner_contact_personal_information_page",
        "partner_contact_gender",
        "partner_contact_birthdate",
    ],
    "crm_telephony": ["crm_phonecall", "web_notify"],
    "crm_reports": ["report_xlsx"],
}
UPSTREAM_DIR = os.path.join(ROOT, "docs", "upstream")


def say(msg=""):
    print(msg, flush=True)


# --------------------------------------------------------------------------- results


class Results:
    """Counts checks per suite; the last line printed is ``N passed, N failed``."""

    def __init__(self):
        self.suites = []  # (name, passed, failed, note)

    def add(self, name, passed, failed, note=""):
        self.suites.append((name, passed, failed, note))
        status = "ok" if not failed else "FAILED"
        say(f"== {name}: {passed} passed, {failed} failed {note} [{status}]".rstrip())

    @property
    def failed(self):
        return sum(s[2] for s in self.suites)

    def summary(self, odoo_ran):
        say("")
        say("Suites that ran:")
        for name, passed, failed, note in self.suites:
            say(f"  - {name}: {passed} passed, {failed} failed {note}".rstrip())
        if not odoo_ran:
            say("  (Odoo suites did NOT run)")
        passed = sum(s[1] for s in self.suites)
        say(f"{passed} passed, {self.failed} failed")


# --------------------------------------------------------------------------- static checks


def run_quiet(cmd, **kw):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def python_targets():
    return [p for p in ("addons", "tests", "bench", "scripts") if os.path.isdir(os.path.join(ROOT, p))]


def check_tool(results, name, cmd):
    try:
        rc, out = run_quiet(cmd)
    except FileNotFoundError:
        results.add(name, 0, 1, f"({cmd[0]} is not installed)")
        return
    if rc:
        say(out[-6000:])
    results.add(name, 0 if rc else 1, 1 if rc else 0)


def check_xml(results):
    passed, failed = 0, 0
    for path in sorted(glob.glob(os.path.join(ADDONS_DIR, "**", "*.xml"), recursive=True)):
        try:
            xml.dom.minidom.parse(path)
            passed += 1
        except Exception as exc:  # any parser error is a failed file
            failed += 1
            say(f"  XML not well-formed: {os.path.relpath(path, ROOT)}: {exc}")
    results.add("XML well-formedness", passed, failed)


def read_manifest(addon):
    with open(os.path.join(ADDONS_DIR, addon, "__manifest__.py"), encoding="utf-8") as fh:
        return ast.literal_eval(fh.read())


def manifest_problems(addon):
    """Everything OCA and our layering rules expect of one addon; returns a list of messages."""
    problems = []
    path = os.path.join(ADDONS_DIR, addon)
    try:
        manifest = read_manifest(addon)
    except (OSError, ValueError, SyntaxError) as exc:
        return [f"manifest unreadable: {exc}"]
    if not re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest.get("version", "")):
        problems.append(f"version {manifest.get('version')!r} is not 18.0.x.y.z")
    for key in ("name", "summary", "author", "website", "license", "depends", "data"):
        if key not in manifest:
            problems.append(f"missing key {key!r}")
    if manifest.get("license") != "AGPL-3":
        problems.append("license must be AGPL-3")
    if not manifest.get("installable", True):
        problems.append("not installable")
    if "phonenumbers" not in manifest.get("external_dependencies", {}).get("python", []):
        problems.append("external_dependencies must list phonenumbers")
    for key in ("data", "demo"):
        for rel in manifest.get(key, []):
            if not os.path.isfile(os.path.join(path, rel)):
                problems.append(f"{key} file {rel} does not exist")
    for rel in (
        "i18n/ru.po",
        f"i18n/{addon}.pot",
        "readme/DESCRIPTION.md",
        "static/description/icon.png",
    ):
        if not os.path.isfile(os.path.join(path, rel)):
            problems.append(f"{rel} is missing")
    problems += layering_problems(addon, manifest)
    return problems


def layering_problems(addon, manifest):
    """Arrows only go downward: no dependency, import or XML id of an addon above this one."""
    problems = []
    above = OUR_ADDONS[OUR_ADDONS.index(addon) + 1 :]
    for dep in manifest.get("depends", []):
        if dep in above:
            problems.append(f"depends on {dep}, which sits above it")
    for upper in above:
        pattern = re.compile(rf"(odoo\.addons\.{upper}\b|\bfrom \.\.+{upper}\b|[\"'=\s(]{upper}\.\w)")
        for file in glob.glob(os.path.join(ADDONS_DIR, addon, "**", "*.*"), recursive=True):
            if not file.endswith((".py", ".xml", ".csv", ".js")):
                continue
            with open(file, encoding="utf-8", errors="replace") as fh:
                if pattern.search(fh.read()):
                    problems.append(f"{os.path.relpath(file, ROOT)} references {upper}, which sits above it")
    return problems


def check_manifests(results):
    passed, failed = 0, 0
    for addon in OUR_ADDONS:
        problems = manifest_problems(addon)
        if problems:
            failed += 1
            for problem in problems:
                say(f"  {addon}: {problem}")
        else:
            passed += 1
    results.add("manifest sanity and layering", passed, failed)


def check_po_files(results):
    try:
        import polib
    except ImportError:
        results.add("translation files", 0, 1, "(polib is not installed)")
        return
    passed, failed = 0, 0
    paths = [
        *glob.glob(os.path.join(ADDONS_DIR, "*", "i18n", "*.po*")),
        *glob.glob(os.path.join(ADDONS_DIR, "*", "i18n_extra", "*.po")),
        *glob.glob(os.path.join(UPSTREAM_DIR, "*", "*.po")),
    ]
    for path in sorted(paths):
        try:
            catalog = polib.pofile(path)
            untranslated = (
                [e.msgid for e in catalog.untranslated_entries() + catalog.fuzzy_entries()]
                if path.endswith(".po")
                else []
            )
            if untranslated:
                raise ValueError(f"{len(untranslated)} untranslated or fuzzy, first: {untranslated[0]!r}")
            passed += 1
        except Exception as exc:  # polib raises OSError/ValueError subclasses
            failed += 1
            say(f"  {os.path.relpath(path, ROOT)}: {exc}")
    results.add("translation files (ru.po complete)", passed, failed)


def static_checks(results):
    targets = python_targets()
    check_tool(results, "ruff lint", [sys.executable, "-m", "ruff", "check", *targets])
    check_tool(
        results,
        "ruff format",
        [sys.executable, "-m", "ruff", "format", "--check", *targets],
    )
    addon_paths = [
        os.path.join("addons", a) for a in OUR_ADDONS if os.path.isdir(os.path.join(ADDONS_DIR, a))
    ]
    check_tool(
        results,
        "pylint-odoo mandatory checks",
        [sys.executable, "-m", "pylint", "--rcfile=.pylintrc-mandatory", *addon_paths],
    )
    check_xml(results)
    check_manifests(results)
    check_po_files(results)
    check_deploy_files(results)
    check_bootstrap(results)


def check_deploy_files(results):
    """Dockerfile, docker-compose.yml, the image's odoo.conf and requirements.txt agree (deploy_check.py)."""
    try:
        problems, note = deploy_check.check(ROOT)
    except ImportError as exc:  # PyYAML (requirements-dev.txt)
        results.add("Docker files and image requirements", 0, 1, f"({exc})")
        return
    for problem in problems:
        say(f"  {problem}")
    results.add("Docker files and image requirements", int(not problems), len(problems), note)


def check_bootstrap(results):
    """The network-free logic of scripts/bootstrap.py: requirements rewriting, marker decisions."""
    tests = unittest.defaultTestLoader.discover(os.path.join(ROOT, "scripts", "tests"))
    stream = io.StringIO()
    outcome = unittest.TextTestRunner(stream=stream, verbosity=2).run(tests)
    bad = len(outcome.failures) + len(outcome.errors)
    if bad or not outcome.testsRun:
        say(stream.getvalue()[-6000:])
    skipped = f"({len(outcome.skipped)} skipped)" if outcome.skipped else ""
    results.add(
        "scripts/tests (set-up of .local/venv, stopping on signals, Docker file checks)",
        outcome.testsRun - bad - len(outcome.skipped),
        bad,
        skipped,
    )


# --------------------------------------------------------------------------- PostgreSQL


def read_conf():
    """The [options] of config/odoo.conf (empty values dropped)."""
    parser = configparser.ConfigParser()
    parser.read(CONF_FILE)
    if not parser.has_section("options"):
        return {}
    return {k: v for k, v in parser.items("options") if v and v.lower() not in ("false", "none")}


class Postgres:
    """Connection settings; starts and stops a private cluster when nothing else answers."""

    def __init__(self):
        conf = read_conf()
        self.params = {
            key: conf[opt]
            for key, opt in (
                ("host", "db_host"),
                ("port", "db_port"),
                ("user", "db_user"),
                ("password", "db_password"),
            )
            if opt in conf
        }
        self.private = False
        self.started_here = False
        self.pg_dir = os.path.join(LOCAL, "pg")

    def connect(self, dbname="postgres"):
        import psycopg2

        return psycopg2.connect(dbname=dbname, connect_timeout=5, **self.params)

    def reachable(self):
        try:
            self.connect().close()
            return True
        except Exception:  # any connection failure means "not reachable"
            return False

    def ensure(self):
        if self.reachable():
            say(f"PostgreSQL: using the server of config/odoo.conf and PG* settings {self.describe()}")
            return
        say(
            "PostgreSQL: no server reachable through config/odoo.conf or PG* settings; "
            "starting a private cluster"
        )
        self.private = True
        self.params = {
            "host": os.path.join(self.pg_dir, "run"),
            "port": "5432",
            "user": "odoo",
        }
        self.start_private()
        if not self.reachable():
            sys.exit(
                f"PostgreSQL: the private cluster in {self.pg_dir} did not answer; "
                f"see {self.pg_dir}/server.log"
            )

    def describe(self):
        return " ".join(f"{k}={v}" for k, v in self.params.items() if k != "password") or "(libpq defaults)"

    def _bindir(self):
        found = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"),
            key=lambda p: int(p.split("/")[4]),
        )
        if found:
            return os.path.dirname(found[-1])
        initdb = shutil.which("initdb")
        if initdb:
            return os.path.dirname(initdb)
        sys.exit(
            "PostgreSQL: no server reachable and no initdb found; install PostgreSQL or set PG* variables"
        )

    def _as_pg_user(self, cmd):
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            return ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def start_private(self):
        if os.geteuid() == 0:  # the cluster runs as postgres: it must reach .local/pg
            problem = lifecycle.postgres_access_problem(self.pg_dir)
            if problem:
                sys.exit(problem)
        bindir = self._bindir()
        data = os.path.join(self.pg_dir, "data")
        run = os.path.join(self.pg_dir, "run")
        os.makedirs(run, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres")
            shutil.chown(run, "postgres")
        if not os.path.isfile(os.path.join(data, "PG_VERSION")):
            cmd = [
                f"{bindir}/initdb",
                "-D",
                data,
                "-U",
                "odoo",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
            subprocess.run(self._as_pg_user(cmd), check=True, stdout=subprocess.DEVNULL, cwd=self.pg_dir)
        opts = f"-k {run} -c listen_addresses='' -p 5432 -c fsync=off -c full_page_writes=off"
        cmd = [
            f"{bindir}/pg_ctl",
            "-D",
            data,
            "-l",
            os.path.join(self.pg_dir, "server.log"),
            "-o",
            opts,
            "-w",
        ]
        status = subprocess.run(self._as_pg_user([*cmd[:3], "status"]), capture_output=True, cwd=self.pg_dir)
        if status.returncode != 0:
            subprocess.run(
                self._as_pg_user([*cmd, "start"]), check=True, stdout=subprocess.DEVNULL, cwd=self.pg_dir
            )
            self.started_here = True
        say(f"PostgreSQL: private cluster in {os.path.relpath(self.pg_dir, ROOT)} ({self.describe()})")

    def stop(self):
        if self.started_here:
            data = os.path.join(self.pg_dir, "data")
            bindir = self._bindir()
            cmd = [f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]
            subprocess.run(self._as_pg_user(cmd), stdout=subprocess.DEVNULL, cwd=self.pg_dir)
            self.started_here = False
            say(f"PostgreSQL: stopped the private cluster in {os.path.relpath(self.pg_dir, ROOT)}")

    def db_exists(self, name):
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return bool(cr.fetchone())

    def execute_admin(self, sql):
        with contextlib.closing(self.connect()) as conn:
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute(sql)

    def installed(self, dbname, modules):
        with contextlib.closing(self.connect(dbname)) as conn, conn.cursor() as cr:
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                (modules,),
            )
            return {row[0] for row in cr.fetchall()}

    def odoo_args(self):
        names = {
            "host": "--db_host",
            "port": "--db_port",
            "user": "--db_user",
            "password": "--db_password",
        }
        return [f"{names[k]}={v}" for k, v in self.params.items()]


# --------------------------------------------------------------------------- Odoo


def odoo_importable():
    try:
        import odoo  # noqa: F401
        import odoo.release
    except Exception as exc:  # ImportError, or an Odoo too broken to import
        return False, f"{type(exc).__name__}: {exc}"
    if odoo.release.version_info[:2] != (18, 0):
        return False, f"Odoo {odoo.release.version} found, 18.0 is required"
    return True, odoo.release.version


def addons_path():
    import odoo

    odoo_dir = os.path.dirname(odoo.__file__)
    paths = [ADDONS_DIR, os.path.join(odoo_dir, "addons")]
    source_addons = os.path.abspath(os.path.join(odoo_dir, "..", "addons"))
    if os.path.isdir(source_addons):  # Odoo's source checkout keeps most addons beside the package
        paths.append(source_addons)
    return ",".join(paths)


def dependencies():
    """Everything our addons depend on that is not one of them, for the cached base database, plus the
    Odoo modules whose flows the suite checks under our policies (PEER_EXTRA_MODULES)."""
    deps = set(PEER_EXTRA_MODULES)
    for addon in OUR_ADDONS:
        deps.update(read_manifest(addon).get("depends", []))
    return sorted(deps - set(OUR_ADDONS))


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def data_dir():
    path = os.path.join(LOCAL, "data")
    os.makedirs(path, exist_ok=True)
    return path


def odoo_conf(source=CONF_FILE, target=None):
    """config/odoo.conf as Odoo reads it: the options left empty dropped, written to .local/odoo.conf.

    The db_* options are left empty so that the PG* variables apply, but Odoo refuses an empty number
    (``db_port =``) when no --db_port is given, which is the case when a server answers through the PG*
    variables or libpq's defaults. Without the option Odoo leaves the port to libpq (PGPORT)."""
    if not os.path.isfile(source):
        return None
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(source)
    for section in parser.sections():
        for key, value in list(parser.items(section, raw=True)):
            if not value.strip():
                parser.remove_option(section, key)
    target = target or os.path.join(LOCAL, "odoo.conf")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as fh:
        parser.write(fh)
    return target


def odoo_command(pg, db, *extra):
    # a launcher file rather than `-m odoo`: Odoo re-executes sys.argv when it restarts itself
    cmd = [sys.executable, os.path.join(ROOT, "scripts", "odoo-bin")]
    conf = odoo_conf()
    if conf:
        cmd += ["-c", conf]
    return [
        *cmd,
        *pg.odoo_args(),
        f"--addons-path={addons_path()}",
        f"--data-dir={data_dir()}",
        "-d",
        db,
        *extra,
    ]


def run_odoo(
    pg,
    db,
    *extra,
    log_name,
    echo=re.compile(r" (WARNING|ERROR|CRITICAL) | FAIL: | ERROR: "),
):
    """Run Odoo to completion; keeps the full log in .local/logs and echoes only what matters."""
    os.makedirs(os.path.join(LOCAL, "logs"), exist_ok=True)
    log_path = os.path.join(LOCAL, "logs", f"{log_name}.log")
    cmd = odoo_command(pg, db, *extra, "--stop-after-init")
    lines = []
    with open(log_path, "w", encoding="utf-8") as log:
        proc = lifecycle.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        for line in proc.stdout:
            log.write(line)
            lines.append(line.rstrip("\n"))
            if echo.search(line):
                say("  | " + line.rstrip()[:2000])
        proc.wait()
    return proc.returncode, lines, log_path


def our_problem_lines(lines):
    """WARNING/ERROR/CRITICAL lines that come from, or name, one of our addons."""
    bad = []
    for line in lines:
        match = MODULE_LOG_RE.match(line)
        if not match or match["level"] not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        if ".tests." in match["logger"] or match["logger"] == "odoo.tests.result":
            continue  # failed tests are counted by the test report, not twice
        if OUR_LOGGER_RE.match(match["logger"]) or OUR_MENTION_RE.search(match["msg"]):
            bad.append(line)
    return bad


def filestore(db):
    return os.path.join(data_dir(), "filestore", db)


def build_base(pg, deps):
    """A database with only the dependencies installed, reused while they and Odoo stay the same."""
    import odoo.release

    key = hashlib.sha1(f"{odoo.release.version}|{','.join(deps)}|{ROOT}|en_US,ru_RU".encode()).hexdigest()[
        :10
    ]
    base = f"crmsuite_base_{key}"
    if pg.db_exists(base):
        say(f"Base database {base} (dependencies already installed) is reused")
        return base, 0
    say(f"Building base database {base} with: {', '.join(deps)} (and the Russian language)")
    started = time.time()
    rc, lines, log = run_odoo(
        pg,
        base,
        "-i",
        ",".join(deps),
        "--load-language=en_US,ru_RU",
        log_name="base",
        echo=re.compile(r" (ERROR|CRITICAL) "),
    )
    if rc:
        with contextlib.suppress(Exception):
            pg.execute_admin(f'DROP DATABASE IF EXISTS "{base}"')
        say("\n".join(lines[-40:]))
        sys.exit(f"Installing the dependencies failed (exit {rc}); full log: {log}")
    say(f"Base database ready in {time.time() - started:.0f} s")
    return base, 1


def clone_db(pg, base, db):
    pg.execute_admin(f'DROP DATABASE IF EXISTS "{db}"')
    pg.execute_admin(f'CREATE DATABASE "{db}" WITH TEMPLATE "{base}"')
    shutil.rmtree(filestore(db), ignore_errors=True)
    if os.path.isdir(filestore(base)):
        shutil.copytree(filestore(base), filestore(db))


def drop_db(pg, db):
    with contextlib.suppress(Exception):
        pg.execute_admin(f'DROP DATABASE IF EXISTS "{db}"')
    shutil.rmtree(filestore(db), ignore_errors=True)


def odoo_tests(results, pg, db, allow_skip=False, tags=None):
    modules = ",".join(OUR_ADDONS)
    tags = tags or ",".join(f"/{a}" for a in OUR_ADDONS)
    say(f"Installing {modules} on the fresh database {db} and running their tests ({tags})")
    rc, lines, log = run_odoo(
        pg,
        db,
        "-i",
        modules,
        "--test-enable",
        f"--test-tags={tags}",
        f"--http-port={free_port()}",
        log_name="install",
    )
    report = next(
        (TEST_REPORT_RE.search(line) for line in reversed(lines) if TEST_REPORT_RE.search(line)),
        None,
    )
    # Odoo counts a skipped test as run and not failed: take them out of "passed"
    skipped = [line for line in lines if SKIPPED_RE.search(line)]
    for line in skipped:
        say("  skipped: " + line[:500])
    if report:
        total, bad = int(report["total"]), int(report["failed"]) + int(report["errors"])
        note = f"(log: {os.path.relpath(log, ROOT)})"
        results.add("Odoo tests of the three addons", total - bad - len(skipped), bad, note)
    else:
        results.add("Odoo tests of the three addons", 0, 1, "(no test report: the install failed)")
    installed = pg.installed(db, OUR_ADDONS)
    ok = len(installed) == len(OUR_ADDONS) and (rc == 0 or report is not None)
    results.add("install of the three addons", int(ok), int(not ok))
    if allow_skip and skipped:
        say(f"  {len(skipped)} skipped test(s) allowed by --allow-skip (not counted as passed)")
    else:
        results.add("no skipped tests (a skipped test is a missing test)", int(not skipped), len(skipped))
    problems = our_problem_lines(lines)
    for line in problems:
        say("  our WARNING/ERROR: " + line[:500])
    results.add("no WARNING/ERROR lines from our modules", int(not problems), len(problems))


def upgrade_check(results, pg, db):
    rc, lines, log = run_odoo(pg, db, "-u", ",".join(OUR_ADDONS), log_name="upgrade")
    errors = [line for line in lines if " ERROR " in line or " CRITICAL " in line] + our_problem_lines(lines)
    ok = rc == 0 and not errors
    results.add("upgrade (-u) of the three addons", int(ok), int(not ok))


def write_test_conf(pg, db):
    path = os.path.join(LOCAL, "pytest-odoo.conf")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[options]\n")
        for key, value in pg.params.items():
            fh.write(f"db_{key} = {value}\n")
        fh.write(f"addons_path = {addons_path()}\ndata_dir = {data_dir()}\ndb_name = {db}\n")
    return path


def cross_addon_tests(results, pg, db):
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "test_*.py")))
    if not files:
        results.add("cross-addon scenarios (tests/)", 0, 0, "(no test files)")
        return
    junit = os.path.join(LOCAL, "logs", "tests-junit.xml")
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--odoo-database={db}",
        f"--odoo-config={write_test_conf(pg, db)}",
        f"--junitxml={junit}",
        "tests",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    counts = junit_counts(junit)
    if counts is None or proc.returncode not in (0, 1):
        say((proc.stdout + proc.stderr)[-6000:])
        results.add("cross-addon scenarios (tests/)", 0, 1, f"(pytest exit {proc.returncode})")
        return
    if proc.returncode:
        say(proc.stdout[-6000:])
    results.add(
        "cross-addon scenarios (tests/)",
        counts[0],
        counts[1],
        f"({counts[2]} skipped)" if counts[2] else "",
    )


def junit_counts(path):
    if not os.path.isfile(path):
        return None
    doc = xml.dom.minidom.parse(path)
    passed = failed = skipped = 0
    for suite in doc.getElementsByTagName("testsuite"):
        total = int(suite.getAttribute("tests") or 0)
        bad = int(suite.getAttribute("failures") or 0) + int(suite.getAttribute("errors") or 0)
        skip = int(suite.getAttribute("skipped") or 0)
        passed, failed, skipped = (
            passed + total - bad - skip,
            failed + bad,
            skipped + skip,
        )
    return passed, failed, skipped


# --------------------------------------------------------------------------- peer suites


def expected_policy_failures():
    """The tests docs/compatibility.md lists as failing with our default policies: {test id: setting}."""
    expected, inside = {}, False
    if not os.path.isfile(COMPAT_DOC):
        say(f"  {os.path.relpath(COMPAT_DOC, ROOT)} is missing: no failure is expected with the defaults")
        return expected
    with open(COMPAT_DOC, encoding="utf-8") as fh:
        for line in fh:
            if "<!-- peer-failures:begin -->" in line:
                inside = True
            elif "<!-- peer-failures:end -->" in line:
                inside = False
            elif inside and (match := re.match(r"\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|", line)):
                expected[match[1]] = match[2]
    return expected


def peer_outcomes(report_path):
    """Outcome of every selected test: 'passed', 'failed', 'error', 'skipped' or 'not run'."""
    with open(report_path, encoding="utf-8") as fh:
        report = json.load(fh)
    outcomes, ran = report["outcomes"], set(report["ran"])
    class_errors = {
        key[len("setUpClass (") : -1]: value
        for key, value in outcomes.items()
        if key.startswith("setUpClass (")
    }
    result = {}
    for test in report["selected"]:
        if test.rsplit(".", 1)[0] in class_errors:
            result[test] = ("error", "setUpClass: " + class_errors[test.rsplit(".", 1)[0]]["detail"])
        elif test in outcomes:
            result[test] = (outcomes[test]["outcome"], outcomes[test]["detail"])
        else:
            result[test] = ("passed", "") if test in ran else ("not run", "")
    for key, value in outcomes.items():  # errors outside any selected test (tearDownClass...)
        if key not in result and not key.startswith("setUpClass ("):
            result[key] = (value["outcome"], value["detail"])
    return result, report["queries"]


def start_peer_pass(pg, db, policies):
    """Start Odoo on ``db`` running the peer suites; returns (process, report path, log path)."""
    logs = os.path.join(LOCAL, "logs")
    os.makedirs(logs, exist_ok=True)
    report = os.path.join(logs, f"peers-{policies}.json")
    log = os.path.join(logs, f"peers-{policies}.log")
    with contextlib.suppress(FileNotFoundError):
        os.remove(report)
    cmd = odoo_command(
        pg,
        db,
        f"--test-tags={','.join('/' + module for module in PEER_MODULES)}",
        f"--http-port={free_port()}",
        "--stop-after-init",
    )
    cmd[1] = os.path.join(ROOT, "scripts", "peer_tests.py")
    env = dict(os.environ, CRM_PEER_REPORT=report, CRM_PEER_POLICIES=policies)
    with open(log, "w", encoding="utf-8") as fh:
        proc = lifecycle.popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    return proc, report, log


def report_peer_pass(results, policies, report, log, expected):
    """One line per pass, like the other suites; every unexpected outcome is printed with its error."""
    name = f"peer suites, {policies} policies ({', '.join(PEER_MODULES)})"
    note = f"(log: {os.path.relpath(log, ROOT)})"
    if not os.path.isfile(report):
        results.add(name, 0, 1, f"(no test report: Odoo did not start the tests) {note}")
        return {}
    outcomes, queries = peer_outcomes(report)
    if not outcomes:
        results.add(name, 0, 1, f"(no test selected) {note}")
        return queries
    failing = {
        test for test, (outcome, _detail) in outcomes.items() if outcome in ("failed", "error", "not run")
    }
    skipped = sum(1 for outcome, _detail in outcomes.values() if outcome == "skipped")
    expected = expected if policies == "defaults" else {}
    unexpected = sorted(failing - set(expected))
    now_passing = sorted(set(expected) - failing)
    for test in unexpected:
        say(f"  unexpected {outcomes[test][0]}: {test}: {outcomes[test][1][:600]}")
    for test in now_passing:
        state = outcomes.get(test, ("not selected",))[0]
        say(f"  listed in docs/compatibility.md but {state}: {test}")
    if expected:
        note = f"(+ {len(failing & set(expected))} failures listed in docs/compatibility.md) " + note
    if skipped:
        note = f"({skipped} skipped by Odoo) " + note
    bad = len(unexpected) + len(now_passing)
    results.add(name, len(outcomes) - skipped - len(failing), bad, note)
    return queries


def peer_suites(results, pg, base, serial=False):
    """Odoo's and the OCA dependencies' own tests after installation, on a database with our addons.

    Two passes on two copies of one fresh database: our policies at neutral values, where every test must
    pass, and as installed (the defaults), where exactly the tests listed in docs/compatibility.md may fail.
    Both run at once unless ``serial`` (each is one Odoo process; PostgreSQL serves both).
    """
    started = time.time()
    db = f"crmsuite_peers_{os.getpid()}"
    neutral_db = f"{db}_neutral"
    modules = ",".join(OUR_ADDONS)
    say(f"Peer suites: {', '.join(PEER_MODULES)} on a database with {modules} (neutral and default policies)")
    try:
        clone_db(pg, base, db)
        rc, _lines, log = run_odoo(pg, db, "-i", modules, "--no-http", log_name="peers-install")
        if rc or len(pg.installed(db, OUR_ADDONS)) != len(OUR_ADDONS):
            results.add(
                "peer suites", 0, 1, f"(installing our addons failed; log: {os.path.relpath(log, ROOT)})"
            )
            return
        clone_db(pg, db, neutral_db)
        expected = expected_policy_failures()
        passes = [("neutral", neutral_db), ("defaults", db)]
        running = []
        for policies, pass_db in passes:
            running.append((policies, *start_peer_pass(pg, pass_db, policies)))
            if serial:
                running[-1][1].wait()
        queries = {}
        for policies, proc, report, log in running:
            proc.wait()
            queries[policies] = report_peer_pass(results, policies, report, log, expected)
        report_query_budgets(queries)
        say(f"Peer suites took {time.time() - started:.0f} s")
    finally:
        drop_db(pg, neutral_db)
        drop_db(pg, db)


def report_query_budgets(queries):
    """The counts of Odoo's query-budget assertions in each pass (Odoo only fails those over budget)."""
    rows = {}
    for policies, entries in queries.items():
        for entry in entries:
            rows.setdefault(entry["test"], {})[policies] = (entry["count"], entry["budget"])
    if rows:
        say("  Odoo's query budgets (count / budget):")
    for test, counts in sorted(rows.items()):
        cells = ", ".join(f"{policies} {count} / {budget}" for policies, (count, budget) in counts.items())
        say(f"    {test}: {cells}")


# --------------------------------------------------------------------------- commands


def cmd_test(args):
    results = Results()
    if args.no_odoo:
        say(args.no_odoo[0])
    say("Static checks (no Odoo needed): ruff, ruff format, pylint-odoo, XML, manifests, translations")
    static_checks(results)
    ok, version = odoo_importable()
    if not ok:
        if args.no_odoo and args.no_odoo[1]:
            results.add("Odoo 18 environment in .local/venv", 0, 1, "(its set-up failed, see above)")
        say(
            f"Odoo suites did NOT run: `import odoo` failed with this python3 ({version}); "
            "only the static checks ran."
        )
        results.summary(odoo_ran=False)
        return 1 if results.failed else 0
    say(f"Odoo {version} found: running the Odoo suites")
    pg = Postgres()
    pg.ensure()
    db = f"crmsuite_test_{os.getpid()}"
    try:
        base, _built = build_base(pg, dependencies())
        clone_db(pg, base, db)
        odoo_tests(results, pg, db, allow_skip=args.allow_skip, tags=args.tags)
        if "upgrade" not in args.skip:
            upgrade_check(results, pg, db)
        if "tests" not in args.skip:
            cross_addon_tests(results, pg, db)
        if "backup" not in args.skip:
            backup_check(results, pg, db)
        if "peers" not in args.skip:
            peer_suites(results, pg, base, serial=args.peers_serial)
    finally:
        if args.keep:
            say(f"Kept the test database {db}")
        else:
            drop_db(pg, db)
        if args.no_cache:
            drop_db(pg, base)
        pg.stop()
    results.summary(odoo_ran=True)
    return 1 if results.failed else 0


def cmd_demo(args):
    ok, version = odoo_importable()
    if not ok:
        sys.exit(
            args.no_odoo[0]
            if args.no_odoo
            else f"`import odoo` failed ({version}): see README, or use docker compose up -d"
        )
    problem = None if args.init_only else lifecycle.port_problem(args.port)
    if problem:
        sys.exit(problem)
    pg = Postgres()
    pg.ensure()
    extra = []
    if not pg.db_exists(args.db):
        say(f"Creating {args.db} with {', '.join(OUR_ADDONS)} and their demo data (a few minutes, once)")
        extra = ["-i", ",".join(OUR_ADDONS), "--load-language=en_US,ru_RU"]
    else:
        missing = sorted(set(OUR_ADDONS) - pg.installed(args.db, OUR_ADDONS))
        if missing:
            say(f"{args.db} exists; installing the missing addons: {', '.join(missing)}")
            extra = ["-i", ",".join(missing)]
        elif args.update:
            say(f"{args.db} exists: updating the three addons (-u) before serving")
            extra = ["-u", ",".join(OUR_ADDONS)]
        else:
            say(f"{args.db} exists with the three addons installed: reusing it (--update upgrades them)")
    try:
        if extra:  # install first, so that nobody waits on the login page while modules load
            rc, lines, log = run_odoo(pg, args.db, *extra, "--no-http", log_name="demo-install")
            if rc:
                say("\n".join(lines[-30:]))
                sys.exit(f"Creating {args.db} failed (exit {rc}); full log: {log}")
        load_story(pg, args.db)
        if args.init_only:
            return 0
        return serve(pg, args)
    finally:
        pg.stop()


STORY_PARAM = "crm_reports.demo_story_loaded"
STORY_SCRIPT = "env['crm.demo.story']._load_story()\nenv.cr.commit()\n"


def load_story(pg, db):
    """Load the demo story (a Russian sales department with a year of history) once per database."""
    with contextlib.closing(pg.connect(db)) as conn, conn.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (STORY_PARAM,))
        if cr.fetchone():
            return
    say(f"Loading the demo story into {db} (a Russian sales department with a year of history, once)")
    cmd = odoo_command(pg, db, "--no-http")
    cmd.insert(2, "shell")  # the sub-command comes right after the launcher
    started = time.monotonic()
    proc = subprocess.run(cmd, input=STORY_SCRIPT, text=True, cwd=ROOT, capture_output=True)
    if proc.returncode:
        say(proc.stdout[-3000:] + proc.stderr[-3000:])
        sys.exit(f"Loading the demo story into {db} failed (exit {proc.returncode})")
    say(f"Demo story loaded in {time.monotonic() - started:.0f} s")


def serve(pg, args):
    cmd = odoo_command(pg, args.db, f"--http-port={args.port}", f"--db-filter=^{args.db}$")
    say(
        f"Serving Odoo on http://localhost:{args.port}/web/login?db={args.db} "
        "(login admin / admin); Ctrl-C or SIGTERM stops Odoo and the PostgreSQL cluster started here"
    )
    # a signal stops Odoo (lifecycle), then cmd_demo's ``finally`` stops the private cluster
    return lifecycle.popen(cmd, cwd=ROOT).wait()


# --------------------------------------------------------------------------- backups (scripts/backup.py)


def backup_command(pg, *argv):
    """scripts/backup.py with this checkout's PostgreSQL, addons and data dir."""
    script = os.path.join(ROOT, "scripts", "backup.py")
    conf_file = odoo_conf()
    conf = ["-c", conf_file] if conf_file else []
    paths = [f"--addons-path={addons_path()}", f"--data-dir={data_dir()}"]
    return [sys.executable, script, *conf, *pg.odoo_args(), *paths, *argv]


def backup_check(results, pg, db):
    """A backup of the test database in Odoo's dump format, restored by Odoo's restore, is identical."""
    proc = subprocess.run(backup_command(pg, "check", db), cwd=ROOT, capture_output=True, text=True)
    say("\n".join("  " + line for line in (proc.stdout + proc.stderr).strip().splitlines()[-20:]))
    ok = proc.returncode == 0
    results.add("backup and restore in Odoo's dump format (scripts/backup.py)", int(ok), int(not ok))


def cmd_backup(args):
    """``backup DB FILE`` and ``restore DB FILE``: scripts/backup.py on the server scripts/demo uses."""
    ok, version = odoo_importable()
    if not ok:
        sys.exit(args.no_odoo[0] if args.no_odoo else f"`import odoo` failed ({version})")
    pg = Postgres()
    pg.ensure()
    try:
        options = ["--copy"] * args.copy + ["--force"] * args.force if args.command == "restore" else []
        argv = ["dump" if args.command == "backup" else "restore", *options, args.db, args.file]
        return subprocess.run(backup_command(pg, *argv), cwd=ROOT).returncode
    finally:
        pg.stop()


RU_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
I18N_SCRIPT = """
import io
from odoo.tools.translate import trans_export
for addon, pot, po in TARGETS:
    for lang, path in ((None, pot), ("ru_RU", po)):
        buffer = io.BytesIO()
        trans_export(lang, [addon], buffer, "po", env.cr)
        with open(path, "wb") as fh:
            fh.write(buffer.getvalue())
for module, path in OCA_EXPORTS:
    buffer = io.BytesIO()
    trans_export("ru_RU", [module], buffer, "po", env.cr)
    with open(path, "wb") as fh:
        fh.write(buffer.getvalue())
"""


def previous_translations(path):
    """{(msgctxt, msgid): msgstr} of an existing .po file (empty when there is none)."""
    import polib

    if not os.path.isfile(path):
        return {}
    return {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(path) if e.msgstr and not e.obsolete}


def reconcile_translations(catalog, previous):
    """Fix up what Odoo's export loses or carries over; returns the entries to review.

    * Odoo exports no translation for a term whose Russian is the English itself ("KPI", "Telegram",
      "Zadarma"): the previous ru.po's is kept.
    * A translated field of a record (a KPI's description, a field's help) is loaded from ru.po by the
      record's XML id, whatever its English: when the English changed, the old Russian comes back with the
      new English. Such an entry (an English the previous ru.po did not have, with a Russian) is marked
      fuzzy: the static checks count it as untranslated until someone checks the Russian and removes the
      flag."""
    review = []
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid)
        if not entry.msgstr and previous.get(key):
            entry.msgstr = previous[key]
        elif entry.msgstr and previous and key not in previous and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
            review.append(entry)
    return review


def is_python_occurrence(occurrence):
    return occurrence[0].startswith("code:") and not occurrence[0].endswith(".js")


def merge_extra_i18n(polib, exports, addons):
    """Write docs/upstream/<oca addon>/ru.po and our addons' i18n_extra/ru.po from the fresh exports of the
    OCA addons (``{module: path}``). Russian is taken from our i18n_extra file first (where it is edited),
    then from the upstream file (Python terms, which only upstream can translate), then from the database
    (the OCA addon's own ru.po). Returns {path: untranslated msgids}."""
    known = {}  # (module, msgid) -> msgstr
    for addon, modules in EXTRA_I18N.items():
        for module in modules:
            sources = (
                exports[module],
                os.path.join(UPSTREAM_DIR, module, "ru.po"),
                os.path.join(ADDONS_DIR, addon, "i18n_extra", "ru.po"),
            )
            for path in sources:
                if os.path.isfile(path):
                    for entry in polib.pofile(path):
                        if entry.msgstr and (path != sources[2] or module in entry.comment):
                            known[(module, entry.msgid)] = entry.msgstr
    missing = {}
    for addon in addons:
        extra = polib.POFile()
        extra.metadata = {
            "Project-Id-Version": "Odoo Server 18.0",
            "Language": "ru",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "",
            "Plural-Forms": RU_PLURALS,
        }
        for module in EXTRA_I18N.get(addon, []):
            upstream = polib.pofile(exports[module])
            upstream.metadata.update({"Language": "ru", "Plural-Forms": RU_PLURALS})
            for entry in upstream:
                entry.msgstr = known.get((module, entry.msgid), "")
                entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
                reachable = [occ for occ in entry.occurrences if not is_python_occurrence(occ)]
                if not reachable:
                    continue
                twin = extra.find(entry.msgid)
                if twin:  # the same text in two OCA addons: one entry, both xml ids
                    twin.occurrences += reachable
                    twin.comment += f"\nmodule: {module}"
                    continue
                comment = "\n".join(line for line in entry.comment.splitlines() if line != "odoo-python")
                extra.append(
                    polib.POEntry(
                        msgid=entry.msgid, msgstr=entry.msgstr, occurrences=reachable, comment=comment
                    )
                )
            path = os.path.join(UPSTREAM_DIR, module, "ru.po")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            upstream.save(path)
            missing[path] = [entry.msgid for entry in upstream.untranslated_entries()]
        if len(extra):
            path = os.path.join(ADDONS_DIR, addon, "i18n_extra", "ru.po")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            extra.header = (
                f"Russian for the OCA addons {addon} shows: {', '.join(EXTRA_I18N[addon])}.\n"
                "Odoo loads this file with the addon's i18n files: model and view terms apply by xml id, "
                "JavaScript terms join the web client's.\nRegenerated by `scripts/suite.py i18n` (edit the "
                "translations here); the same Russian is prepared for upstream in docs/upstream/."
            )
            extra.save(path)
            missing[path] = [entry.msgid for entry in extra.untranslated_entries()]
    return missing


def cmd_i18n(args):
    """Regenerate <addon>.pot and ru.po (keeping existing Russian) from a throwaway database."""
    ok, version = odoo_importable()
    if not ok:
        sys.exit(args.no_odoo[0] if args.no_odoo else f"`import odoo` failed ({version})")
    previous = {
        addon: previous_translations(os.path.join(ADDONS_DIR, addon, "i18n", "ru.po")) for addon in OUR_ADDONS
    }
    pg = Postgres()
    pg.ensure()
    db = f"crmsuite_i18n_{os.getpid()}"
    addons = args.addons or OUR_ADDONS
    if set(addons) - set(OUR_ADDONS):
        sys.exit(f"unknown addon: {', '.join(sorted(set(addons) - set(OUR_ADDONS)))}")
    import polib

    try:
        base, _built = build_base(pg, dependencies())
        clone_db(pg, base, db)
        rc, _lines, log = run_odoo(pg, db, "-i", ",".join(OUR_ADDONS), log_name="i18n-install")
        if rc:
            sys.exit(f"install failed; see {log}")
        targets = [
            (
                a,
                os.path.join(ADDONS_DIR, a, "i18n", f"{a}.pot"),
                os.path.join(ADDONS_DIR, a, "i18n", "ru.po"),
            )
            for a in addons
        ]
        export_dir = os.path.join(LOCAL, "i18n")
        os.makedirs(export_dir, exist_ok=True)
        exports = {
            module: os.path.join(export_dir, f"{module}.ru.po")
            for addon in addons
            for module in EXTRA_I18N.get(addon, [])
        }
        code = f"TARGETS = {targets!r}\nOCA_EXPORTS = {sorted(exports.items())!r}\n" + I18N_SCRIPT
        cmd = odoo_command(pg, db, "--no-http")
        cmd.insert(2, "shell")  # the sub-command comes right after the launcher
        subprocess.run(cmd, input=code, text=True, check=True, cwd=ROOT, capture_output=True)
    finally:
        drop_db(pg, db)
        pg.stop()

    for addon, _pot, po in targets:
        catalog = polib.pofile(po)
        catalog.metadata.update({"Language": "ru", "Plural-Forms": RU_PLURALS})
        review = reconcile_translations(catalog, previous[addon])
        catalog.save(po)
        missing = catalog.untranslated_entries() + catalog.fuzzy_entries()
        say(f"{addon}: {len(missing)} untranslated entries in i18n/ru.po ({len(review)} fuzzy to review)")
        for entry in missing:
            state = "fuzzy: the English changed, check the Russian" if entry.fuzzy else "untranslated"
            say(f"  msgid {entry.msgid!r} ({state})")
    for path, msgids in merge_extra_i18n(polib, exports, addons).items():
        say(f"{os.path.relpath(path, ROOT)}: {len(msgids)} untranslated entries")
        for msgid in msgids:
            say(f"  msgid {msgid!r}")
    return 0


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    test = sub.add_parser("test", help="run every check and test; ends with 'N passed, N failed'")
    test.add_argument("--keep", action="store_true", help="keep the throwaway database")
    test.add_argument(
        "--allow-skip",
        action="store_true",
        help="do not fail on skipped tests (for environments without Chromium, such as the Docker image)",
    )
    test.add_argument(
        "--tags",
        help="Odoo test tags to run instead of all three addons' tests, e.g. /crm_reports or "
        "/crm_telephony:TestWebhook (a partial run, for development)",
    )
    test.add_argument(
        "--no-cache",
        action="store_true",
        help="drop the cached dependency database afterwards",
    )
    test.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["upgrade", "tests", "backup", "peers"],
        help="skip a suite (peers: Odoo's and the OCA dependencies' own tests on a database with our addons)",
    )
    test.add_argument(
        "--peers-serial",
        action="store_true",
        help="run the two passes of the peer suites one after the other instead of at once",
    )
    demo = sub.add_parser("demo", help="create crm_demo once and serve it")
    demo.add_argument("--db", default=DEMO_DB)
    demo.add_argument("--update", action="store_true", help="upgrade the three addons (-u) before serving")
    demo.add_argument("--port", type=int, default=8069)
    demo.add_argument(
        "--init-only",
        action="store_true",
        help="create or update the database, then exit",
    )
    i18n = sub.add_parser("i18n", help="regenerate the .pot files and ru.po (existing translations kept)")
    i18n.add_argument(
        "addons",
        nargs="*",
        default=[],
        help=f"some of {', '.join(OUR_ADDONS)} (default: all)",
    )
    backup = sub.add_parser("backup", help="consistent backup of a database and its filestore (Odoo's zip)")
    restore = sub.add_parser("restore", help="restore a backup made by `backup` (or Odoo's database manager)")
    restore.add_argument("--copy", action="store_true", help="a copy: give it a new database.uuid")
    restore.add_argument("--force", action="store_true", help="drop the database first when it exists")
    for command in (backup, restore):
        command.add_argument("db")
        command.add_argument("file", help="the zip file (Odoo's dump format)")
    args = parser.parse_args()
    args.no_odoo = None
    if not odoo_importable()[0]:
        # sets Odoo 18 up in .local/venv and runs this command again there; returns only when it cannot
        args.no_odoo = bootstrap.run_inside_venv(sys.argv)
    commands = {"test": cmd_test, "demo": cmd_demo, "i18n": cmd_i18n}
    command = commands.get(args.command, cmd_backup)
    try:
        with lifecycle.stop_signals():  # Ctrl-C, SIGTERM, SIGHUP: children first, then the `finally`s
            return command(args)
    except lifecycle.Stopped as stop:
        say(f"Stopped by {stop.name}: Odoo and the private PostgreSQL cluster started here are stopped")
        return 128 + stop.signum
    except KeyboardInterrupt:
        say("Interrupted: Odoo and the private PostgreSQL cluster started here are stopped")
        return 130


if __name__ == "__main__":
    sys.exit(main())
