# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json
import math
import secrets
from datetime import timedelta

from odoo import _, _lt, api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import frozendict

from ..transaction import read_committed
from .crm_lead_intake import IntakeError

# Accepted fields of a request body: JSON type and longest value (characters, or items for a list).
REQUEST_FIELDS = {
    "name": (str, 200),
    "contact_name": (str, 128),
    "company_name": (str, 128),
    "email": (str, 254),
    "phone": (str, 32),
    "message": (str, 10000),
    "product_codes": (list, 50),
    "utm_source": (str, 100),
    "utm_medium": (str, 100),
    "utm_campaign": (str, 100),
    "request_id": (str, 128),
}
PRODUCT_CODE_MAX = 64
# Fields of a source read by every request (kept in each worker's registry cache, see _intake_config).
CONFIG_FIELDS = {
    "name",
    "active",
    "company_id",
    "team_id",
    "source_id",
    "medium_id",
    "campaign_id",
    "allowed_origins",
    "rate_limit",
    "key_hash",
}


class CrmLeadIntakeSource(models.Model):
    """A web form or system that posts leads to ``POST /crm_custom/v1/leads`` with its own key."""

    _name = "crm.lead.intake.source"
    _inherit = ["crm.system.fields.mixin", "crm.registry.cache.mixin"]
    # the request path keeps each source's configuration in the registry cache
    _crm_cache_fields = CONFIG_FIELDS
    _description = "Lead Intake Source"
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True, translate=False)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Team of the new leads; their salesperson is chosen by the team's assignment rules.",
    )
    source_id = fields.Many2one(
        "utm.source",
        default=lambda self: self.env.ref("crm_custom.utm_source_website_form", raise_if_not_found=False),
        help="Source of the new leads when the request gives no utm_source.",
    )
    medium_id = fields.Many2one(
        "utm.medium",
        default=lambda self: self.env.ref("utm.utm_medium_website", raise_if_not_found=False),
        help="Medium of the new leads when the request gives no utm_medium.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        help="Campaign of the new leads when the request gives no utm_campaign.",
    )
    allowed_origins = fields.Text(
        help="Web pages allowed to post from a browser (CORS), one origin per line, e.g. "
        "https://www.example.com. Requests without an Origin header (servers, curl) are not concerned.",
    )
    rate_limit = fields.Integer(
        string="Requests per Minute",
        default=60,
        help="Accepted requests of this source in any 60 seconds; more are refused with 429 and Retry-After.",
    )
    # the key is set by "Generate Key" only (system=True: refused to users, docs/security.md)
    key_hash = fields.Char(groups="base.group_system", copy=False, readonly=True, system=True)
    key_hint = fields.Char(
        string="Key",
        copy=False,
        readonly=True,
        system=True,
        help="The first characters of the current key, to tell keys apart; the key itself is shown once.",
    )
    endpoint_url = fields.Char(string="Endpoint", compute="_compute_endpoint_url")
    lead_ids = fields.One2many("crm.lead", "intake_source_id", string="Leads")
    lead_count = fields.Integer(string="Leads Created", compute="_compute_lead_count")
    request_ids = fields.One2many("crm.lead.intake.request", "source_id", string="Requests")

    _sql_constraints = [
        ("rate_limit_positive", "CHECK(rate_limit > 0)", "Requests per minute must be positive."),
    ]

    def _compute_endpoint_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for source in self:
            source.endpoint_url = f"{base}/crm_custom/v1/leads"

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([("intake_source_id", "in", self.ids)], ["intake_source_id"], ["__count"])
        )
        for source in self:
            source.lead_count = counts.get(source, 0)

    @api.constrains("allowed_origins")
    def _check_allowed_origins(self):
        for source in self:
            for origin in source._intake_origins():
                scheme, _sep, host = origin.partition("://")
                if scheme not in ("http", "https") or not host or "/" in host:
                    raise ValidationError(
                        _(
                            "%(origin)s is not an origin: write the scheme and host only, "
                            "e.g. https://www.example.com.",
                            origin=origin,
                        )
                    )

    # -- key -----------------------------------------------------------------------------------------
    @staticmethod
    def _intake_hash(key):
        return hashlib.sha256(key.encode()).hexdigest()

    def _generate_key(self):
        """A new key for this source: only its SHA-256 hash is stored; the plain key is returned once."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can generate lead intake keys."))
        key = "lik_" + secrets.token_urlsafe(32)
        self.sudo().write({"key_hash": self._intake_hash(key), "key_hint": key[:8] + "…"})
        return key

    def action_generate_key(self):
        key = self._generate_key()
        wizard = self.env["crm.lead.intake.key.wizard"].create({"source_id": self.id, "key": key})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead.intake.key.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Lead Intake Key"),
        }

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_all_leads")
        action.update(
            domain=[("intake_source_id", "=", self.id)],
            context={"active_test": False},
        )
        return action

    # -- request path: configuration cached per worker ----------------------------------------------
    @api.model
    @tools.ormcache()
    def _intake_key_table(self):
        """{key hash: source id} of the active sources with a key, read once per worker until a source
        changes."""
        self.flush_model(["key_hash", "active"])
        self.env.cr.execute(
            "SELECT key_hash, id FROM crm_lead_intake_source WHERE active AND key_hash IS NOT NULL"
        )
        return frozendict(self.env.cr.fetchall())

    @api.model
    def _intake_authenticate(self, key):
        """The active source of ``key``, else an empty recordset. The key's SHA-256 hash is looked up,
        so the time taken does not depend on how much of a stored key a guess matches."""
        if not key or len(key) > 256:
            return self.browse()
        source_id = self._intake_key_table().get(self._intake_hash(key))
        return self.browse(source_id) if source_id else self.browse()

    def _intake_origins(self):
        self.ensure_one()
        return [
            line.strip().rstrip("/") for line in (self.allowed_origins or "").splitlines() if line.strip()
        ]

    @tools.ormcache("self.id")
    def _intake_config_cached(self):
        source = self.sudo()
        return frozendict(
            id=source.id,
            name=source.name,
            company_id=source.company_id.id,
            country_code=source.company_id.country_id.code or None,
            team_id=source.team_id.id or False,
            source_id=source.source_id.id or False,
            medium_id=source.medium_id.id or False,
            campaign_id=source.campaign_id.id or False,
            origins=frozenset(source._intake_origins()),
            rate_limit=source.rate_limit,
        )

    def _intake_config(self):
        """What a request needs of its source, cached in each worker's registry cache and cleared when a
        source changes."""
        self.ensure_one()
        return self._intake_config_cached()

    @api.model
    @tools.ormcache()
    def _intake_all_origins(self):
        """Origins allowed by at least one active source: the answer to a CORS preflight, which carries no
        key."""
        sources = self.sudo().search([("active", "=", True), ("allowed_origins", "!=", False)])
        return frozenset(origin for source in sources for origin in source._intake_origins())

    # -- request path: the one method the controller calls ------------------------------------------
    def _intake_submit(self, data):
        """Process one request of this source (``data``: the decoded JSON body) and return the reply.

        Refused requests raise ``IntakeError`` (the controller rolls the transaction back): 429 over the
        rate limit, 400 for an invalid body. A ``request_id`` seen before returns the reply given then
        (same body) or 409 (another body); concurrent deliveries of one request wait for each other on the
        unique (source, request id) row. A known client's request (the duplicate guard's keys: e-mail,
        E.164 phone) goes to its card with an activity; otherwise a new lead is created."""
        self.ensure_one()
        intake = self.env["crm.lead.intake"]
        read_committed(self.env.cr)
        conf = self._intake_config()
        company = self.env["res.company"].browse(conf["company_id"])
        values = self._intake_validate(data, company, conf["country_code"])
        self._intake_check_rate(conf)
        body_hash = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        log_id = self._intake_claim(conf, values.get("request_id"), body_hash)
        if isinstance(log_id, dict):
            return log_id  # the reply to the same request, given before
        intake._intake_lock(company, (values["email"], values["phone"]))
        card = intake._intake_find_card(company, values["email"], values["phone"])
        if card:
            intake._intake_attach(
                card,
                company,
                channel=_lt("Web form %(name)s", name=conf["name"]),
                note=self._intake_request_note(conf, values),
                team=self.env["crm.team"].browse(conf["team_id"]),
            )
            reply = {
                "ok": True,
                "lead_id": card.id if card._name == "crm.lead" else None,
                "duplicate_of": intake._intake_duplicate_of(card),
            }
        else:
            # the request's fields and message are the lead's own fields and description: no chatter note
            lead = intake._intake_create_lead(
                company, self.env["crm.team"].browse(conf["team_id"]), self._intake_lead_vals(conf, values)
            )
            reply = {"ok": True, "lead_id": lead.id, "duplicate_of": None}
        self.env.cr.execute(
            "UPDATE crm_lead_intake_request SET reply = %s, lead_id = %s WHERE id = %s",
            (json.dumps(reply), reply["lead_id"], log_id),
        )
        return reply

    @api.model
    def _intake_validate(self, data, company, country_code=None):
        """The request's values, checked: unknown fields, types, lengths, e-mail, phone, product codes."""
        if not isinstance(data, dict):
            raise IntakeError("the body must be a JSON object")
        unknown = sorted(set(data) - set(REQUEST_FIELDS))
        if unknown:
            raise IntakeError(f"unknown field: {unknown[0]}")
        values = {}
        for fname, (kind, longest) in REQUEST_FIELDS.items():
            value = data.get(fname)
            if value is None or value == "" or value == []:
                values[fname] = False
                continue
            if not isinstance(value, kind):
                raise IntakeError(f"invalid field: {fname} must be a {'list' if kind is list else 'string'}")
            if len(value) > longest:
                raise IntakeError(f"too long: {fname} (at most {longest})")
            values[fname] = value.strip() if kind is str else value
        intake = self.env["crm.lead.intake"]
        if values["email"]:
            raw = values["email"]
            values["email"] = intake._intake_email(raw)
            if not values["email"]:
                raise IntakeError(f"invalid e-mail: {raw}")
        if values["phone"]:
            raw = values["phone"]
            values["phone"] = intake._intake_phone(company, raw, country_code)
            if not values["phone"]:
                raise IntakeError(f"invalid phone: {raw}")
        if not (values["email"] or values["phone"]):
            raise IntakeError("email or phone is required")
        values["products"] = self._intake_products(company, values["product_codes"] or [])
        return values

    @api.model
    def _intake_products(self, company, codes):
        if not codes:
            return self.env["product.product"]
        for code in codes:
            if not isinstance(code, str) or not code.strip() or len(code) > PRODUCT_CODE_MAX:
                raise IntakeError("invalid field: product_codes must be non-empty strings")
        wanted = {code.strip() for code in codes}
        products = (
            self.env["product.product"]
            .with_company(company)
            .search(
                [
                    ("default_code", "in", list(wanted)),
                    ("sale_ok", "=", True),
                    ("company_id", "in", [False, company.id]),
                ]
            )
        )
        missing = sorted(wanted - set(products.mapped("default_code")))
        if missing:
            raise IntakeError(f"unknown product code: {missing[0]}")
        return products

    @api.model
    def _intake_check_rate(self, conf):
        """429 when the source's accepted requests of the last 60 seconds reached its limit; Retry-After
        is when the oldest of them leaves the window."""
        limit = conf["rate_limit"]
        self.env.cr.execute(
            """
            SELECT count(*), min(create_date), now() AT TIME ZONE 'UTC'
              FROM (SELECT create_date FROM crm_lead_intake_request
                     WHERE source_id = %s AND create_date > (now() AT TIME ZONE 'UTC') - interval '60 seconds'
                     ORDER BY create_date DESC LIMIT %s) recent
            """,
            (conf["id"], limit),
        )
        count, oldest, now = self.env.cr.fetchone()
        if count >= limit:
            wait = max(1, math.ceil((oldest + timedelta(seconds=60) - now).total_seconds()))
            raise IntakeError("rate limit exceeded", status=429, headers=[("Retry-After", str(wait))])

    @api.model
    def _intake_claim(self, conf, request_id, body_hash):
        """Log the request; with a ``request_id`` seen before, the reply given then (a dict) instead.

        The insert of a request id being processed by a concurrent delivery waits for it: after its commit
        this one finds the row (409 if the body differs), after its rollback it goes on."""
        self.env.cr.execute(
            """
            INSERT INTO crm_lead_intake_request
                   (source_id, request_id, body_hash, create_date, write_date, create_uid, write_uid)
            VALUES (%s, %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', %s, %s)
            ON CONFLICT (source_id, request_id) DO NOTHING
            RETURNING id
            """,
            (conf["id"], request_id or None, body_hash, self.env.uid, self.env.uid),
        )
        row = self.env.cr.fetchone()
        if row:
            return row[0]
        self.env.cr.execute(
            "SELECT body_hash, reply FROM crm_lead_intake_request WHERE source_id = %s AND request_id = %s",
            (conf["id"], request_id),
        )
        found = self.env.cr.fetchone()
        if not found or not found[1]:  # not visible yet: the first delivery has not committed
            raise IntakeError("the same request_id is being processed, retry", status=409)
        if found[0] != body_hash:
            raise IntakeError("request_id already used for another request", status=409)
        return json.loads(found[1])

    def _intake_lead_vals(self, conf, values):
        utm = self.env["utm.mixin"]
        source = values["utm_source"] and utm._find_or_create_record("utm.source", values["utm_source"])
        medium = values["utm_medium"] and utm._find_or_create_record("utm.medium", values["utm_medium"])
        campaign = values["utm_campaign"] and utm._find_or_create_record(
            "utm.campaign", values["utm_campaign"]
        )
        name = values["name"] or _lt(
            "Request from %(who)s",
            who=values["contact_name"] or values["company_name"] or values["email"] or values["phone"],
        )
        return {
            "name": name,
            "contact_name": values["contact_name"],
            "partner_name": values["company_name"],
            "email_from": values["email"],
            "phone": values["phone"],
            "description": values["message"] and tools.plaintext2html(values["message"]),
            "product_ids": [(6, 0, values["products"].ids)],
            "source_id": source.id if source else conf["source_id"],
            "medium_id": medium.id if medium else conf["medium_id"],
            "campaign_id": campaign.id if campaign else conf["campaign_id"],
            "intake_source_id": conf["id"],
        }

    def _intake_request_note(self, conf, values):
        """The request's chatter note, as the arguments of ``crm.lead.intake._intake_note`` (rendered in the
        language of the card's salesperson)."""
        return (
            _lt("Request from the web form %(name)s", name=conf["name"]),
            [
                (_lt("Name"), values["contact_name"]),
                (_lt("Company"), values["company_name"]),
                (_lt("E-mail"), values["email"]),
                (_lt("Phone"), values["phone"]),
                (_lt("Subject"), values["name"]),
                (_lt("Products"), ", ".join(values["products"].mapped("display_name"))),
            ],
            values["message"],
        )

    # -- CORS ------------------------------------------------------------------------------------------
    @api.model
    def _intake_origin_allowed(self, origin, source=None):
        """Whether a browser page of ``origin`` may post (to ``source``, or to any source for a
        preflight, which carries no key)."""
        if not origin:
            return False
        origin = origin.rstrip("/")
        if source:
            return origin in source._intake_config()["origins"]
        return origin in self._intake_all_origins()

    def _intake_check_origin(self, origin):
        """403 for a browser request from a page this source does not allow (nothing is written)."""
        self.ensure_one()
        if origin and not self._intake_origin_allowed(origin, self):
            raise IntakeError("origin not allowed", status=403)
