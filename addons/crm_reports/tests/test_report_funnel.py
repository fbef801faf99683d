# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import ReportsCommon, at


@tagged("post_install", "-at_install")
class TestReportFunnel(ReportsCommon):
    """One row per opportunity and stage reached: skipped stages count as reached, a stage reached twice once,
    a lost deal drops off in the stage it was lost in, with its reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new = cls.env.ref("crm.stage_lead1")
        cls.qualified = cls.env.ref("crm.stage_lead2")
        cls.proposition = cls.env.ref("crm.stage_lead3")
        cls.won = cls.env.ref("crm.stage_lead4")
        cls.too_expensive = cls.env["crm.lost.reason"].create({"name": "Funnel: too expensive"})
        cls.no_budget = cls.env["crm.lost.reason"].create({"name": "Funnel: no budget"})
        # a stage of another team between Qualified and Proposition: not a stage of our deals
        cls.other_stage = cls.env["crm.stage"].create(  # same sequence, later id: after Qualified
            {"name": "Other team's check", "sequence": cls.qualified.sequence, "team_id": cls.other_team.id}
        )
        Lead = cls.env["crm.lead"]

        def deal(name):
            return Lead.create(
                {
                    "name": name,
                    "type": "opportunity",
                    "user_id": cls.salesman_1.id,
                    "team_id": cls.team.id,
                    "company_id": cls.company.id,
                    "stage_id": cls.new.id,
                }
            )

        with at(cls.env, "2026-03-02 10:00:00"):
            cls.straight = deal("Straight to won")
            cls.skipper = deal("Skips Qualified, lost")
            cls.zigzag = deal("Forward, back, forward")
            cls.early_loss = deal("Lost at once")
        with at(cls.env, "2026-03-03 10:00:00"):
            cls.straight.stage_id = cls.qualified
            cls.zigzag.stage_id = cls.qualified
            cls.skipper.stage_id = cls.proposition
            cls.early_loss.action_set_lost(lost_reason_id=cls.no_budget.id)
        with at(cls.env, "2026-03-05 10:00:00"):
            cls.straight.stage_id = cls.proposition
            cls.zigzag.stage_id = cls.proposition
        with at(cls.env, "2026-03-06 10:00:00"):
            cls.zigzag.stage_id = cls.qualified  # back
        with at(cls.env, "2026-03-07 10:00:00"):
            cls.zigzag.stage_id = cls.proposition  # forward again
        with at(cls.env, "2026-03-08 10:00:00"):
            cls.straight.action_set_won()
            cls.skipper.action_set_lost(lost_reason_id=cls.too_expensive.id)
        cls.deals = cls.straight | cls.skipper | cls.zigzag | cls.early_loss

    def _rows(self, lead):
        return self.env["crm.report.funnel"].search([("lead_id", "=", lead.id)])

    def test_stages_reached(self):
        self.assertEqual(
            self._rows(self.straight).stage_id, self.new | self.qualified | self.proposition | self.won
        )
        self.assertEqual(
            self._rows(self.skipper).stage_id,
            self.new | self.qualified | self.proposition,
            "jumping from New to Proposition also reached Qualified",
        )
        zigzag = self._rows(self.zigzag)
        self.assertEqual(len(zigzag), 3, "forward, back and forward again: each stage once")
        self.assertEqual(zigzag.stage_id, self.new | self.qualified | self.proposition)
        self.assertEqual(self._rows(self.early_loss).stage_id, self.new)
        self.assertNotIn(
            self.other_stage,
            self.env["crm.report.funnel"].search([("lead_id", "in", self.deals.ids)]).stage_id,
        )

    def test_dates_and_days_in_stage(self):
        skipped = self._rows(self.skipper).filtered(lambda row: row.stage_id == self.qualified)
        self.assertEqual(str(skipped.date_reached), "2026-03-03", "reached when the deal jumped past it")
        self.assertEqual(skipped.days_in_stage, 0.0)
        zigzag = {row.stage_id: row for row in self._rows(self.zigzag)}
        self.assertAlmostEqual(zigzag[self.qualified].days_in_stage, 3.0, places=3, msg="2 days, then 1 more")
        self.assertEqual(str(zigzag[self.qualified].date_reached), "2026-03-03", "first time only")
        straight = {row.stage_id: row for row in self._rows(self.straight)}
        self.assertAlmostEqual(straight[self.proposition].days_in_stage, 3.0, places=3)
        self.assertEqual(straight[self.won].days_in_stage, 0.0, "the clock stops when the deal is won")
        lost = self._rows(self.skipper).filtered(lambda row: row.stage_id == self.proposition)
        self.assertAlmostEqual(lost.days_in_stage, 5.0, places=3, msg="the clock stops when the deal is lost")
        self.assertTrue(all(str(row.cohort_date) == "2026-03-02" for row in self._rows(self.zigzag)))

    def test_conversion_and_drop_off_per_stage(self):
        Funnel = self.env["crm.report.funnel"]
        groups = Funnel._read_group(
            [("lead_id", "in", self.deals.ids)],
            ["stage_id"],
            ["deal_count:sum", "conversion:avg", "lost_count:sum", "drop_off:avg", "won_count:sum"],
        )
        by_stage = {stage: values for stage, *values in groups}
        self.assertEqual(
            list(by_stage), [self.new, self.qualified, self.proposition, self.won], "stage order"
        )
        self.assertEqual(by_stage[self.new][:1], [4])
        self.assertAlmostEqual(by_stage[self.new][1], 75.0, msg="3 of 4 went further")
        self.assertEqual(by_stage[self.new][2], 1, "lost at once")
        self.assertEqual(by_stage[self.qualified][0], 3)
        self.assertAlmostEqual(by_stage[self.qualified][1], 100.0)
        self.assertEqual(by_stage[self.proposition][0], 3)
        self.assertEqual(by_stage[self.proposition][2], 1, "the skipper was lost in Proposition")
        self.assertEqual(by_stage[self.won][0], 1)
        self.assertEqual(by_stage[self.won][4], 1)
        reasons = Funnel._read_group(
            [("lead_id", "in", self.deals.ids), ("lost", "=", True)],
            ["stage_id", "lost_reason_id"],
            ["__count"],
        )
        self.assertEqual(
            sorted((stage.id, reason.id, count) for stage, reason, count in reasons),
            sorted([(self.new.id, self.no_budget.id, 1), (self.proposition.id, self.too_expensive.id, 1)]),
        )

    def test_stage_order_change_rebuilds_the_funnel(self):
        """Moving Proposition before Qualified: the skipper then did not skip anything; a job rebuilds."""
        self.proposition.sequence = self.new.sequence  # after New (higher id), before Qualified
        self.env.ref("crm_reports.crm_lead_stage_reach_cron").method_direct_trigger()
        self.assertEqual(self._rows(self.skipper).stage_id, self.new | self.proposition)

    def test_funnel_excel_has_bars_and_drop_off_reasons(self):
        content = self._export("funnel", "2026-03-01", "2026-03-31", group_by="stage_id")
        summary = self._workbook(content)["Summary"]
        header = self._row_with(summary, "Stage")
        new_row = self._row_with(summary, self.new.name)
        self.assertEqual(new_row[header.index("Deals Reached")], 4)
        self.assertEqual(self._row_with(summary, "Total")[header.index("Deals Reached")], 11)
        reasons = [row for row in summary.iter_rows(values_only=True) if row[1] == self.too_expensive.name]
        self.assertEqual(reasons[0][:3], (self.proposition.name, self.too_expensive.name, 1))
        self.assertTrue(self._charts(content))
