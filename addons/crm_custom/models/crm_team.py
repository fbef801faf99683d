# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ast import literal_eval
from datetime import timedelta

from odoo import api, fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "member_ids" in vals:
            self._crm_portfolio_changed()
        return result

    @api.model
    def _crm_portfolio_changed(self):
        """Team leaders and members decide who sees which clients under portfolio access, and the record
        rules are cached: drop the cache when a company uses portfolio access."""
        if self.env["res.company"].sudo().search_count([("crm_portfolio_access", "=", True)], limit=1):
            self.env.registry.clear_cache()

    def _crm_assignment_member(self, lead):
        """Member of this team for a new lead (a ``crm.lead.new()`` record), by the team's assignment rules:
        members not opted out, allowed in the lead's company, whose assignment domain accepts the lead,
        fewest leads received in the last 24 hours first (the round robin of crm.team: its
        ``lead_day_count``), then the lowest member id; no one when none qualifies.

        One query reads the active members with their count and company access (a request path calls it
        for each new lead: no member, user and company records are loaded)."""
        if not self:
            return self.env["res.users"]
        self.ensure_one()
        self.env["crm.team.member"].flush_model(
            ["crm_team_id", "user_id", "active", "assignment_optout", "assignment_domain"]
        )
        self.env["crm.lead"].flush_model(["date_open", "team_id", "user_id"])
        self.env["res.users"].flush_model(["company_ids"])
        company_id = lead.company_id.id or None
        self.env.cr.execute(
            """
            SELECT m.id, m.user_id, m.assignment_domain,
                   (SELECT count(*) FROM crm_lead l
                     WHERE l.team_id = m.crm_team_id AND l.user_id = m.user_id AND l.date_open >= %(since)s)
              FROM crm_team_member m
             WHERE m.crm_team_id = %(team)s
               AND m.active
               AND NOT COALESCE(m.assignment_optout, FALSE)
               AND (%(company)s::int IS NULL OR EXISTS (SELECT 1 FROM res_company_users_rel r
                                                         WHERE r.user_id = m.user_id AND r.cid = %(company)s))
            """,
            {"team": self.id, "company": company_id, "since": fields.Datetime.now() - timedelta(hours=24)},
        )
        candidates = []
        for member_id, user_id, domain, day_count in self.env.cr.fetchall():
            domain = literal_eval(domain or "[]")
            if domain and not lead.filtered_domain(domain):
                continue
            candidates.append((day_count, member_id, user_id))
        if not candidates:
            return self.env["res.users"]
        return self.env["res.users"].browse(min(candidates)[2])

    def _crm_intake_assignee(self, lead):
        """Salesperson of this team for a new lead from the lead intake: the member chosen by the team's
        assignment rules (``_crm_assignment_member``), else the team leader (when allowed in the lead's
        company)."""
        if not self:
            return self.env["res.users"]
        member = self._crm_assignment_member(lead)
        if member:
            return member
        leader = self.user_id
        if leader and lead.company_id and lead.company_id not in leader.company_ids:
            return self.env["res.users"]
        return leader

    def _assign_and_convert_leads(self, force_quota=False):
        """Rule-based assignment writes the salesperson lead by lead: the First Contact activities of the
        assigned leads are scheduled once, for all of them, at the end."""
        with self.env["crm.lead"]._first_contact_deferred():
            return super()._assign_and_convert_leads(force_quota=force_quota)
