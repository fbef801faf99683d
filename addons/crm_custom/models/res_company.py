# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

import pytz

from odoo import api, fields, models, tools

from odoo.addons.base.models.res_partner import _tz_get

from .base_automation import PROCESS_SWITCHES
from .ir_actions_server import working_day_deadline


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_lost_reason_required = fields.Boolean(
        string="Lost Reason Required",
        default=True,
        help="A deal of this company can only be marked lost with a lost reason.",
    )

    # -- data quality (issue 3) --------------------------------------------------------------------
    crm_duplicate_guard = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Duplicate Guard",
        default="warn",
        required=True,
        help="What happens when a partner or lead of this company is saved with the same E.164 phone or "
        "mobile, normalized e-mail or tax id as another client's card: Off does nothing, Warn saves and "
        "flags it, Block refuses it.",
    )
    crm_client_active_days = fields.Integer(
        string="Active Client Period (days)",
        default=180,
        help="A client is active when it has a posted customer invoice dated within this many days.",
    )

    crm_card_quality_digest = fields.Boolean(
        string="Daily Card-Quality Digest",
        help="After the nightly card-quality table, e-mail each sales manager of the company its summary per "
        "salesperson (score and trend against the previous day).",
    )

    # Sales plans (issue 4)
    crm_plan_revenue_paid_only = fields.Boolean(
        string="Plan Revenue: Paid Invoices Only",
        help="The Revenue KPI counts only invoices and credit notes that are paid, in payment or reversed "
        "by a credit note.",
    )
    crm_plan_unrealistic_share = fields.Float(
        string="Unrealistic Plan: Share of Members Missing (%)",
        default=70.0,
        help="A team's next plan is flagged likely unrealistic when, in each of the last months counted, "
        "more than this share of its members missed their revenue plan.",
    )
    crm_plan_unrealistic_months = fields.Integer(
        string="Unrealistic Plan: Consecutive Months",
        default=3,
        help="How many consecutive months of missed revenue plans trigger the realism rule and the coaching "
        "list.",
    )

    # -- processes: one switch per process (each runs Odoo automation rules, see base_automation.py) --
    crm_process_payment_call = fields.Boolean(
        string="Call About Payment",
        help='A posted customer invoice gives its salesperson a "Call about payment" activity due 2 working '
        "days later; it is marked done when the invoice is paid, cancelled or reversed.",
    )
    crm_process_payment_thanks = fields.Boolean(
        string="Thank for the Payment",
        help="A customer invoice paid in full sends the customer a thank-you e-mail and moves its "
        "opportunity to the Paid Stage when one is set.",
    )
    crm_process_proposal_followup = fields.Boolean(
        string="Follow Up on the Proposal",
        help='A quotation sent gives its salesperson a "Follow up on the proposal" activity due 7 working '
        "days later; it disappears when the customer confirms or the quotation is cancelled.",
    )
    crm_process_feedback = fields.Boolean(
        string="Ask for Feedback",
        help="15 working days after a deal is won or a sales order is fully delivered, the salesperson gets "
        'an "Ask for feedback" activity on the client card; the rating and comment go to the card\'s '
        "feedback history.",
    )
    crm_process_stage_tasks = fields.Boolean(
        string="Stage Tasks",
        default=True,
        help="A deal entering a stage gets the tasks configured on that stage (CRM > Configuration > "
        "Stages). Costs nothing until a stage has tasks.",
    )
    crm_process_idle = fields.Boolean(
        string="Deals Without Planned Activity",
        help="An opportunity with no planned activity for the number of days below gives its salesperson a "
        '"Plan the next step" activity, and team leaders get a daily digest of their team\'s idle deals.',
    )
    crm_idle_days = fields.Integer(
        string="Idle Deal After (days)",
        default=7,
        help="An opportunity is idle when it has had no planned activity for this many days.",
    )
    crm_idle_start = fields.Datetime(
        string="Idle Deals Counted Since",
        readonly=True,
        help="When Deals Without Planned Activity was switched on: idle days are counted from then at the "
        "earliest.",
    )
    crm_paid_stage_id = fields.Many2one(
        "crm.stage",
        string="Paid Stage",
        help="Stage an opportunity moves to when its invoice is paid in full (process Thank for the "
        "Payment); empty: the opportunity stays where it is.",
    )

    # -- portfolio access -------------------------------------------------------------------------
    crm_portfolio_access = fields.Boolean(
        string="Portfolio Access",
        help="Salespeople see only the clients they are responsible for (the salesperson of the client's "
        "company) with their contacts, leads and calls, plus the clients nobody is responsible for; team "
        "leaders see their teams' clients. Sales managers, users of all documents, accounting and "
        "administrators keep full access.",
    )

    def _crm_add_working_days(self, days):
        """The date ``days`` working days after today on the company's working schedule (today in the
        schedule's timezone)."""
        self.ensure_one()
        calendar = self.resource_calendar_id
        today = fields.Date.context_today(self.with_context(tz=calendar.tz or "UTC"))
        return working_day_deadline(calendar, today, days) if calendar else today

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(
            lambda c: c.crm_process_idle and not c.crm_idle_start
        ).crm_idle_start = fields.Datetime.now()
        self.env["base.automation"]._crm_process_sync()
        return companies

    # -- lead intake and first contact ---------------------------------------------------------------
    crm_first_contact = fields.Boolean(
        string="First Contact SLA",
        default=True,
        help="Every new lead gets a first-contact deadline and a First Contact activity for its salesperson, "
        "and its first call, e-mail or message is timed. Off: new leads get neither, as in Odoo.",
    )
    crm_first_contact_sla = fields.Float(
        string="First Contact SLA (working hours)",
        default=1.0,
        help="Every new lead gets a First Contact activity for its salesperson, due this many working hours "
        "(the company's working schedule and public holidays) after the lead was created.",
    )

    crm_intake_email_to_card = fields.Boolean(
        string="E-mails of Known Clients to Their Card",
        default=True,
        help="An e-mail to a sales team's alias from a known client or lead (same normalized address) goes "
        "to the client's most recent open deal, or its card, with a to-do for the salesperson, instead of "
        "creating a new lead as Odoo does.",
    )
    # Periods of the whole suite (plans, KPIs, reports, dashboards)
    crm_tz = fields.Selection(
        _tz_get,
        string="Reporting Timezone",
        compute="_compute_crm_tz",
        store=True,
        readonly=False,
        help="Periods of the CRM suite (plan KPIs, reports, dashboards) are calendar days in this timezone; "
        "it defaults to the timezone of the company's address (UTC when it has none).",
    )

    @api.depends("partner_id.tz")
    def _compute_crm_tz(self):
        for company in self:
            if not company.crm_tz:
                company.crm_tz = company.partner_id.tz or "UTC"

    def _crm_today(self):
        """Today's date in the company's reporting timezone."""
        self.ensure_one()
        return fields.Date.context_today(self.with_context(tz=self.crm_tz or "UTC"))

    def write(self, vals):
        starting = (
            self.filtered(lambda company: not company.crm_process_idle)
            if vals.get("crm_process_idle")
            else None
        )
        result = super().write(vals)
        if starting:  # idle days are counted from the moment the process is switched on
            super(ResCompany, starting).write({"crm_idle_start": fields.Datetime.now()})
        if set(PROCESS_SWITCHES.values()).intersection(vals):
            self.env["base.automation"]._crm_process_sync()
        if "crm_portfolio_access" in vals:
            self.env.registry.clear_cache()  # record rules depend on it (ir.rule._eval_context)
        if "country_id" in vals:
            self.env.registry.clear_cache()  # lead intake sources keep their company's country
        if "crm_tz" in vals:
            # the leads' creation days are stored in their company's timezone
            self.env["crm.lead"]._refresh_create_day(self)
        if "crm_client_active_days" in vals:
            # the period moves clients between active and dormant without any invoice changing
            partners = (
                self.env["res.partner"]
                .with_context(active_test=False)
                .search(
                    [("client_status", "in", ("active", "dormant")), ("company_id", "in", [False, *self.ids])]
                )
            )
            partners._recompute_client_status()
        return result

    def _crm_first_contact_deadline(self, start):
        """``start`` (naive UTC) plus the company's First Contact SLA in working hours, naive UTC, to the
        minute (``start`` is taken at the beginning of its minute).

        Working hours are those of the company's working schedule, public holidays excluded; a company
        without a schedule counts calendar hours. The result is kept in each worker's cache for the minute:
        a new SLA or another schedule for the company applies at once, a change inside the schedule (working
        times, public holidays) within a minute."""
        self.ensure_one()
        return self._crm_first_contact_deadline_cached(start.replace(second=0, microsecond=0))

    @tools.ormcache("self.id", "self.crm_first_contact_sla", "self.resource_calendar_id.id", "start")
    def _crm_first_contact_deadline_cached(self, start):
        hours = max(self.crm_first_contact_sla, 0.0)
        calendar = self.resource_calendar_id
        if not calendar:
            return start + timedelta(hours=hours)
        planned = calendar.plan_hours(hours, pytz.utc.localize(start), compute_leaves=True)
        if not planned:  # a schedule without any working time ahead
            return start + timedelta(hours=hours)
        return planned.astimezone(pytz.utc).replace(tzinfo=None)

    def _crm_work_hours_between(self, start, end):
        """Working hours of the company's schedule between two naive UTC datetimes (calendar hours
        without a schedule), rounded to the minute."""
        self.ensure_one()
        if end <= start:
            return 0.0
        calendar = self.resource_calendar_id
        if not calendar:
            return round((end - start).total_seconds() / 3600, 2)
        hours = calendar.get_work_hours_count(
            pytz.utc.localize(start), pytz.utc.localize(end), compute_leaves=True
        )
        return round(hours, 2)
