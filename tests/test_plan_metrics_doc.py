# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""docs/metrics.md and the product say the same thing: each plan KPI and plan figure has one definition."""

import os

from odoo.tests import TransactionCase, tagged

METRICS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "metrics.md")


@tagged("standard", "post_install")
class TestPlanMetricsDoc(TransactionCase):
    """The KPI descriptions and the help of the plan figures are the sentences of docs/metrics.md."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(METRICS, encoding="utf-8") as fh:
            cls.doc = fh.read()

    def test_every_kpi_is_defined_verbatim(self):
        kpis = self.env["crm.kpi"].with_context(lang="en_US").search([])
        self.assertGreaterEqual(
            set(kpis.mapped("code")), {"revenue", "deals_won", "proposals_sent", "meetings", "leads_new"}
        )
        self.assertGreaterEqual(
            set(kpis.mapped("code")), {"calls_in", "calls_out", "calls_missed", "talk_time"}
        )
        for kpi in kpis:  # every registered KPI, telephony's included
            self.assertIn(f"| {kpi.name} (`{kpi.code}`) | {kpi.description} |", self.doc)

    def test_plan_figures_help_is_the_doc(self):
        fields_by_model = {
            "crm.sales.plan.line": ["achievement", "forecast_run_rate", "forecast_pipeline", "drift"],
            "crm.motivation.statement": ["weighted_achievement", "activity_completion"],
        }
        for model, names in fields_by_model.items():
            for name in names:
                help_text = self.env[model]._fields[name].help
                self.assertIn(f"| {help_text} |", self.doc, f"{model}.{name}")

    def test_first_contact_figures_help_is_the_doc(self):
        """Lead intake's first contact SLA: the lead's and the report's help texts are docs/metrics.md's."""
        fields_by_model = {
            "crm.lead": ["first_contact_date", "first_contact_hours"],
            "crm.first.contact.report": ["first_contact_hours", "within_sla_count", "overdue_count"],
        }
        for model, names in fields_by_model.items():
            for name in names:
                help_text = self.env[model]._fields[name].help
                self.assertIn(f"| {help_text} |", self.doc, f"{model}.{name}")
