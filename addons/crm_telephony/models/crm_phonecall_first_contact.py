# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _lt, api, models


class CrmPhonecall(models.Model):
    """Calls as the first contact of a lead (crm_custom's first contact SLA): an answered PBX call, or a
    call logged as held by hand, on a lead that has not been contacted yet."""

    _inherit = "crm.phonecall"

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        calls.filtered(lambda call: not call.pbx_id and call.state == "done")._first_contact_calls()
        return calls

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "done":
            self.filtered(lambda call: not call.pbx_id)._first_contact_calls()
        return result

    def _pbx_process_pending_batch(self):
        ended = self.filtered("pbx_end_pending")
        result = super()._pbx_process_pending_batch()
        ended.filtered(lambda call: call.outcome == "answered")._first_contact_calls()
        return result

    def _first_contact_calls(self):
        """Each lead's earliest call of these is its first contact (when it had none)."""
        first = {}
        for call in self.filtered("opportunity_id"):
            moment = call.answer_time or call.date
            lead = call.opportunity_id
            if moment and (lead not in first or moment < first[lead]):
                first[lead] = moment
        for lead, moment in first.items():
            lead._first_contact_register(moment, feedback=_lt("First contact made: call."))
