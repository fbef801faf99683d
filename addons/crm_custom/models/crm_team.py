# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ast import literal_eval

from odoo import api, models


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
        fewest leads received in the last 24 hours first (the round robin of crm.team), then the lowest
        member id; no one when none qualifies."""
        if not self:
            return self.env["res.users"]
        self.ensure_one()
        candidates = []
        for member in self.crm_team_member_ids.filtered(lambda m: not m.assignment_optout and m.active):
            if lead.company_id and lead.company_id not in member.user_id.company_ids:
                continue
            domain = literal_eval(member.assignment_domain or "[]")
            if domain and not lead.filtered_domain(domain):
                continue
            candidates.append((member.lead_day_count, member.id, member.user_id))
        if not candidates:
            return self.env["res.users"]
        return min(candidates, key=lambda c: (c[0], c[1]))[2]

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
