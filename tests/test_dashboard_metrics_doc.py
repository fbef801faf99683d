# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""docs/metrics.md and the role dashboards say the same thing: each tile's tooltip is its definition."""

import os
import re

from odoo.tests import TransactionCase, tagged

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METRICS = os.path.join(ROOT, "docs", "metrics.md")
TILES = os.path.join(ROOT, "addons", "crm_reports", "static", "src", "dashboard", "crm_dashboard_tiles.js")
TILE = re.compile(r'(\w+): \{\s*label: _t\("([^"]+)"\),\s*help: _t\(\s*"([^"]+)"\s*\)')


@tagged("standard", "post_install")
class TestDashboardMetricsDoc(TransactionCase):
    """Every tile of the dashboards has its tooltip, word for word, as its definition in docs/metrics.md."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(METRICS, encoding="utf-8") as fh:
            cls.doc = fh.read()
        with open(TILES, encoding="utf-8") as fh:
            cls.tiles = TILE.findall(fh.read())

    def test_every_tile_is_defined(self):
        self.assertGreaterEqual(len(self.tiles), 16, "the tiles' definitions were not all read")
        section = self.doc.split("## Role dashboards (crm_reports)", 1)[1]
        for key, label, help_text in self.tiles:
            with self.subTest(tile=key):
                self.assertIn(f"| {label} (`{key}`) | {help_text} |", section)
