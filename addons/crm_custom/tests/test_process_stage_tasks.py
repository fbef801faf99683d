# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .process_common import ProcessCommon


@tagged("post_install", "-at_install")
class TestProcessStageTasks(ProcessCommon):
    """Tasks on entering a stage: configured on the stage, once per deal and task, for the salesperson, the
    team leader or a named user, due in working days; removed when the deal moves back before the stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.stage.task"].search([]).unlink()  # the demo's
        cls.estimator = cls._user("process_estimator", "sales_team.group_sale_salesman")
        cls.stage_1 = cls.env["crm.stage"].create({"name": "T New", "sequence": 101})
        cls.stage_2 = cls.env["crm.stage"].create({"name": "T Proposal", "sequence": 102})
        cls.stage_3 = cls.env["crm.stage"].create({"name": "T Negotiation", "sequence": 103})
        cls.type_call = cls.env.ref("mail.mail_activity_data_call")
        cls.type_todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.type_meeting = cls.env.ref("mail.mail_activity_data_meeting")

    def _configure(self):
        self.stage_2.write(
            {
                "crm_task_ids": [
                    (
                        0,
                        0,
                        {"activity_type_id": self.type_call.id, "summary": "Call the buyer", "delay_days": 0},
                    ),
                    (
                        0,
                        0,
                        {
                            "activity_type_id": self.type_todo.id,
                            "summary": "Check the margin",
                            "delay_days": 2,
                            "assignee": "team_leader",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "activity_type_id": self.type_meeting.id,
                            "summary": "Estimate the work",
                            "delay_days": 1,
                            "assignee": "user",
                            "user_id": self.estimator.id,
                        },
                    ),
                ]
            }
        )

    def _tasks(self, lead):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("crm_stage_task_id", "!=", False)]
        )

    @freeze_time("2026-03-06 10:00:00")  # a Friday
    def test_tasks_on_entering_once_for_the_right_users(self):
        self._switch("stage_tasks")
        self.assertFalse(any(self._rules("stage_tasks").mapped("active")), "no stage has tasks: nothing runs")
        self._configure()
        self.assertTrue(all(self._rules("stage_tasks").mapped("active")))
        lead = self._lead(stage=self.stage_1)
        self.assertFalse(self._tasks(lead))
        lead.stage_id = self.stage_2
        tasks = self._tasks(lead)
        by_summary = {task.summary: (task.user_id, task.date_deadline) for task in tasks}
        self.assertEqual(
            by_summary,
            {
                "Call the buyer": (self.salesman_1, date(2026, 3, 6)),
                "Check the margin": (self.leader, date(2026, 3, 10)),
                "Estimate the work": (self.estimator, date(2026, 3, 9)),
            },
        )
        lead.stage_id = self.stage_3
        self.assertEqual(self._tasks(lead), tasks, "moving on keeps the open tasks")
        lead.stage_id = self.stage_2
        self.assertEqual(self._tasks(lead), tasks, "entering again: no duplicates")
        lead.stage_id = self.stage_1
        self.assertFalse(self._tasks(lead), "moved back before the stage: its tasks are removed")

    @freeze_time("2026-03-06 10:00:00")
    def test_created_in_the_stage_and_done_task_not_repeated_while_open(self):
        self._switch("stage_tasks")
        self._configure()
        lead = self._lead(stage=self.stage_2)
        self.assertEqual(len(self._tasks(lead)), 3, "a deal created in the stage gets them too")
        call = self._tasks(lead).filtered(lambda t: t.summary == "Call the buyer")
        call.action_feedback(feedback="Done")
        lead.stage_id = self.stage_3
        self.assertEqual(len(self._tasks(lead)), 2)

    @freeze_time("2026-03-06 10:00:00")
    def test_company_off_and_other_company(self):
        self._switch("stage_tasks")
        self._switch("stage_tasks", on=False, companies=self.company_2)
        self._configure()
        lead = self._lead(stage=self.stage_1, company=self.company_2)
        lead.stage_id = self.stage_2
        self.assertFalse(self._tasks(lead))

    def test_rule_archived_when_last_task_removed(self):
        self._switch("stage_tasks")
        self._configure()
        self.assertTrue(all(self._rules("stage_tasks").mapped("active")))
        self.stage_2.crm_task_ids.unlink()
        self.assertFalse(any(self._rules("stage_tasks").mapped("active")))

    def test_named_user_required_and_salesperson_cannot_configure(self):
        with self.assertRaises(ValidationError):
            self.env["crm.stage.task"].create(
                {"stage_id": self.stage_2.id, "activity_type_id": self.type_call.id, "assignee": "user"}
            )
        with self.assertRaises(AccessError):
            self.env["crm.stage.task"].with_user(self.salesman_1).create(
                {"stage_id": self.stage_2.id, "activity_type_id": self.type_call.id}
            )
