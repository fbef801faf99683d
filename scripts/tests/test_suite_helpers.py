"""Helpers of scripts/suite.py: the configuration handed to Odoo (config/odoo.conf leaves the db_* options
empty for the PG* variables, and Odoo refuses an empty ``db_port`` unless a --db_port overrides it), and
how a regenerated ru.po keeps or flags the previous Russian."""

import configparser
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import suite  # noqa: E402


class TestOdooConf(unittest.TestCase):
    def test_empty_options_are_dropped_and_the_others_kept(self):
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "odoo.conf")
            with open(source, "w", encoding="utf-8") as fh:
                fh.write(
                    "[options]\ndb_host =\ndb_port =\ndb_user = odoo\ndb_password =\n"
                    "admin_passwd = a%b\nproxy_mode = False\n"
                )
            target = suite.odoo_conf(source, os.path.join(tmp, "out", "odoo.conf"))
            parser = configparser.ConfigParser(interpolation=None)
            parser.read(target)
            self.assertEqual(
                dict(parser.items("options")),
                {"db_user": "odoo", "admin_passwd": "a%b", "proxy_mode": "False"},
            )

    def test_the_repository_configuration_is_accepted_by_odoo(self):
        """Odoo's own parser, as `scripts/test` and `scripts/demo` call it with a server found through the
        PG* variables (no --db_port on the command line)."""
        try:
            from odoo.tools import config
        except ImportError:
            self.skipTest("Odoo is not importable here (the static checks run without it)")
        with tempfile.TemporaryDirectory() as tmp:
            target = suite.odoo_conf(suite.CONF_FILE, os.path.join(tmp, "odoo.conf"))
            saved = dict(config.options)
            try:
                config._parse_config(["-c", target])
                self.assertFalse(config["db_port"])
            finally:
                config.options.clear()
                config.options.update(saved)


class TestReconcileTranslations(unittest.TestCase):
    def catalog(self, *entries):
        import polib

        catalog = polib.POFile()
        for msgid, msgstr in entries:
            catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        return catalog

    def test_russian_equal_to_english_is_kept(self):
        catalog = self.catalog(("KPI", ""), ("Telegram", ""), ("New term", ""))
        review = suite.reconcile_translations(catalog, {(None, "KPI"): "KPI", (None, "Telegram"): "Telegram"})
        self.assertEqual([e.msgstr for e in catalog], ["KPI", "Telegram", ""])
        self.assertEqual(review, [])

    def test_russian_carried_to_a_new_english_is_flagged(self):
        """A record's field is translated by XML id: Odoo exports the old Russian with the new English."""
        catalog = self.catalog(("Calls in the company's timezone.", "Звонки (UTC)."), ("Same", "То же"))
        previous = {(None, "Calls (UTC)."): "Звонки (UTC).", (None, "Same"): "То же"}
        review = suite.reconcile_translations(catalog, previous)
        self.assertEqual([e.msgid for e in review], ["Calls in the company's timezone."])
        self.assertEqual([e.msgid for e in catalog.fuzzy_entries()], ["Calls in the company's timezone."])


if __name__ == "__main__":
    unittest.main()
