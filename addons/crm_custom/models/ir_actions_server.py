# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models


class IrActionsServer(models.Model):
    """Two small additions to Odoo's own server actions, used by the suite's processes and available to
    any automation rule: the "Create Activity" action can count its delay in working days, schedule the
    activity once and on the record's client card; "Close Activities" marks done or removes the open
    activities of some types when their reason disappears."""

    _inherit = "ir.actions.server"

    state = fields.Selection(
        selection_add=[("crm_activity_close", "Close Activities")],
        ondelete={"crm_activity_close": "cascade"},
    )
    crm_working_days = fields.Boolean(
        string="Working Days",
        help="Count the days of the due date on the working schedule of the record's company (Settings > "
        "Companies > Working Hours), skipping its days off and public holidays.",
    )
    crm_activity_once = fields.Boolean(
        string="Once per Record",
        help="Do not schedule the activity when the record (or the client card) already has an open "
        "activity of this type: a trigger that fires again creates nothing.",
    )
    crm_activity_target = fields.Selection(
        [("record", "The record"), ("client", "Its client card")],
        string="Activity On",
        default="record",
        help="Where the activity goes: on the record itself, or on the card of its client (the commercial "
        "entity of its partner).",
    )
    crm_close_activity_type_ids = fields.Many2many(
        "mail.activity.type",
        "ir_act_server_crm_close_activity_type_rel",
        "action_id",
        "activity_type_id",
        string="Activity Types to Close",
    )
    crm_close_mode = fields.Selection(
        [("done", "Mark as done"), ("remove", "Remove")],
        string="Close By",
        default="done",
        help="Mark as done: the activity is logged as done in the chatter. Remove: it disappears.",
    )
    crm_close_feedback = fields.Char(
        string="Feedback",
        translate=True,
        help="Text logged with the activities marked as done.",
    )

    @api.depends("crm_close_activity_type_ids", "crm_close_mode")
    def _compute_name(self):
        closing = self.filtered(
            lambda action: action.base_automation_id and action.state == "crm_activity_close"
        )
        result = super(IrActionsServer, self - closing)._compute_name()
        for action in closing:
            action.name = _(
                "Close activities: %(types)s",
                types=", ".join(action.crm_close_activity_type_ids.mapped("name")),
            )
        return result

    # ------------------------------------------------------------------------- create activity

    def _run_action_next_activity(self, eval_context=None):
        if not (self.crm_working_days or self.crm_activity_once or self.crm_activity_target == "client"):
            return super()._run_action_next_activity(eval_context=eval_context)
        if not self.activity_type_id or not self.env.context.get("active_id"):
            return False
        records = self.env[self.model_name].browse(
            self.env.context.get("active_ids", [self.env.context.get("active_id")])
        )
        for record in records:
            target = record._crm_activity_target(self.crm_activity_target)
            if not target:
                continue
            if self.crm_activity_once and target._crm_open_activities(self.activity_type_id):
                continue
            user = self.env["res.users"]
            if self.activity_user_type == "specific":
                user = self.activity_user_id
            elif self.activity_user_type == "generic" and self.activity_user_field_name in record:
                user = record[self.activity_user_field_name]
            summary, note = self._crm_activity_texts((user or self.env.user)._crm_lang())
            vals = {
                "summary": summary,
                "note": note,
                "activity_type_id": self.activity_type_id.id,
                "date_deadline": self._crm_activity_deadline(record, user),
            }
            if user:
                vals["user_id"] = user.id
            target.activity_schedule(**vals)
        return False

    def _crm_activity_texts(self, lang):
        """The activity's title and note for a user of ``lang``: the action's own, except where they are the
        activity type's defaults (in any language: the action took them in its author's), which are then
        written in the user's language."""
        localised = self.activity_type_id.with_context(lang=lang)
        texts = []
        for own, fname in ((self.activity_summary, "summary"), (self.activity_note, "default_note")):
            if not own or own in self._crm_activity_type_defaults(fname):
                own = localised[fname]
            texts.append(own or "")
        return texts

    def _crm_activity_type_defaults(self, fname):
        """The activity type's ``fname`` in every installed language."""
        activity_type = self.activity_type_id
        return {
            activity_type.with_context(lang=code)[fname]
            for code, _name in self.env["res.lang"].get_installed()
        } - {False, ""}

    def _crm_activity_deadline(self, record, user):
        """Due date of the activity scheduled on ``record``: today plus the action's delay, in working
        days of the record's company calendar when asked (only a delay in days is counted that way)."""
        company = (record.company_id if "company_id" in record._fields else False) or self.env.company
        delay = self.activity_date_deadline_range
        unit = self.activity_date_deadline_range_type or "days"
        if self.crm_working_days and unit == "days" and company.resource_calendar_id:
            return company._crm_add_working_days(delay)
        today = fields.Date.context_today(
            self.with_context(tz=(user.tz if user else False) or self.env.user.tz)
        )
        return today + relativedelta(**{unit: delay}) if delay > 0 else today

    # ------------------------------------------------------------------------- close activities

    def _run_action_crm_activity_close_multi(self, eval_context=None):
        records = self.env[self.model_name].browse(
            self.env.context.get("active_ids", [self.env.context.get("active_id")])
        )
        if not (records and self.crm_close_activity_type_ids):
            return False
        targets = self.env[self.model_name]
        by_model = {}
        for record in records:
            target = record._crm_activity_target(self.crm_activity_target)
            if target:
                by_model.setdefault(target._name, set()).add(target.id)
        for model, ids in by_model.items():
            targets = self.env[model].browse(sorted(ids))
            activities = targets._crm_open_activities(self.crm_close_activity_type_ids)
            if self.crm_close_mode == "remove":
                activities.unlink()
                continue
            # the feedback (translatable) in the language of each activity's user
            for lang, done in activities.grouped(lambda activity: activity.user_id._crm_lang()).items():
                done.with_context(lang=lang).action_feedback(
                    feedback=self.with_context(lang=lang).crm_close_feedback or False
                )
        return False


def working_day_deadline(calendar, start_date, days):
    """The date ``days`` working days after ``start_date`` on ``calendar`` (its timezone, attendances and
    global leaves); ``start_date`` itself when ``days`` is 0 or the calendar has no working day ahead."""
    if days <= 0:
        return start_date
    tz = pytz.timezone(calendar.tz or "UTC")
    start = tz.localize(datetime.combine(start_date + timedelta(days=1), time.min))
    end = calendar.plan_days(days, start, compute_leaves=True)
    return end.astimezone(tz).date() if end else start_date
