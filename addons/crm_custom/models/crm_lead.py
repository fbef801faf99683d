# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

# the mixin must be registered before crm.lead inherits it; models/__init__.py imports crm_lead first
from . import crm_card_mixin  # noqa: F401 - defined before the models that inherit it


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.card.mixin"]

    _duplicate_trigger_fields = ("phone", "mobile", "email_from", "partner_id", "company_id", "country_id")
    _duplicate_entity_column = "partner_id"

    lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required",
        string="Lost Reason Required",
    )
    product_ids = fields.Many2many(
        "product.product",
        "crm_lead_product_interest_rel",
        "lead_id",
        "product_id",
        string="Products of Interest",
        check_company=True,
        domain=[("sale_ok", "=", True)],
        help="Products or services the client asked about.",
    )
    duplicate_ids = fields.Many2many(
        "crm.lead",
        "crm_lead_duplicate_rel",
        "lead_id",
        "duplicate_id",
        string="Possible Duplicates",
        compute="_compute_duplicate_ids",
        help="Open leads and deals of other clients of the same company with the same phone, mobile or "
        "e-mail.",
    )
    duplicate_count = fields.Integer(string="Duplicates", compute="_compute_duplicate_ids")
    crm_idle_deadline = fields.Datetime(
        string="Idle Reminder Due",
        compute="_compute_crm_idle_deadline",
        help="When this opportunity counts as idle if nothing happens: the latest of its creation, "
        "conversion, last stage change, last activity done and the moment its company switched the process "
        "Deals Without Planned Activity on, plus the company's idle days.",
    )

    def _compute_crm_idle_deadline(self):
        """One query for the whole batch (the automation rule reads it for every candidate deal)."""
        leads = self.filtered("id")
        deadlines = {}
        if leads:
            self.flush_model(["create_date", "date_conversion", "date_last_stage_update", "company_id"])
            self.env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id", "date"])
            self.env.cr.execute(
                """
                SELECT l.id,
                       GREATEST(l.create_date, l.date_conversion, l.date_last_stage_update, c.crm_idle_start,
                                (SELECT max(m.date) FROM mail_message m
                                  WHERE m.model = 'crm.lead' AND m.res_id = l.id
                                    AND m.mail_activity_type_id IS NOT NULL)),
                       COALESCE(c.crm_idle_days, 7)
                  FROM crm_lead l
                  LEFT JOIN res_company c ON c.id = l.company_id
                 WHERE l.id = ANY(%s)
                """,
                [leads.ids],
            )
            deadlines = {
                lead_id: since + timedelta(days=days)
                for lead_id, since, days in self.env.cr.fetchall()
                if since
            }
        for lead in self:
            lead.crm_idle_deadline = deadlines.get(lead.id, False)

    def _duplicate_entity_id(self):
        return self.partner_id.id

    def _card_target(self):
        return "lead"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("stage_id") and self.env["crm.stage"].browse(vals["stage_id"]).is_won:
            # a won deal is no longer idle: its reminder has no reason left
            self._crm_close_idle_reminders(remove=True)
        return result

    def action_set_lost(self, **additional_values):
        """Refuse to lose a deal without a reason when its company asks for one."""
        reason = additional_values.get("lost_reason_id")
        missing = self.filtered(
            lambda lead: (
                (lead.company_id or self.env.company).crm_lost_reason_required
                and not reason
                and not lead.lost_reason_id
            )
        )
        if missing:
            raise UserError(
                _(
                    "Choose a lost reason before marking these deals as lost: %(names)s",
                    names=", ".join(missing.mapped("display_name")),
                )
            )
        return super().action_set_lost(**additional_values)

    # -- processes ----------------------------------------------------------------------------------

    def _crm_stage_tasks_run(self):
        """Process Stage Tasks, run by its automation rule when deals enter a stage: the stage's tasks
        once per deal (an open activity of the same task is not duplicated), and the open tasks of the
        later stages removed when a deal moves back before them."""
        Activity = self.env["mail.activity"].sudo()
        for lead in self:
            stage = lead.stage_id
            open_tasks = Activity.search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id), ("crm_stage_task_id", "!=", False)]
            )
            later = open_tasks.filtered(
                lambda act, stage=stage: (
                    (act.crm_stage_task_id.stage_id.sequence, act.crm_stage_task_id.stage_id.id)
                    > (stage.sequence, stage.id)
                )
            )
            later.unlink()
            existing = (open_tasks - later).crm_stage_task_id
            company = lead.company_id or self.env.company
            for task in stage.crm_task_ids - existing:
                user = task._assignee_for(lead)
                lead.activity_schedule(
                    activity_type_id=task.activity_type_id.id,
                    summary=task.summary or task.activity_type_id.summary or "",
                    note=task.note or task.activity_type_id.default_note or "",
                    date_deadline=company._crm_add_working_days(task.delay_days),
                    user_id=user.id or self.env.uid,
                    crm_stage_task_id=task.id,
                )

    def _crm_close_idle_reminders(self, remove=False):
        """Close the open "Plan the next step" reminders of these deals: done when a next step was planned,
        removed when the deal was won."""
        reminder = self.env.ref("crm_custom.mail_activity_type_plan_next_step", raise_if_not_found=False)
        if not (self and reminder):
            return
        activities = self._crm_open_activities(reminder).sudo()
        if remove:
            activities.unlink()
        elif activities:
            activities.action_feedback(feedback=_("Next step planned."))

    @api.model
    def _cron_idle_digest(self):
        """Daily digest of idle deals per team leader, for the companies where the process is on: the team's
        open opportunities whose only open activities are "Plan the next step" reminders, or none, and
        whose idle reminder is due."""
        reminder = self.env.ref("crm_custom.mail_activity_type_plan_next_step")
        now = fields.Datetime.now()
        mails = self.env["mail.mail"]
        for company in self.env["res.company"].search([("crm_process_idle", "=", True)]):
            idle = self.search(
                [
                    ("company_id", "=", company.id),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", False),
                    ("team_id.user_id", "!=", False),
                    ("activity_ids", "not any", [("activity_type_id", "!=", reminder.id)]),
                ],
                order="team_id, user_id, id",
            )
            idle = idle.filtered(lambda lead: lead.crm_idle_deadline and lead.crm_idle_deadline <= now)
            for team, leads in idle.grouped("team_id").items():
                mails |= leads._crm_idle_digest_mail(team.user_id, company)
        return mails

    def _crm_idle_digest_mail(self, leader, company):
        """One e-mail to ``leader`` listing these idle deals, in the leader's language."""
        if not leader.email:
            return self.env["mail.mail"]
        self = self.with_context(lang=leader.lang)  # noqa: PLW0642 - the leader reads it
        now = fields.Datetime.now()
        base_url = self[:1].get_base_url()
        rows = Markup("").join(
            Markup('<tr><td><a href="%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td></tr>')
            % (
                f"{base_url}/odoo/crm/{lead.id}",
                lead.name,
                lead.partner_id.display_name or "",
                lead.user_id.name or "",
                (now - (lead.crm_idle_deadline - timedelta(days=company.crm_idle_days))).days,
            )
            for lead in self
        )
        body = Markup(
            "<p>%s</p><table border='1' cellpadding='4'>"
            "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>%s</table>"
        ) % (
            _(
                "Opportunities of your team with no planned activity for %(days)s days or more:",
                days=company.crm_idle_days,
            ),
            _("Opportunity"),
            _("Client"),
            _("Salesperson"),
            _("Idle Days"),
            rows,
        )
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": _(
                        "Idle deals of %(team)s: %(count)s", team=self.team_id[:1].name, count=len(self)
                    ),
                    "body_html": body,
                    "email_from": company.email_formatted or self.env.user.email_formatted,
                    "recipient_ids": [Command.set(leader.partner_id.ids)],
                    "auto_delete": True,
                }
            )
        )
