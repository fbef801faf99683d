# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random
from datetime import timedelta

from odoo import api, fields, models


class CrmPhonecallDemo(models.AbstractModel):
    """Demo calls; inherited by ``crm.phonecall``."""

    _name = "crm.phonecall.demo"
    _description = "Demo Calls"

    @api.model
    def _demo_generate_calls(self, pbx_id, count=300):
        """Demo calls over the last 60 days with a realistic mix of outcomes (seeded, reproducible)."""
        rng = random.Random(42)
        pbx = self.env["crm.pbx"].browse(pbx_id)
        partners = self.env["res.partner"].search(
            [("phone", "!=", False), ("is_company", "=", False)], limit=40
        )
        users = self.env["res.users"].search(
            [("pbx_extension", "!=", False), ("company_id", "=", pbx.company_id.id)]
        )
        if not (partners and users):
            return
        outcomes = ["answered"] * 6 + ["missed"] * 2 + ["no_answer", "busy", "voicemail", "failed"]
        now = fields.Datetime.now().replace(microsecond=0)
        vals_list = []
        for index in range(count):
            partner = rng.choice(partners)
            user = rng.choice(users)
            inbound = rng.random() < 0.6
            outcome = rng.choice(outcomes)
            start = now - timedelta(days=rng.randint(0, 59), minutes=rng.randint(0, 600))
            ring = rng.randint(2, 30)
            talk = rng.randint(20, 900) if outcome == "answered" else 0
            number = partner._phone_format(fname="phone") or partner.phone
            env = self.with_context(lang=user._crm_lang()).env  # named in its user's language
            vals_list.append(
                {
                    "name": (
                        env._("Inbound call from %(number)s", number=number)
                        if inbound
                        else env._("Outbound call to %(number)s", number=number)
                    ),
                    "pbx_id": pbx.id,
                    "external_call_id": f"demo-{index:04d}",
                    "company_id": pbx.company_id.id,
                    "direction": "in" if inbound else "out",
                    "outcome": outcome,
                    "state": "done",
                    "partner_id": partner.id,
                    "partner_phone": number,
                    "remote_e164": number,
                    "user_id": user.id,
                    "pbx_extension": user.pbx_extension,
                    "team_id": pbx.default_team_id.id,
                    "date": start,
                    "ring_start": start,
                    "answer_time": start + timedelta(seconds=ring) if talk else False,
                    "end_time": start + timedelta(seconds=ring + talk),
                    "ring_seconds": ring,
                    "talk_seconds": talk,
                    "duration": talk / 60.0,
                    "card_logged": True,
                }
            )
        self.create(vals_list)
