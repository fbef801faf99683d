# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round


class HandoverPlan:
    """What a hand-over moves: one entry per record (kind, record, colleague, the values of its note, which
    the audit line renders in its reader's language), and the colleague
    chosen so far for each client and record, so that a client's contacts, deals, quotations and
    activities stay together."""

    def __init__(self, targets):
        self.targets = targets  # res.users, in the order ties are broken
        self.moves = []
        self.client_target = {}  # commercial partner id -> res.users
        self.record_target = {}  # (model, id) -> res.users
        self.load = defaultdict(Counter)  # kind -> user id -> records given

    def pick(self, kind):
        """The colleague with the fewest records of ``kind`` so far (ties: the order of the targets)."""
        user = min(self.targets, key=lambda u: (self.load[kind][u.id], self.targets.ids.index(u.id)))
        return user

    def add(self, kind, record, user, note=None):
        self.moves.append({"kind": kind, "record": record, "user": user, "note": note or {}})
        if user:
            self.load[kind][user.id] += 1
            self.record_target[(record._name, record.id)] = user

    def target_of(self, kind, record, partner=None):
        """The colleague a record goes to: its client's when the client moves too, else the next one."""
        client = partner.commercial_partner_id if partner else None
        if client and client.id in self.client_target:
            return self.client_target[client.id]
        return self.pick(kind)

    def counts(self):
        return Counter((move["kind"], move["user"].id) for move in self.moves)


