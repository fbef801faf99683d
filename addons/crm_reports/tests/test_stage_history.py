# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_custom.models.base_automation import PROCESS_SWITCHES


@tagged("post_install", "-at_install")
class TestStageHistory(TransactionCase):
    """Every stage a deal enters is recorded, cheaply, and deals created before the install get theirs from
    the chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new = cls.env.ref("crm.stage_lead1")
        cls.qualified = cls.env.ref("crm.stage_lead2")
        cls.proposition = cls.env.ref("crm.stage_lead3")
        cls.won = cls.env.ref("crm.stage_lead4")
        cls.History = cls.env["crm.lead.stage.history"]
        # the suite's processes off (the demo company runs Stage Tasks: activities per deal entering a stage)
        cls.env["res.company"].search([]).write(dict.fromkeys(PROCESS_SWITCHES.values(), False))

    def _deals(self, count, **values):
        return self.env["crm.lead"].create(
            [
                {"name": f"Deal {n}", "type": "opportunity", "stage_id": self.new.id, **values}
                for n in range(count)
            ]
        )

    def _visits(self, lead):
        history = self.History.search([("lead_id", "=", lead.id)], order="date_start, id")
        return [(visit.stage_id, visit.date_start, visit.date_end) for visit in history]

    def test_create_and_moves_are_recorded(self):
        with freeze_time("2026-03-02 09:00:00"):
            deal = self._deals(1)
        with freeze_time("2026-03-04 09:00:00"):
            deal.stage_id = self.qualified
        with freeze_time("2026-03-05 09:00:00"):
            deal.write({"stage_id": self.qualified.id, "name": "Same stage again"})  # no new visit
        with freeze_time("2026-03-09 09:00:00"):
            deal.action_set_won()
        self.assertEqual(
            self._visits(deal),
            [
                (self.new, datetime(2026, 3, 2, 9), datetime(2026, 3, 4, 9)),
                (self.qualified, datetime(2026, 3, 4, 9), datetime(2026, 3, 9, 9)),
                (self.won, datetime(2026, 3, 9, 9), False),
            ],
        )

    def test_recording_costs_the_same_for_few_deals_or_many(self):
        """One statement per write whatever the number of deals: no query per record."""
        few, many, warm = self._deals(3), self._deals(30), self._deals(1)
        (few | many).write({"stage_id": self.qualified.id})
        warm.write({"stage_id": self.proposition.id})  # the stages and settings read once, in cache
        self.env.flush_all()
        counts = []
        for deals in (few, many):
            deals.invalidate_recordset()
            start = self.cr.sql_log_count
            deals.write({"stage_id": self.proposition.id})
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - start)
        self.assertEqual(counts[0], counts[1])
        open_visits = self.History.search([("lead_id", "in", many.ids), ("date_end", "=", False)])
        self.assertEqual(open_visits.stage_id, self.proposition)
        self.assertEqual(len(open_visits), 30)

    def test_backfill_from_tracking(self):
        """A deal created before the install: its visits come from the stage changes in its chatter."""
        moments = [
            datetime(2026, 1, 10, 8),
            datetime(2026, 1, 12, 8),
            datetime(2026, 1, 15, 8),
            datetime(2026, 1, 20, 8),
        ]
        with patch.object(self.env.cr, "now", return_value=moments[0]), freeze_time(moments[0]):
            deal = (
                self.env["crm.lead"]
                .with_context(mail_notrack=False)
                .create({"name": "Old deal", "type": "opportunity", "stage_id": self.new.id})
            )
            self.env.flush_all()
            self.env.cr.precommit.run()  # the creation's message: the changes after it are tracked
        for moment, stage in zip(
            moments[1:], (self.proposition, self.qualified, self.proposition), strict=True
        ):
            with patch.object(self.env.cr, "now", return_value=moment), freeze_time(moment):
                deal.stage_id = stage
                self.env.flush_all()
                self.env.cr.precommit.run()  # the chatter's tracking of the change
        recorded = self._visits(deal)
        # as before the install: no history, then the install's backfill
        self.History.search([("lead_id", "=", deal.id)]).unlink()
        self.env["crm.lead.stage.reach"].search([("lead_id", "=", deal.id)]).unlink()
        self.History._backfill()
        self.assertEqual(self._visits(deal), recorded)
        self.assertEqual(
            [stage for stage, _start, _end in recorded],
            [self.new, self.proposition, self.qualified, self.proposition],
        )
        funnel = self.env["crm.report.funnel"].search([("lead_id", "=", deal.id)])
        self.assertEqual(funnel.stage_id, self.new | self.qualified | self.proposition)

    def test_backfill_without_tracking_uses_current_stage(self):
        deal = self._deals(1, stage_id=self.proposition.id)
        self.History.search([("lead_id", "=", deal.id)]).unlink()
        self.History._backfill()
        [(stage, start, end)] = self._visits(deal)
        self.assertEqual(stage, self.proposition)
        self.assertEqual(start, deal.create_date)
        self.assertFalse(end)

    def test_salesperson_reads_history_of_own_deals_only(self):
        salesman = self.env["res.users"].create(
            {
                "name": "History Salesman",
                "login": "history_salesman",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        mine = self._deals(1, user_id=salesman.id)
        other = self._deals(1, user_id=self.env.ref("base.user_admin").id)
        visible = self.History.with_user(salesman).search([("lead_id", "in", (mine | other).ids)])
        self.assertEqual(visible.lead_id, mine)
