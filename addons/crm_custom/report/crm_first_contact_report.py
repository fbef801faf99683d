# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

HOURS_HELP = (
    "Median working hours (the company's working schedule) from a lead's creation to its first contact "
    "(first logged call, e-mail or message of a salesperson), over the leads created in the period that "
    "have been contacted, by the lead's salesperson."
)


class CrmFirstContactReport(models.Model):
    """First contact per lead, for the SLA figure per salesperson: one row per lead created since the SLA
    applies (a first-contact deadline), archived and lost ones included."""

    _name = "crm.first.contact.report"
    _description = "First Contact SLA"
    _auto = False
    _order = "first_contact_deadline desc"
    _rec_name = "lead_id"
    # flushed before the view is read
    _depends = {
        "crm.lead": [
            "company_id",
            "team_id",
            "user_id",
            "source_id",
            "create_date",
            "first_contact_deadline",
            "first_contact_date",
            "first_contact_hours",
        ],
        "res.company": ["partner_id", "resource_calendar_id"],
        "res.partner": ["tz"],
        "resource.calendar": ["tz"],
    }

    lead_id = fields.Many2one("crm.lead", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    date = fields.Date(
        string="Created On", readonly=True, help="Day of the lead's creation in the company's timezone."
    )
    first_contact_deadline = fields.Datetime(readonly=True)
    first_contact_date = fields.Datetime(string="First Contact", readonly=True)
    first_contact_hours = fields.Float(
        string="Median Hours to First Contact", readonly=True, aggregator="median", help=HOURS_HELP
    )
    lead_count = fields.Integer(string="Leads", readonly=True)
    contacted_count = fields.Integer(string="Contacted", readonly=True)
    within_sla_count = fields.Integer(
        string="Contacted within SLA", readonly=True, help="Leads first contacted by their deadline."
    )
    overdue_count = fields.Integer(
        string="Waiting, Overdue", readonly=True, help="Leads not contacted yet whose deadline has passed."
    )

    def _read_group_select(self, aggregate_spec, query):
        # the SLA figure is a median, which Odoo's aggregates (sum, avg, …) do not offer
        if aggregate_spec == "first_contact_hours:median":
            sql_field = self._field_to_sql(self._table, "first_contact_hours", query)
            return SQL("percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)", sql_field)
        return super()._read_group_select(aggregate_spec, query)

    def _select(self):
        return """
            SELECT l.id,
                   l.id AS lead_id,
                   l.company_id,
                   l.team_id,
                   l.user_id,
                   l.source_id,
                   (l.create_date AT TIME ZONE 'UTC'
                        AT TIME ZONE COALESCE(NULLIF(cp.tz, ''), rc.tz, 'UTC'))::date AS date,
                   l.first_contact_deadline,
                   l.first_contact_date,
                   CASE WHEN l.first_contact_date IS NOT NULL THEN l.first_contact_hours END
                        AS first_contact_hours,
                   1 AS lead_count,
                   (l.first_contact_date IS NOT NULL)::int AS contacted_count,
                   (l.first_contact_date IS NOT NULL
                        AND l.first_contact_date <= l.first_contact_deadline)::int AS within_sla_count,
                   (l.first_contact_date IS NULL
                        AND l.first_contact_deadline < (now() AT TIME ZONE 'UTC'))::int AS overdue_count
        """

    def _from(self):
        return """
              FROM crm_lead l
              LEFT JOIN res_company c ON c.id = l.company_id
              LEFT JOIN res_partner cp ON cp.id = c.partner_id
              LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
        """

    def _where(self):
        return "WHERE l.first_contact_deadline IS NOT NULL"

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"CREATE OR REPLACE VIEW {self._table} AS ({self._select()} {self._from()} {self._where()})"  # noqa: S608
        )
