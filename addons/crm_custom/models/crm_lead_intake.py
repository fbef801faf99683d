# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import hashlib

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from odoo.addons.phone_validation.tools import phone_validation

from ..lang import in_lang

# An open lead: active (lost leads are archived) and not in a won stage.
_OPEN_LEAD_WHERE = """
    l.active AND NOT COALESCE((SELECT s.is_won FROM crm_stage s WHERE s.id = l.stage_id), FALSE)
"""


@functools.lru_cache(maxsize=8192)
def to_e164(number, country_code):
    """E.164 form of ``number`` read with ``country_code`` (ISO alpha-2 or None), as phone_validation formats
    the cards' numbers; False when it is not a valid number. Pure function of its arguments: each worker
    keeps the most recent results."""
    if not number:
        return False
    try:
        return phone_validation.phone_format(number, country_code, None, force_format="E164")
    except UserError:
        return False


class IntakeError(Exception):
    """A request a channel refuses: ``status`` is the HTTP status, ``headers`` extra reply headers."""

    def __init__(self, message, status=400, headers=None):
        super().__init__(message)
        self.status = status
        self.headers = headers or []


class CrmLeadIntake(models.AbstractModel):
    """What every lead channel (e-mail, web form / API, messengers) shares: the card a request belongs to,
    by the duplicate guard's keys and scope, and what happens to it — a new lead with its salesperson,
    or the request posted on the known client's card with an activity for its salesperson."""

    _name = "crm.lead.intake"
    _description = "Lead Intake"

    # -- transaction (READ COMMITTED: see crm_custom/transaction.py) --------------------------------
    @api.model
    def _intake_lock(self, company, keys):
        """Serialise the requests of one client: a transaction lock per (company, key), in a fixed order."""
        locks = sorted(
            int.from_bytes(
                hashlib.blake2b(f"crm.lead.intake:{company.id}:{key}".encode(), digest_size=8).digest(),
                "big",
                signed=True,
            )
            for key in keys
            if key
        )
        for lock in locks:
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", (lock,))

    # -- keys --------------------------------------------------------------------------------------
    @api.model
    def _intake_email(self, email):
        """Normalized e-mail of one address, else False."""
        if not email:
            return False
        return email_normalize(email, strict=True) or False

    @api.model
    def _intake_phone(self, company, phone, country_code=None):
        """E.164 form of ``phone`` read with the company's country (as the duplicate guard stores it),
        else False (``country_code``: the company's, when the caller has it already)."""
        if not phone:
            return False
        return to_e164(phone, country_code or company.country_id.code or None)

    # -- the card of a request --------------------------------------------------------------------
    @api.model
    def _intake_find_card(self, company, email=False, phone=False):
        """The card a request from ``email`` (normalized) or ``phone`` (E.164) belongs to, or None.

        The duplicate guard's rule finds the candidates (same normalized e-mail, same E.164 phone or
        mobile; active cards of ``company`` or shared by all companies). Then:

        0. the partners of internal users (an employee forwarding a client's e-mail) are not clients;
        1. a partner: customers first, then the most recently updated, then the highest id. The card is
           the most recently updated open lead or opportunity of that client (the partner's commercial
           entity and its contacts), opportunities first; else the partner itself;
        2. else a lead or opportunity (active: lost ones are archived): open ones first, then the most
           recently updated, then the highest id.
        """
        keys = {"email": {email} if email else set(), "phone": {phone} if phone else set()}
        partners = self.env["res.partner"]
        self.env.flush_all()
        built = partners._duplicate_query_keys(keys, {company.id})
        if not built:
            return None
        query, params, _branches = built
        self.env.cr.execute(
            f"""
            SELECT p.id, p.commercial_partner_id
              FROM res_partner p
             WHERE p.id IN (SELECT c.id FROM ({query}) c)
               AND p.partner_share IS NOT FALSE
             ORDER BY (COALESCE(p.customer_rank, 0) > 0) DESC, p.write_date DESC NULLS LAST, p.id DESC
             LIMIT 1
            """,  # noqa: S608 - the duplicate guard's constant SQL
            params,
        )
        row = self.env.cr.fetchone()
        if row:
            partner_id, client_id = row
            self.env.cr.execute(
                f"""
                SELECT l.id FROM crm_lead l
                 WHERE l.partner_id IN (SELECT c.id FROM res_partner c WHERE c.commercial_partner_id = %s)
                   AND (l.company_id IS NULL OR l.company_id = %s)
                   AND {_OPEN_LEAD_WHERE}
                 ORDER BY (l.type = 'opportunity') DESC, l.write_date DESC NULLS LAST, l.id DESC
                 LIMIT 1
                """,  # noqa: S608 - constant SQL fragment
                (client_id, company.id),
            )
            lead = self.env.cr.fetchone()
            if lead:
                return self.env["crm.lead"].browse(lead[0])
            return partners.browse(partner_id)
        query, params, _branches = self.env["crm.lead"]._duplicate_query_keys(keys, {company.id})
        self.env.cr.execute(
            f"""
            SELECT l.id FROM crm_lead l
             WHERE l.id IN (SELECT c.id FROM ({query}) c)
             ORDER BY ({_OPEN_LEAD_WHERE}) DESC, l.write_date DESC NULLS LAST, l.id DESC
             LIMIT 1
            """,  # noqa: S608 - the duplicate guard's constant SQL
            params,
        )
        lead = self.env.cr.fetchone()
        return self.env["crm.lead"].browse(lead[0]) if lead else None

    # -- what happens to a request --------------------------------------------------------------------
    @api.model
    def _intake_ref(self, xmlid):
        """The record of ``xmlid`` through the registry's cache of external ids (``env.ref`` queries the
        record's existence on each call: a query per call), or None when it is missing."""
        model, res_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(xmlid, raise_if_not_found=False)
        return self.env[model].browse(res_id) if model else None

    @api.model
    def _intake_lead_type(self, team):
        """Lead or opportunity, as Odoo's team alias decides: a lead when the company uses leads (internal
        users have "Show Lead Menu", read from the registry's cache of group definitions) and the team
        takes them."""
        groups = self.env["res.groups"]._get_group_definitions()
        internal = groups.parse("base.group_user", raise_if_not_found=False)
        uses_leads = not internal.is_empty() and internal <= groups.parse(
            "crm.group_use_lead", raise_if_not_found=False
        )
        return "lead" if uses_leads and (not team or team.use_leads) else "opportunity"

    @api.model
    def _intake_create_lead(self, company, team, vals, note=None):
        """A new lead of ``company`` for ``team``, its salesperson chosen by the team's assignment rules,
        with ``note`` logged in its chatter. Its name and note (see ``_intake_render_note``) may be lazy
        translations: they are written in the language of the salesperson (else the team leader)."""
        leads = (
            self.env["crm.lead"]
            .with_company(company)
            .with_context(
                mail_create_nosubscribe=True,
                mail_create_nolog=True,
                # the salesperson is told by the First Contact activity, not by an assignment e-mail
                mail_auto_subscribe_no_notify=True,
                default_user_id=False,
            )
        )
        name = vals.get("name")
        vals = dict(
            vals,
            name=in_lang(self.env, name),
            type=vals.get("type") or self._intake_lead_type(team),
            team_id=team.id,
            company_id=company.id,
            user_id=False,
        )
        user = team._crm_intake_assignee(leads.new(vals))
        reader = self.with_context(lang=(user or team.user_id)._crm_lang())
        vals.update(user_id=user.id, name=in_lang(reader.env, name))
        lead = leads.create(vals)
        if note:
            author_id, email_from = self._intake_root_author()
            lead._message_log(
                body=reader._intake_render_note(note), author_id=author_id, email_from=email_from
            )
        return lead

    @api.model
    @tools.ormcache()
    def _intake_root_author(self):
        """OdooBot's partner id and formatted address, the author of the requests' chatter notes, kept in
        each worker's cache (``_message_log`` would read the partner for its address on every note)."""
        partner = (
            self.env["res.partner"]
            .sudo()
            .browse(self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root"))
        )
        return partner.id, partner.email_formatted

    @api.model
    def _intake_card_owner(self, card, team=None):
        """Who answers a request on ``card``: its salesperson, else its client's, else the channel team's
        leader."""
        user = card.user_id
        if not user and card._name == "res.partner":
            user = card.commercial_partner_id.user_id
        if not user and card._name == "crm.lead":
            user = card.partner_id.commercial_partner_id.user_id
        return user or (team.user_id if team else self.env["res.users"])

    @api.model
    def _intake_attach(self, card, company, channel, note=None, team=None, post=True):
        """The known client's request on its card: ``note`` in its chatter (unless the channel posted it
        already, ``post=False``) and a to-do for the card's salesperson, due within the company's First
        Contact SLA. ``channel`` (a lazy translation) and ``note`` (see ``_intake_render_note``) are
        written in the salesperson's language."""
        user = self._intake_card_owner(card, team)
        reader = self.with_context(lang=user._crm_lang())
        if post and note:
            author_id, email_from = self._intake_root_author()
            card._message_log(
                body=reader._intake_render_note(note), author_id=author_id, email_from=email_from
            )
        if not user or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        deadline = company._crm_first_contact_deadline(fields.Datetime.now())
        local = fields.Datetime.context_timestamp(card.with_context(tz=user.tz or "UTC"), deadline)
        activity_type = self._intake_ref("mail.mail_activity_data_todo")
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(
                {
                    "activity_type_id": activity_type.id,
                    "summary": reader.env._("New request: %(channel)s", channel=in_lang(reader.env, channel)),
                    "automated": True,
                    "res_model_id": self.env["ir.model"]._get_id(card._name),
                    "res_id": card.id,
                    "user_id": user.id,
                    "date_deadline": local.date(),
                }
            )
        )

    @api.model
    def _intake_render_note(self, note):
        """A chatter note given as Markup, or as the arguments of ``_intake_note`` (a tuple), rendered in
        this environment's language."""
        return self._intake_note(*note) if isinstance(note, tuple) else note

    @api.model
    def _intake_note(self, title, lines, message=None):
        """Chatter note of a request: a title, ``(label, value)`` lines and the client's message; the title
        and the labels may be lazy translations, written in this environment's language."""
        body = Markup("<p><b>%s</b></p>") % in_lang(self.env, title)
        shown = [(label, value) for label, value in lines if value]
        if shown:
            body += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s: %s</li>") % (in_lang(self.env, label), value) for label, value in shown
            )
        if message:
            body += Markup("<p>%s</p>") % Markup("<br/>").join(message.splitlines())
        return body

    @api.model
    def _intake_duplicate_of(self, card):
        return {"model": card._name, "id": card.id} if card else None
