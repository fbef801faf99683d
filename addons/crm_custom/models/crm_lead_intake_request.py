# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models, tools


class CrmLeadIntakeRequest(models.Model):
    """One accepted request of a lead intake source: the log behind idempotency (request ids) and the rate
    limit. Written by the request path only (no user has write access)."""

    _name = "crm.lead.intake.request"
    _description = "Lead Intake Request"
    _order = "id desc"
    _log_access = True

    source_id = fields.Many2one(
        "crm.lead.intake.source", required=True, readonly=True, ondelete="cascade", index=False
    )
    company_id = fields.Many2one(related="source_id.company_id")
    request_id = fields.Char(string="Request ID", readonly=True, help="The client's id of the request.")
    body_hash = fields.Char(readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True, ondelete="set null")
    reply = fields.Char(readonly=True, help="The JSON reply given; repeated for the same request id.")

    _sql_constraints = [
        (
            "request_id_unique",
            "UNIQUE(source_id, request_id)",
            "A request id is processed once per source.",
        ),
    ]

    def init(self):
        # the rate limit counts a source's requests of the last minute
        tools.create_index(
            self.env.cr,
            "crm_lead_intake_request_source_date_idx",
            self._table,
            ["source_id", "create_date"],
        )

    @api.model
    def _cron_purge(self, days=30):
        """Forget requests older than ``days``: a request id is remembered that long."""
        self.env.cr.execute(
            "DELETE FROM crm_lead_intake_request WHERE create_date < %s",
            (fields.Datetime.now() - timedelta(days=days),),
        )