class CrmHandoverWizard(models.TransientModel):
    """Dismissal hand-over: everything open of a leaving salesperson moves to one colleague or is spread
    evenly across a team; history (won and lost deals, invoices, closed plans) stays as it was."""

    _name = "crm.handover.wizard"
    _description = "Salesperson Hand-over"

    user_id = fields.Many2one(
        "res.users",
        string="Leaving Salesperson",
        required=True,
        domain="[('share', '=', False)]",
    )
    mode = fields.Selection(
        [("user", "To one colleague"), ("team", "Spread across a team")],
        required=True,
        default="user",
    )
    target_user_id = fields.Many2one("res.users", string="Colleague", domain="[('share', '=', False)]")
    target_team_id = fields.Many2one(
        "crm.team",
        string="Team",
        help="Its members (except the leaving salesperson) share the records evenly.",
    )
    leader_user_id = fields.Many2one(
        "res.users",
        string="New Team Leader",
        domain="[('share', '=', False)]",
        help="Leads the teams the leaving salesperson leads; the colleague when empty (one colleague only).",
    )
    leads_teams = fields.Boolean(compute="_compute_leads_teams")
    archive_user = fields.Boolean(
        string="Archive the User",
        help="Archive the leaving salesperson's user once everything has moved.",
    )
    state = fields.Selection([("draft", "Draft"), ("preview", "Preview")], default="draft", required=True)
    preview_ids = fields.One2many("crm.handover.wizard.line", "wizard_id", readonly=True)
    preview_total = fields.Integer(string="Records to Move", readonly=True)

    @api.depends("user_id")
    def _compute_leads_teams(self):
        for wizard in self:
            wizard.leads_teams = bool(
                wizard.user_id
                and self.env["crm.team"].sudo().search_count([("user_id", "=", wizard.user_id.id)], limit=1)
            )

    @api.onchange("user_id", "mode", "target_user_id", "target_team_id", "leader_user_id")
    def _onchange_reset_preview(self):
        self.state = "draft"
        self.preview_ids = [Command.clear()]
        self.preview_total = 0

    # ---------------------------------------------------------------------------------- actions

    def action_preview(self):
        """Dry run: what would move to whom, counted per kind and colleague; nothing is written."""
        self.ensure_one()
        plan = self._handover_plan()
        selection = self.env["crm.handover.line"]._fields["kind"]._description_selection(self.env)
        labels = dict(selection)
        order = [kind for kind, _label in selection]
        rows = sorted(plan.counts().items(), key=lambda item: (order.index(item[0][0]), item[0][1] or 0))
        self.write(
            {
                "state": "preview",
                "preview_total": len(plan.moves),
                "preview_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "kind": kind,
                            "kind_label": labels.get(kind, kind),
                            "to_user_id": user_id,
                            "count": count,
                        }
                    )
                    for (kind, user_id), count in rows
                ],
            }
        )
        return self._reopen()

    def action_handover(self):
        """Move everything as previewed, record it in an audit record and archive the user if asked."""
        self.ensure_one()
        plan = self._handover_plan()
        handover = (
            self.env["crm.handover"]
            .sudo()
            .create(
                {
                    "user_id": self.user_id.id,
                    "manager_id": self.env.uid,
                    "mode": self.mode,
                    "target_user_id": self.target_user_id.id if self.mode == "user" else False,
                    "target_team_id": self.target_team_id.id if self.mode == "team" else False,
                }
            )
        )
        lines = []
        by_kind = defaultdict(list)
        for move in plan.moves:
            by_kind[move["kind"]].append(move)
        for kind, moves in by_kind.items():
            for move in self._handover_apply(kind, moves):
                lines.append(
                    {
                        "handover_id": handover.id,
                        "kind": kind,
                        "res_model": move["record"]._name,
                        "res_id": move["record"].id,
                        "res_name": move["record"].sudo().display_name,
                        "to_user_id": move["user"].id or False,
                        "note_values": move["note"] or False,
                    }
                )
        self.env["crm.handover.line"].sudo().create(lines)
        if self.archive_user:
            self.user_id.sudo().action_archive()
            handover.user_archived = True
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.handover",
            "res_id": handover.id,
            "views": [(False, "form")],
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
        }

    # ------------------------------------------------------------------------------------- plan

    def _handover_check(self):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(_("Only sales managers can hand over a salesperson's records."))
        if self.mode == "user":
            if not self.target_user_id:
                raise UserError(_("Choose the colleague who takes over."))
            if self.target_user_id == self.user_id:
                raise UserError(_("The colleague must be someone else than the leaving salesperson."))
            if not self.target_user_id.active:
                raise UserError(_("The colleague %(user)s is archived.", user=self.target_user_id.name))
            return self.target_user_id
        if not self.target_team_id:
            raise UserError(_("Choose the team that takes over."))
        targets = self.target_team_id.member_ids.filtered(lambda u: u.active and u != self.user_id).sorted(
            "id"
        )
        if not targets:
            raise UserError(
                _("The team %(team)s has no other active member to take over.", team=self.target_team_id.name)
            )
        return targets

    def _handover_domain_company(self):
        """Records of the companies the manager works in (or shared by all companies)."""
        return ["|", ("company_id", "=", False), ("company_id", "in", self.env.companies.ids)]

    def _handover_plan(self):
        """Every record to move, in dependency order: clients first, so that their contacts, deals,
        quotations and activities follow them."""
        self.ensure_one()
        targets = self._handover_check()
        plan = HandoverPlan(targets)
        self._plan_clients(plan)
        self._plan_leads(plan)
        self._plan_quotations(plan)
        self._plan_other_records(plan)
        self._plan_activities(plan)
        self._plan_plan_lines(plan)
        self._plan_teams(plan)
        return plan

    def _plan_clients(self, plan):
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "=", self.user_id.id), *self._handover_domain_company()], order="id")
        )
        for client, members in partners.grouped("commercial_partner_id").items():
            user = plan.pick("client")
            plan.client_target[client.id] = user
            for partner in members.sorted(lambda p, client=client: (p != client, p.id)):
                plan.add("client" if partner == client else "contact", partner, user)

    def _plan_leads(self, plan):
        leads = (
            self.env["crm.lead"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.user_id.id),
                    ("active", "=", True),
                    "|",
                    ("stage_id", "=", False),
                    ("stage_id.is_won", "=", False),
                    *self._handover_domain_company(),
                ],
                order="id",
            )
        )
        for lead in leads:
            plan.add("lead", lead, plan.target_of("lead", lead, lead.partner_id))

    def _plan_quotations(self, plan):
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.user_id.id),
                    ("state", "in", ("draft", "sent")),
                    *self._handover_domain_company(),
                ],
                order="id",
            )
        )
        for order in orders:
            user = (
                plan.record_target.get(("crm.lead", order.opportunity_id.id))
                if order.opportunity_id
                else None
            )
            plan.add("quotation", order, user or plan.target_of("quotation", order, order.partner_id))

    def _plan_other_records(self, plan):
        """Hook: other open records of the leaving salesperson (before their activities are planned)."""

    def _plan_activities(self, plan):
        activities = self.env["mail.activity"].sudo().search([("user_id", "=", self.user_id.id)], order="id")
        for activity in activities:
            user = plan.record_target.get((activity.res_model, activity.res_id))
            if not user and activity.res_model == "res.partner":
                partner = self.env["res.partner"].sudo().browse(activity.res_id).exists()
                user = plan.client_target.get(partner.commercial_partner_id.id)
            kind = self._handover_activity_kind(activity)
            plan.add(kind, activity, user or plan.pick(kind))

    def _handover_activity_kind(self, activity):
        return "activity"

    def _plan_plan_lines(self, plan):
        """Lines of plans that have not started yet (and are not closed): the leaving salesperson's target
        goes to the colleague, or is split evenly across the team, added to their line of the same KPI."""
        today = fields.Date.context_today(self)
        lines = (
            self.env["crm.sales.plan.line"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.user_id.id),
                    ("plan_id.state", "!=", "closed"),
                    ("date_from", ">", today),
                    ("company_id", "in", self.env.companies.ids),
                ],
                order="id",
            )
        )
        for line in lines:
            shares = self._split_target(line.target, len(plan.targets))
            for user, share in zip(plan.targets, shares, strict=True):
                plan.add(
                    "plan_line",
                    line,
                    user,
                    {
                        "kpi_id": line.kpi_id.id,
                        "plan_id": line.plan_id.id,
                        "share": share,
                        "target": line.target,
                    },
                )
                plan.moves[-1]["share"] = share

    @staticmethod
    def _split_target(target, parts):
        share = float_round(target / parts, precision_digits=2)
        shares = [share] * parts
        shares[0] = float_round(target - share * (parts - 1), precision_digits=2)
        return shares

    def _plan_teams(self, plan):
        teams = (
            self.env["crm.team"]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "=", self.user_id.id)], order="id")
        )
        if teams:
            leader = self.leader_user_id or (self.target_user_id if self.mode == "user" else False)
            if not leader:
                raise UserError(
                    _(
                        "%(user)s leads %(teams)s: choose the new team leader.",
                        user=self.user_id.name,
                        teams=", ".join(teams.mapped("name")),
                    )
                )
            if leader == self.user_id:
                raise UserError(_("The new team leader must be someone else than the leaving salesperson."))
            for team in teams:
                plan.add("team_leader", team, leader)
        memberships = (
            self.env["crm.team.member"].sudo().search([("user_id", "=", self.user_id.id)], order="id")
        )
        for member in memberships:
            plan.add("team_member", member, self.env["res.users"], {"team_id": member.crm_team_id.id})

    # ------------------------------------------------------------------------------------ apply

    def _handover_apply(self, kind, moves):
        """Write the moves of ``kind``; returns the moves written (for the audit record)."""
        if kind == "plan_line":
            return self._apply_plan_lines(moves)
        if kind == "team_member":
            self.env["crm.team.member"].sudo().browse([m["record"].id for m in moves]).action_archive()
            return moves
        field = {
            "client": "user_id",
            "contact": "user_id",
            "lead": "user_id",
            "quotation": "user_id",
            "activity": "user_id",
            "team_leader": "user_id",
        }.get(kind)
        if not field:
            return moves
        by_user = defaultdict(list)
        for move in moves:
            by_user[move["user"]].append(move["record"].id)
        for user, ids in by_user.items():
            # no "you have been assigned" e-mail per record: the colleague gets a whole portfolio at once
            records = (
                self.env[moves[0]["record"]._name]
                .sudo()
                .with_context(
                    active_test=False, mail_auto_subscribe_no_notify=True, mail_activity_quick_update=True
                )
            )
            records.browse(ids).write({field: user.id})
        return moves

    def _apply_plan_lines(self, moves):
        Line = self.env["crm.sales.plan.line"].sudo()
        done = []
        for move in moves:
            line, user, share = move["record"], move["user"], move["share"]
            twin = line.plan_id.line_ids.filtered(
                lambda o, line=line, user=user: o.user_id == user and o.kpi_id == line.kpi_id
            )
            if twin:
                twin.target += share
                target_line = twin
            else:
                target_line = Line.create(
                    {
                        "plan_id": line.plan_id.id,
                        "user_id": user.id,
                        "kpi_id": line.kpi_id.id,
                        "target": share,
                    }
                )
            done.append(dict(move, record=target_line))
        Line.browse(sorted({move["record"].id for move in moves})).unlink()
        return done


class CrmHandoverWizardLine(models.TransientModel):
    _name = "crm.handover.wizard.line"
    _description = "Salesperson Hand-over Preview"
    _order = "id"

    wizard_id = fields.Many2one("crm.handover.wizard", required=True, ondelete="cascade")
    kind = fields.Char(required=True)
    kind_label = fields.Char(string="What")
    to_user_id = fields.Many2one("res.users", string="Moves To")
    count = fields.Integer()
