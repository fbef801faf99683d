# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""docs/metrics.md and the reports say the same thing: each measure's help is its definition, verbatim."""

import os

from odoo.tests import TransactionCase, tagged

METRICS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "metrics.md")
REPORTS = (
    "crm.report.lead.intake",
    "crm.report.funnel",
    "crm.report.sales",
    "crm.report.activity",
    "crm.report.plan.fact",
    "crm.report.channel",
    "crm.report.cross.sell",
)


@tagged("standard", "post_install")
class TestReportMetricsDoc(TransactionCase):
    """Every report field with a help text has its definition in docs/metrics.md."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(METRICS, encoding="utf-8") as fh:
            cls.doc = fh.read()

    def test_every_measure_is_defined(self):
        for model in REPORTS:
            fields = self.env[model]._fields
            measures = [
                f for f in fields.values() if f.type in ("integer", "float", "monetary") and f.aggregator
            ]
            self.assertTrue(measures, model)
            for field in measures:
                with self.subTest(model=model, field=field.name):
                    self.assertTrue(field.help, "a measure without a definition")
            for field in fields.values():
                if field.help and field.name not in ("display_name",):
                    with self.subTest(model=model, field=field.name):
                        self.assertIn(f"| {field.help} |", self.doc)

    def test_reporting_timezone_is_documented(self):
        self.assertIn("res.company.crm_tz", self.doc)

    def test_marketing_and_client_analytics_help_is_the_doc(self):
        """Marketing spend, the ABC class and the call-tracking numbers: their help is docs/metrics.md's."""
        fields_by_model = {
            "crm.marketing.cost": ["date", "amount"],
            "res.partner": ["crm_abc_class"],
            "crm.kpi": ["is_ratio", "lower_is_better"],
        }
        for model, names in fields_by_model.items():
            for name in names:
                help_text = self.env[model]._fields[name].help
                self.assertIn(f"| {help_text} |", self.doc, f"{model}.{name}")
