# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

HANDOVER_KINDS = [
    ("client", "Client"),
    ("contact", "Contact"),
    ("lead", "Lead / Opportunity"),
    ("quotation", "Quotation"),
    ("activity", "Activity"),
    ("plan_line", "Plan Line"),
    ("team_leader", "Team Leadership"),
    ("team_member", "Team Membership"),
]


class CrmHandover(models.Model):
    """Audit record of a leaving salesperson's hand-over: what moved to whom, who did it, when."""

    _name = "crm.handover"
    _description = "Salesperson Hand-over"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one("res.users", string="Leaving Salesperson", required=True, readonly=True)
    manager_id = fields.Many2one(
        "res.users", string="Handed Over By", required=True, readonly=True, default=lambda self: self.env.user
    )
    mode = fields.Selection(
        [("user", "To one colleague"), ("team", "Spread across a team")], required=True, readonly=True
    )
    target_user_id = fields.Many2one("res.users", string="Colleague", readonly=True)
    target_team_id = fields.Many2one("crm.team", string="Team", readonly=True)
    user_archived = fields.Boolean(readonly=True)
    line_ids = fields.One2many("crm.handover.line", "handover_id", string="Moves", readonly=True)
    line_count = fields.Integer(string="Records Moved", compute="_compute_counts")
    summary = fields.Text(compute="_compute_counts", help="Number of records moved per kind.")

    @api.depends("user_id.name", "date")
    def _compute_name(self):
        for handover in self:
            day = fields.Date.to_string(handover.date.date()) if handover.date else ""
            handover.name = f"{handover.user_id.name or ''} {day}".strip()

    @api.depends("line_ids.kind")
    def _compute_counts(self):
        labels = dict(self.env["crm.handover.line"]._fields["kind"]._description_selection(self.env))
        for handover in self:
            counts = {}
            for line in handover.line_ids:
                counts[line.kind] = counts.get(line.kind, 0) + 1
            handover.line_count = len(handover.line_ids)
            handover.summary = "\n".join(
                f"{labels.get(kind, kind)}: {count}" for kind, count in counts.items()
            )


class CrmHandoverLine(models.Model):
    _name = "crm.handover.line"
    _description = "Salesperson Hand-over Move"
    _order = "handover_id, kind, id"

    handover_id = fields.Many2one("crm.handover", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(HANDOVER_KINDS, required=True)
    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True)
    res_name = fields.Char(string="Record")
    to_user_id = fields.Many2one("res.users", string="Moved To")
    # the note is rendered when read, in the reader's language, from what the move kept of its records
    note_values = fields.Json(readonly=True)
    note_text = fields.Char(
        readonly=True,
        help="The note as written by hand-overs made before notes were rendered in the reader's language.",
    )
    note = fields.Char(compute="_compute_note")

    @api.depends("kind", "note_values", "note_text")
    @api.depends_context("lang")
    def _compute_note(self):
        for line in self:
            line.note = (line.note_values and line._note_render(line.note_values)) or line.note_text or False

    def _note_render(self, values):
        """The note of a move of this line's kind, from ``note_values`` (see the wizard's plan)."""
        self.ensure_one()
        env = self.env
        if self.kind == "plan_line":
            kpi = env["crm.kpi"].sudo().browse(values.get("kpi_id")).exists()
            plan = env["crm.sales.plan"].sudo().browse(values.get("plan_id")).exists()
            return env._(
                "%(kpi)s of %(plan)s: %(share)s of %(target)s",
                kpi=kpi.name or "",
                plan=plan.name or "",
                share=values.get("share"),
                target=values.get("target"),
            )
        if self.kind == "team_member":
            team = env["crm.team"].sudo().browse(values.get("team_id")).exists()
            return env._("Removed from %(team)s", team=team.name or "")
        return ""

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }
