# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..lang import in_lang


class MailActivity(models.Model):
    _name = "mail.activity"
    _inherit = ["mail.activity", "crm.system.fields.mixin"]

    # set by the process Stage Tasks only (system=True): a user tagging an activity with a task would stop
    # the task from being scheduled, or have it removed when the deal moves back
    crm_stage_task_id = fields.Many2one(
        "crm.stage.task",
        string="Stage Task",
        readonly=True,
        system=True,
        index="btree_not_null",
        ondelete="set null",
        help="The stage task that scheduled this activity (process Stage Tasks).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        reminder = self.env["crm.lead.intake"]._intake_ref("crm_custom.mail_activity_type_plan_next_step")
        planned = activities.filtered(
            lambda act: act.res_model == "crm.lead" and reminder and act.activity_type_id != reminder
        )
        if planned:
            # a next step is planned: the "Plan the next step" reminder of the deal has done its job
            self.env["crm.lead"].browse(set(planned.mapped("res_id")))._crm_close_idle_reminders()
        return activities

    def _crm_feedback(self, feedback=False):
        """Mark these activities done with ``feedback`` (text, or a lazy translation ``_lt(...)``) in the
        language of each activity's user: the "done" line in the chatter reads in their language, as Odoo
        writes its assignment e-mails in the assigned user's."""
        for lang, activities in self.grouped(lambda activity: activity.user_id._crm_lang()).items():
            activities = activities.with_context(lang=lang)
            activities.action_feedback(feedback=in_lang(activities.env, feedback) or False)
