# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# The suite's ready processes: code -> the company switch (res.company field) that turns it on.
PROCESS_SWITCHES = {
    "payment_call": "crm_process_payment_call",
    "payment_thanks": "crm_process_payment_thanks",
    "proposal_followup": "crm_process_proposal_followup",
    "feedback": "crm_process_feedback",
    "stage_tasks": "crm_process_stage_tasks",
    "idle": "crm_process_idle",
}
PROCESSES = [
    ("payment_call", "Call about payment"),
    ("payment_thanks", "Thank for the payment"),
    ("proposal_followup", "Follow up on the proposal"),
    ("feedback", "Ask for feedback"),
    ("stage_tasks", "Stage tasks"),
    ("idle", "Deals without planned activity"),
]


class BaseAutomation(models.Model):
    """The suite's processes are ordinary automation rules tagged with the process they belong to: a rule
    is active while at least one company has its process switched on (Settings > CRM Suite: Processes),
    and its filter checks the record's company switch, so that a process costs nothing where it is off."""

    _inherit = "base.automation"

    crm_process = fields.Selection(
        PROCESSES,
        string="CRM Suite Process",
        index=True,
        help="The suite's process this rule belongs to: it is activated and archived with the company "
        "switches of Settings > CRM > CRM Suite: Processes, and its conditions check the switch of the "
        "record's company.",
    )
    crm_company_calendar = fields.Boolean(
        string="Company Working Schedule",
        help="Count the working days of the delay on the working schedule of the record's company instead "
        "of the calendar chosen here.",
    )

    @api.model
    def _get_calendar(self, automation, record):
        if automation.crm_company_calendar and "company_id" in record._fields and record.company_id:
            return record.company_id.resource_calendar_id or automation.trg_date_calendar_id
        return super()._get_calendar(automation, record)

    @api.model
    def _crm_process_wanted(self, process):
        """Whether ``process`` should run somewhere: a company has it on (stage tasks: and a stage has
        tasks)."""
        companies = self.env["res.company"].sudo().search([(PROCESS_SWITCHES[process], "=", True)], limit=1)
        if process == "stage_tasks" and companies:
            return bool(self.env["crm.stage.task"].sudo().search_count([], limit=1))
        return bool(companies)

    @api.model
    def _crm_process_sync(self, processes=None):
        """Activate the rules of the processes some company turned on, archive those of the processes no
        company uses. A rule an administrator archived while its process is on stays archived; when a
        process is turned on again after being off everywhere, all its rules are activated and the
        timed ones start from now (no burst for the records whose date passed while it was off)."""
        rules = (
            self.sudo()
            .with_context(active_test=False)
            .search([("crm_process", "in", list(processes or PROCESS_SWITCHES))])
        )
        now = fields.Datetime.now()
        for process, process_rules in rules.grouped("crm_process").items():
            wanted = self._crm_process_wanted(process)
            running = any(process_rules.mapped("active"))
            if wanted and not running:
                process_rules.filtered(lambda rule: rule.trigger == "on_time").last_run = now
                process_rules.active = True
            elif running and not wanted:
                process_rules.active = False
