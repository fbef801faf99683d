#!/usr/bin/env python3
"""Odoo's entry point for the peer suites: other addons' tests, run AFTER installation, with a JSON report.

Used by ``scripts/suite.py`` (peer-suites stage) as ``python3 scripts/peer_tests.py <odoo options>`` on a
database where everything is already installed, with ``--test-tags`` naming the peer addons. Odoo then runs
its "post tests" for the installed modules; this launcher changes three things:

* every selected test runs after installation, ``at_install`` ones included (an integrator checks them all on
  the database the users will have), and none while the modules load (Odoo would run the at_install tests of
  each module on a registry that does not have the modules above it yet);
* ``CRM_PEER_POLICIES=neutral`` sets our policies, before the tests, to the values that leave Odoo's
  behaviour alone (see ``neutral_policies``; docs/compatibility.md lists them); ``defaults`` (or
  nothing) keeps the database as installed;
* the outcome of each test and the query counts measured by ``assertQueryCount`` are written to the JSON
  file named by ``CRM_PEER_REPORT``: ``selected`` (test ids), ``ran``, ``outcomes`` (tests that did not
  pass, with the first line of the error; a class whose ``setUpClass`` fails is reported once, as
  ``setUpClass (<class path>)``) and ``queries`` (test, user, count, budget).
"""

import contextlib
import json
import os
import sys
import traceback

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import common, loader, result
from odoo.tests.suite import OdooSuite
from odoo.tests.tag_selector import TagsSelector
from odoo.tools import config

REPORT_PATH = os.environ.get("CRM_PEER_REPORT")
POLICIES = os.environ.get("CRM_PEER_POLICIES", "defaults")
REPORT = {"policies": POLICIES, "selected": [], "ran": [], "outcomes": {}, "queries": []}


def neutral_policies(env):
    """Our policies at the values that leave Odoo's own flows alone, for every company, and through
    user-defined defaults for the companies the tests create: lost reason not required, duplicate guard
    off, no First Contact SLA (no activity on new leads), e-mails of known clients create leads as in Odoo,
    no mandatory fields, CRM opening on Odoo's pipeline rather than on the role dashboard."""
    values = {
        "crm_lost_reason_required": False,
        "crm_duplicate_guard": "off",
        "crm_first_contact": False,
        "crm_intake_email_to_card": False,
    }
    env["res.company"].with_context(active_test=False).search([]).write(values)
    for fname, value in values.items():
        env["ir.default"].set("res.company", fname, value)
    env["crm.mandatory.field"].search([]).write({"active": False})
    if "crm.dashboard" in env:
        env["crm.dashboard"]._set_landing(False)


def apply_policies():
    if POLICIES == "defaults":
        return
    if POLICIES != "neutral":
        sys.exit(f"CRM_PEER_POLICIES={POLICIES!r}: use neutral or defaults")
    with Registry(config["db_name"].split(",")[0]).cursor() as cr:
        neutral_policies(api.Environment(cr, SUPERUSER_ID, {}))


def short_id(test_id):
    return test_id.replace("odoo.addons.", "")


def make_suite(module_names, position="at_install"):
    """Every selected test in the post-install suite, none while the modules load."""
    if position != "post_install":
        return OdooSuite([])
    apply_policies()
    # Read every addon's manifest now, in this thread: Odoo's HTTP server does it lazily on the first static
    # file a browser tour asks for, and CPython 3.11's ast.parse can fail ("AST constructor recursion depth
    # mismatch") when it runs in two threads at once, which made Odoo's first CRM tour flaky.
    odoo.http.root.statics  # noqa: B018 - a cached property, computed here on purpose
    selector = TagsSelector(config["test_tags"])
    tests = [
        test
        for module_name in module_names
        for test_module in loader.get_test_modules(module_name)
        for test in loader.get_module_test_cases(test_module)
        if selector.check(test)
    ]
    REPORT["selected"] = [short_id(test.id()) for test in tests]
    write_report()
    return OdooSuite(sorted(tests, key=lambda test: test.test_sequence))


def record(outcome):
    def decorator(method):
        def wrapper(self, test, *args):
            test_id = short_id(test.test_case.id() if hasattr(test, "test_case") else test.id())
            detail = ""
            if args and isinstance(args[0], tuple):
                detail = "".join(traceback.format_exception_only(args[0][0], args[0][1])).strip()
            elif args:
                detail = str(args[0])
            previous = REPORT["outcomes"].get(test_id)
            if not previous or previous["outcome"] == "skipped":
                REPORT["outcomes"][test_id] = {"outcome": outcome, "detail": detail[:1000]}
            write_report()
            return method(self, test, *args)

        return wrapper

    return decorator


def start_test(method):
    def wrapper(self, test):
        REPORT["ran"].append(short_id(test.id()))
        return method(self, test)

    return wrapper


_assert_query_count = common.BaseCase.assertQueryCount


@contextlib.contextmanager
def assert_query_count(self, default=0, flush=True, **counters):
    """Odoo's assertQueryCount, which also records the count it measured (Odoo logs it only when it
    differs from the budget)."""
    login = self.env.user.login
    with _assert_query_count(self, default, flush, **counters):
        count0 = self.cr.sql_log_count
        yield
        if flush:  # what Odoo's own context manager does right after, before counting
            self.env.flush_all()
            self.env.cr.flush()
        if self.warm:
            REPORT["queries"].append(
                {
                    "test": short_id(self.id()),
                    "user": login,
                    "count": self.cr.sql_log_count - count0,
                    "budget": counters.get(login, default),
                }
            )


def write_report():
    if REPORT_PATH:
        with open(REPORT_PATH + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(REPORT, fh, indent=1)
        os.replace(REPORT_PATH + ".tmp", REPORT_PATH)


loader.make_suite = make_suite
Result = result.OdooTestResult
Result.addFailure = record("failed")(Result.addFailure)
Result.addError = record("error")(Result.addError)
Result.addSkip = record("skipped")(Result.addSkip)
Result.startTest = start_test(Result.startTest)
common.BaseCase.assertQueryCount = assert_query_count

if __name__ == "__main__":
    if "--test-tags" not in " ".join(sys.argv):
        sys.exit("peer_tests.py runs tests: pass --test-tags")
    try:
        odoo.cli.main()
    finally:
        write_report()
