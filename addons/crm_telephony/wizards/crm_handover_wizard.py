# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CrmHandoverWizard(models.TransientModel):
    """The hand-over also moves the leaving salesperson's open calls and call backs, and frees their PBX
    extension: calls to it then go to the card's (new) salesperson instead of an archived user."""

    _inherit = "crm.handover.wizard"

    def _plan_other_records(self, plan):
        result = super()._plan_other_records(plan)
        calls = (
            self.env["crm.phonecall"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.user_id.id),
                    ("state", "in", ("open", "pending")),
                    *self._handover_domain_company(),
                ],
                order="id",
            )
        )
        for call in calls:
            user = (
                plan.record_target.get(("crm.lead", call.opportunity_id.id)) if call.opportunity_id else None
            )
            plan.add("call", call, user or plan.target_of("call", call, call.partner_id))
        return result

    def _handover_activity_kind(self, activity):
        if activity.activity_type_id == self.env.ref("crm_telephony.mail_activity_type_call_back"):
            return "callback"
        return super()._handover_activity_kind(activity)

    def _plan_teams(self, plan):
        result = super()._plan_teams(plan)
        if self.user_id.pbx_extension:
            plan.add(
                "extension", self.user_id, self.env["res.users"], {"extension": self.user_id.pbx_extension}
            )
        return result

    def _handover_apply(self, kind, moves):
        if kind == "extension":
            self.env["res.users"].sudo().browse([move["record"].id for move in moves]).pbx_extension = False
            return moves
        if kind in ("call", "callback"):
            model = "crm.phonecall" if kind == "call" else "mail.activity"
            records = self.env[model].sudo().with_context(mail_activity_quick_update=True)
            by_user = {}
            for move in moves:
                by_user.setdefault(move["user"], []).append(move["record"].id)
            for user, ids in by_user.items():
                records.browse(ids).write({"user_id": user.id})
            return moves
        return super()._handover_apply(kind, moves)
