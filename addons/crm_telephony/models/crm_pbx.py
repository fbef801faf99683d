# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlencode

import phonenumbers
import requests

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import frozendict

from .. import safe_fetch

# Recordings: total time of one download (seconds); size limit when the company has none set (MB).
RECORDING_TIMEOUT = 60
DEFAULT_RECORDING_MAX_MB = 50
# Fields read by the webhook's intake (kept in the registry cache, see _pbx_intake_config).
INTAKE_FIELDS = {"active", "company_id", "default_country_id", "default_team_id", "recording_policy"}


@functools.lru_cache(maxsize=8192)
def to_e164(number, country_code):
    """E.164 form of ``number`` read with ``country_code`` (ISO alpha-2 or None); False when unreadable.

    Pure function of its arguments, so each worker keeps the most recent results in memory."""
    if not number:
        return False
    raw = str(number).strip()
    if raw.isdigit() and len(raw) > 10 and not raw.startswith("0"):
        # PBXs often send international numbers without the "+" (Zadarma: 79991234567).
        raw = "+" + raw
    try:
        parsed = phonenumbers.parse(raw, country_code or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class CrmPbx(models.Model):
    _name = "crm.pbx"
    _inherit = ["crm.registry.cache.mixin"]
    # the webhook keeps each PBX's intake configuration and token hash in the registry cache
    _crm_cache_fields = frozenset(INTAKE_FIELDS | {"api_token_hash"})
    _description = "PBX"
    _check_company_auto = True
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    provider = fields.Selection(
        [("generic", "Generic JSON"), ("zadarma", "Zadarma"), ("asterisk", "Asterisk ARI")],
        required=True,
        default="generic",
    )
    default_country_id = fields.Many2one(
        "res.country",
        help="Country used to read numbers that arrive without an international prefix.",
    )
    route_ids = fields.One2many("crm.pbx.route", "pbx_id", string="Dialled Number Routing")
    default_team_id = fields.Many2one(
        "crm.team",
        string="Default Sales Team",
        check_company=True,
        help="Sales team of calls to a dialled number that has no routing line.",
    )
    recording_policy = fields.Selection(
        [("attachment", "Store as attachment"), ("link", "Keep link only"), ("none", "None")],
        required=True,
        default="attachment",
    )
    retention_days = fields.Integer(
        default=90,
        help="Stored recordings older than this number of days are deleted; 0 keeps them.",
    )
    api_base_url = fields.Char(
        string="API Base URL",
        groups="base.group_system",
        help="Root URL of the PBX's API, e.g. https://api.zadarma.com or http://asterisk:8088.",
    )
    api_key = fields.Char(string="API Key / User", groups="base.group_system", copy=False)
    api_secret = fields.Char(string="API Secret / Password", groups="base.group_system", copy=False)
    ari_application = fields.Char(
        string="ARI Application",
        groups="base.group_system",
        default="crm",
        help="Stasis application used when Asterisk originates a click-to-dial call.",
    )
    ari_endpoint_template = fields.Char(
        string="ARI Endpoint Template",
        groups="base.group_system",
        default="PJSIP/{extension}",
        help="Channel of the user's phone, {extension} is replaced by the user's PBX extension.",
    )
    notification_window = fields.Integer(
        string="Notification Window (minutes)",
        default=240,
        help="Zadarma: a notification whose call start lies further from now than this is refused. Zadarma "
        "signs only a few fields of a notification; the window stops a captured one from being replayed "
        "later with another call or duration. Keep it above your longest calls (a call's end is notified "
        "with its start). 0 turns the check off.",
    )
    api_token_hash = fields.Char(groups="base.group_system", copy=False, readonly=True)
    api_token_set = fields.Boolean(
        string="API Token Set",
        compute="_compute_api_token_set",
        compute_sudo=True,
    )
    call_count = fields.Integer(compute="_compute_call_count")

    @api.depends("api_token_hash")
    def _compute_api_token_set(self):
        for pbx in self:
            pbx.api_token_set = bool(pbx.api_token_hash)

    def _compute_call_count(self):
        counts = dict(
            self.env["crm.phonecall"]._read_group([("pbx_id", "in", self.ids)], ["pbx_id"], ["__count"])
        )
        for pbx in self:
            pbx.call_count = counts.get(pbx, 0)

    @api.model
    @tools.ormcache()
    def _pbx_token_table(self):
        """(hash, id) of the active PBXs that have a token: read once per worker until a PBX changes."""
        self.flush_model(["api_token_hash", "active"])
        self.env.cr.execute(
            "SELECT api_token_hash, id FROM crm_pbx WHERE active AND api_token_hash IS NOT NULL ORDER BY id"
        )
        return tuple(self.env.cr.fetchall())

    @tools.ormcache("self.id")
    def _pbx_intake_config_cached(self):
        pbx = self.sudo()
        country = pbx.default_country_id or pbx.company_id.country_id
        # active users of the PBX's company by extension (the lowest id when several share one)
        self.env["res.users"].flush_model(["pbx_extension", "active", "company_id"])
        self.env.cr.execute(
            "SELECT pbx_extension, min(id) FROM res_users "
            "WHERE pbx_extension IS NOT NULL AND company_id = %s AND active GROUP BY pbx_extension",
            (pbx.company_id.id,),
        )
        extensions = frozendict(self.env.cr.fetchall())
        queue_cron = self.env.ref("crm_telephony.ir_cron_pbx_queue", raise_if_not_found=False)
        return frozendict(
            id=pbx.id,
            company_id=pbx.company_id.id,
            country_code=country.code or None,
            auto_lead=pbx.company_id.crm_phone_auto_lead,
            default_team_id=pbx.default_team_id.id or False,
            recording_policy=pbx.recording_policy,
            routes=frozendict({r.number_e164: r.team_id.id for r in pbx.route_ids if r.number_e164}),
            # call tracking: (source, medium, campaign) of the calls to each number that carries them
            route_utm=frozendict(
                {
                    r.number_e164: (r.source_id.id, r.medium_id.id, r.campaign_id.id)
                    for r in pbx.route_ids
                    if r.number_e164 and (r.source_id or r.medium_id or r.campaign_id)
                }
            ),
            extensions=extensions,
            queue_cron_id=queue_cron.id if queue_cron else False,
        )

    def _pbx_intake_config(self):
        """What the webhook needs of this PBX (company, country, auto-lead setting, routing and call
        tracking, recording policy, users by extension, the PBX events job), cached in the registry cache
        of each worker and cleared when a PBX, a route, a company setting or a user's extension changes."""
        self.ensure_one()
        return self._pbx_intake_config_cached()

    def _pbx_user_extension(self, user):
        """The extension of ``user`` on this PBX: the one the webhook maps to that user (active users of the
        PBX's company), else False."""
        self.ensure_one()
        extensions = self._pbx_intake_config()["extensions"]
        return next((ext for ext, user_id in sorted(extensions.items()) if user_id == user.id), False)

    # ------------------------------------------------------------------ token

    @staticmethod
    def _hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    def generate_api_token(self):
        """Create a new webhook token, store only its hash and return the plain token (shown once)."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise UserError(_("Only administrators can generate PBX API tokens."))
        token = secrets.token_urlsafe(32)
        self.sudo().api_token_hash = self._hash_token(token)
        return token

    def action_generate_api_token(self):
        token = self.generate_api_token()
        wizard = self.env["crm.pbx.token.wizard"].create({"pbx_id": self.id, "token": token})
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.pbx.token.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": _("API Token"),
        }

    @api.model
    def _authenticate_token(self, token):
        """The active PBX whose stored hash matches ``token`` (constant-time comparison), else empty."""
        if not token:
            return self.browse()
        digest = self._hash_token(token)
        found = self.browse()
        for stored, pbx_id in self._pbx_token_table():
            if hmac.compare_digest(stored, digest):
                found = self.browse(pbx_id)
        return found

    # --------------------------------------------------------------- zadarma

    def _zadarma_signature(self, text):
        """Signature exactly as zadarma/user-api-v1 ``Client::encodeSignature``:
        base64 of the hexadecimal HMAC-SHA1 of ``text`` keyed with the API secret."""
        self.ensure_one()
        secret = (self.sudo().api_secret or "").encode()
        digest = hmac.new(secret, text.encode(), hashlib.sha1).hexdigest()
        return base64.b64encode(digest.encode()).decode()

    def _zadarma_check_signature(self, text, signature):
        self.ensure_one()
        if not (self.sudo().api_secret and signature):
            return False
        # bytes: compare_digest refuses str with non-ASCII characters, which any client can send
        return hmac.compare_digest(
            self._zadarma_signature(text).encode(), signature.encode("utf-8", "replace")
        )

    # --------------------------------------------------------------- numbers

    def _to_e164(self, number):
        """E.164 form of ``number`` read with the PBX's default country; False when it cannot be parsed."""
        self.ensure_one()
        return to_e164(number, self._pbx_intake_config()["country_code"])

    # ------------------------------------------------------------ PBX API calls

    def _zadarma_request(self, method, params, http_method="GET"):
        """Call Zadarma's API as zadarma/user-api-v1 ``Client::call`` does: ``format=json`` added,
        parameters sorted, ``Authorization: <key>:<base64(hex HMAC-SHA1(path + query + md5(query)))>``."""
        self.ensure_one()
        pbx = self.sudo()
        path = f"/v1/{method}/"
        params = dict(params, format="json")
        query = urlencode(sorted(params.items()))
        signature = pbx._zadarma_signature(path + query + hashlib.md5(query.encode()).hexdigest())
        headers = {"Authorization": f"{pbx.api_key}:{signature}"}
        url = (pbx.api_base_url or "https://api.zadarma.com").rstrip("/") + path
        try:
            if http_method == "GET":
                response = requests.get(url, params=query, headers=headers, timeout=10)
            else:
                response = requests.post(url, data=query, headers=headers, timeout=10)
            data = response.json()
        except (requests.RequestException, ValueError) as error:
            raise UserError(_("The PBX did not answer correctly: %(error)s", error=error)) from error
        if not isinstance(data, dict):
            raise UserError(_("The PBX did not answer correctly: %(error)s", error=str(data)[:200]))
        if response.status_code >= 400 or data.get("status") == "error":
            raise UserError(
                _(
                    "The PBX refused the request: %(message)s",
                    message=data.get("message") or response.status_code,
                )
            )
        return data

    def _pbx_originate(self, extension, number_e164):
        """Ring ``extension`` and connect it to ``number_e164``; returns the PBX's call id if any."""
        self.ensure_one()
        pbx = self.sudo()
        if pbx.provider == "zadarma":
            self._zadarma_request("request/callback", {"from": extension, "to": number_e164.lstrip("+")})
            return False
        if pbx.provider == "asterisk":
            url = (pbx.api_base_url or "").rstrip("/") + "/ari/channels"
            params = {
                "endpoint": (pbx.ari_endpoint_template or "PJSIP/{extension}").format(extension=extension),
                "extension": number_e164,
                "app": pbx.ari_application or "crm",
                "callerId": number_e164,
            }
            try:
                response = requests.post(
                    url, params=params, auth=(pbx.api_key or "", pbx.api_secret or ""), timeout=10
                )
            except requests.RequestException as error:
                raise UserError(_("The PBX did not answer: %(error)s", error=error)) from error
            if response.status_code >= 400:
                try:
                    message = response.json().get("message")
                except ValueError:
                    message = response.text[:200]
                raise UserError(
                    _("The PBX refused the call: %(message)s", message=message or response.status_code)
                )
            try:
                return response.json().get("id")
            except ValueError:
                return False
        raise UserError(_("This PBX cannot place calls."))

    def _pbx_download_recording(self, call):
        """Content and mimetype of ``call``'s recording; raises UserError when it cannot be fetched.

        The link (from the PBX's event, or from Zadarma's API for a reference) is fetched by
        ``safe_fetch``: public addresses only, unless the PBX's own API Base URL is on a private network
        (or this host), then those addresses too; redirects checked, size and time limited."""
        self.ensure_one()
        url = call.recording_url
        if self.provider == "zadarma" and call.recording_ref:
            data = self._zadarma_request("pbx/record/request", {"call_id": call.recording_ref})
            links = data.get("links")
            url = data.get("link") or (links[0] if isinstance(links, list) and links else False)
        if not url or not isinstance(url, str):
            raise UserError(_("No recording link."))
        limit_mb = self.company_id.crm_phone_recording_max_mb or DEFAULT_RECORDING_MAX_MB
        try:
            content, content_type = safe_fetch.fetch(
                url,
                allowed=self._pbx_private_address_classes(),
                max_bytes=limit_mb * 1024 * 1024,
                timeout=RECORDING_TIMEOUT,
            )
        except safe_fetch.FetchRefused as error:
            raise UserError(_("Recording not downloaded: %(reason)s", reason=error)) from error
        mimetype = content_type.split(";")[0].strip().lower()
        if mimetype in ("", "application/octet-stream"):
            mimetype = "audio/mpeg"
        if not mimetype.startswith("audio/"):
            # an HTML or SVG answer stored as an attachment would be served to the call's readers
            raise UserError(_("The recording link did not answer with audio (%(type)s).", type=mimetype))
        if not content:
            raise UserError(_("The recording is empty."))
        return content, mimetype

    def _pbx_private_address_classes(self):
        """The non-public address classes of the PBX's own API Base URL (private network, this host):
        recordings may come from those too."""
        self.ensure_one()
        return safe_fetch.url_classes(self.sudo().api_base_url) - {"public"}
