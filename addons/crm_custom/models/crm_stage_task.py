# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmStageTask(models.Model):
    """A task every deal gets when it enters the stage (process Stage Tasks)."""

    _name = "crm.stage.task"
    _description = "Task on Entering a Stage"
    _order = "stage_id, sequence, id"

    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", index=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        ondelete="restrict",
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'crm.lead')]",
    )
    summary = fields.Char(help="Title of the activity; the activity type's default title when empty.")
    note = fields.Html()
    delay_days = fields.Integer(
        string="Due In (working days)",
        help="Working days of the deal's company schedule between entering the stage and the due date; 0 "
        "is the same day.",
    )
    assignee = fields.Selection(
        [
            ("salesperson", "The deal's salesperson"),
            ("team_leader", "The team leader"),
            ("user", "A named user"),
        ],
        required=True,
        default="salesperson",
        help="Who gets the task. Without a team leader, or a salesperson, the deal's salesperson (or team "
        "leader) gets it instead.",
    )
    user_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        help="The named user who gets the task, e.g. the estimator or the lawyer.",
    )

    @api.constrains("assignee", "user_id")
    def _check_user(self):
        for task in self:
            if task.assignee == "user" and not task.user_id:
                raise ValidationError(
                    _(
                        "Choose the user who gets the task %(task)s.",
                        task=task.summary or task.activity_type_id.name,
                    )
                )

    @api.constrains("delay_days")
    def _check_delay(self):
        if any(task.delay_days < 0 for task in self):
            raise ValidationError(_("The delay of a stage task cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        self.env["base.automation"]._crm_process_sync(["stage_tasks"])
        return tasks

    def unlink(self):
        result = super().unlink()
        self.env["base.automation"]._crm_process_sync(["stage_tasks"])
        return result

    def _assignee_for(self, lead):
        """The user who gets this task on ``lead``."""
        self.ensure_one()
        if self.assignee == "user":
            return self.user_id
        if self.assignee == "team_leader":
            return lead.team_id.user_id or lead.user_id
        return lead.user_id or lead.team_id.user_id
