# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PBX webhooks: authenticate, parse, call one model method, answer JSON."""

import json
import logging
from datetime import datetime, timezone

import pytz
from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..const import EVENTS, OUTCOMES
from ..models.crm_phonecall_intake import PbxEventError

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_DRAIN = 1024 * 1024
OUTCOME_KEYS = {key for key, _label in OUTCOMES}
ZADARMA_OUTCOMES = {
    "answered": "answered",
    "busy": "busy",
    "cancel": "missed",
    "no answer": "no_answer",
}
# Fields concatenated for the Signature header, per event, as in zadarma/user-api-v1 lib/Webhook/*.php.
ZADARMA_SIGNED = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}


def _json(payload, status=200):
    return request.make_response(
        json.dumps(payload), headers=[("Content-Type", "application/json")], status=status
    )


def _error(message, status):
    request.env.cr.rollback()  # an event refused writes nothing
    _logger.warning("PBX webhook refused (%s): %s", status, message)
    return _json({"ok": False, "error": message}, status=status)


def _parse_timestamp(value):
    if not isinstance(value, str) or not value:
        raise PbxEventError("timestamp must be an ISO 8601 string")
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise PbxEventError(f"timestamp is not ISO 8601: {value}") from error
    if stamp.tzinfo:
        stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


def _text(payload, key, required=True, max_len=128):
    value = payload.get(key)
    if value is None or value == "":
        if required:
            raise PbxEventError(f"missing field: {key}")
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or len(value) > max_len:
        raise PbxEventError(f"invalid field: {key}")
    return value.strip()


def parse_generic_event(payload):
    """Validate the generic JSON event and return the normalised event the model expects."""
    if not isinstance(payload, dict):
        raise PbxEventError("the body must be a JSON object")
    kind = _text(payload, "event")
    if kind not in EVENTS:
        raise PbxEventError(f"unknown event: {kind}")
    event = {
        "event": kind,
        "call_id": _text(payload, "call_id"),
        "timestamp": _parse_timestamp(payload.get("timestamp")),
        "extension": _text(payload, "extension", required=False, max_len=32),
        "recording_url": _text(payload, "recording_url", required=False, max_len=2048),
        "recording_ref": None,
    }
    if event["recording_url"] and not event["recording_url"].startswith(("http://", "https://")):
        raise PbxEventError("recording_url must be an http(s) URL")
    if kind == "recording_ready":
        if not event["recording_url"]:
            raise PbxEventError("missing field: recording_url")
        return event
    direction = _text(payload, "direction")
    if direction not in ("inbound", "outbound"):
        raise PbxEventError("direction must be inbound or outbound")
    event.update(direction=direction, **{"from": _text(payload, "from"), "to": _text(payload, "to")})
    talk = payload.get("talk_seconds")
    if talk is not None and (isinstance(talk, bool) or not isinstance(talk, int) or talk < 0):
        raise PbxEventError("talk_seconds must be a non-negative integer")
    event["talk_seconds"] = talk
    outcome = _text(payload, "outcome", required=False, max_len=32)
    if outcome and outcome not in OUTCOME_KEYS:
        raise PbxEventError(f"unknown outcome: {outcome}")
    event["outcome"] = outcome
    return event


class TelephonyController(http.Controller):
    def _bearer_pbx(self):
        header = request.httprequest.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        return request.env(user=SUPERUSER_ID, su=True)["crm.pbx"]._authenticate_token(token)

    def _read_body(self):
        length = request.httprequest.content_length
        if length is not None and length > MAX_DRAIN:
            raise PbxEventError("request body too large", status=413)
        # read (and drop) what the client sends, so the connection stays clean for the 413 reply
        body = request.httprequest.get_data()
        if len(body) > MAX_BODY:
            raise PbxEventError("request body too large", status=413)
        return body

    def _run(self, pbx, method, *args):
        """Call one model method as superuser in the PBX's company; nothing is kept if it fails
        (the handlers below roll the request's transaction back before answering an error)."""
        env = request.env(user=SUPERUSER_ID, su=True)
        calls = env["crm.phonecall"].with_company(pbx._pbx_intake_config()["company_id"])
        try:
            return getattr(calls, method)(pbx.with_env(calls.env), *args)
        except (UserError, ValidationError) as error:
            raise PbxEventError(str(error)) from error

    def _read_body_form(self):
        if (request.httprequest.content_length or 0) > MAX_BODY:
            raise PbxEventError("request body too large", status=413)

    @http.route(
        "/crm_telephony/v1/events",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def events(self, **kwargs):
        try:
            body = self._read_body()
            pbx = self._bearer_pbx()
            if not pbx:
                raise PbxEventError("invalid or missing token", status=401)
            try:
                payload = json.loads(body or b"null")
            except (ValueError, UnicodeDecodeError) as error:
                raise PbxEventError("malformed JSON") from error
            event = parse_generic_event(payload)
            return _json(self._run(pbx, "_pbx_process_event", event))
        except PbxEventError as error:
            return _error(str(error), error.status)
        except OperationalError:
            raise  # concurrency errors: Odoo retries the whole request
        except Exception:
            request.env.cr.rollback()
            _logger.exception("PBX webhook failed")
            return _json({"ok": False, "error": "internal error"}, status=500)

    @http.route(
        "/crm_telephony/v1/lookup", type="http", auth="none", methods=["GET"], csrf=False, save_session=False
    )
    def lookup(self, number=None, **kwargs):
        try:
            pbx = self._bearer_pbx()
            if not pbx:
                raise PbxEventError("invalid or missing token", status=401)
            if not number:
                raise PbxEventError("missing parameter: number")
            match = self._run(pbx, "_pbx_lookup", number)
            if not match:
                return _json({"ok": False, "error": "no card for this number"}, status=404)
            return _json(match)
        except PbxEventError as error:
            return _error(str(error), error.status)

    # ---------------------------------------------------------------- Zadarma

    @http.route(
        "/crm_telephony/v1/zadarma/<int:pbx_id>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def zadarma(self, pbx_id, **kwargs):
        try:
            pbx = request.env(user=SUPERUSER_ID, su=True)["crm.pbx"].search(
                [("id", "=", pbx_id), ("provider", "=", "zadarma")]
            )
            if not pbx:
                raise PbxEventError("unknown PBX", status=404)
            if request.httprequest.method == "GET":
                echo = request.httprequest.args.get("zd_echo")
                if not echo:
                    raise PbxEventError("missing zd_echo")
                return request.make_response(echo, headers=[("Content-Type", "text/plain")])
            self._read_body_form()
            form = request.httprequest.form
            kind = form.get("event")
            if kind not in ZADARMA_SIGNED:
                raise PbxEventError(f"unknown event: {kind}")
            signed = "".join(form.get(key, "") for key in ZADARMA_SIGNED[kind])
            if not pbx._zadarma_check_signature(signed, request.httprequest.headers.get("Signature", "")):
                raise PbxEventError("invalid signature", status=401)
            event = self._zadarma_event(pbx, kind, form)
            reply = self._run(pbx, "_pbx_process_event", event)
            if kind != "NOTIFY_START":
                return _json({"ok": True})
            match = reply.get("match") or {}
            answer = {}
            if match.get("user_extension"):
                answer["redirect"] = match["user_extension"]
                answer["return_timeout"] = 0
            if match.get("name"):
                answer["caller_name"] = match["name"]
            return _json(answer)
        except PbxEventError as error:
            return _error(str(error), error.status)
        except OperationalError:
            raise
        except Exception:
            request.env.cr.rollback()
            _logger.exception("Zadarma webhook failed")
            return _json({"ok": False, "error": "internal error"}, status=500)

    def _zadarma_time(self, pbx, value):
        """Zadarma sends ``Y-m-d H:i:s`` in the account's local time: read it in the company's timezone."""
        if not value:
            return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        try:
            stamp = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError as error:
            raise PbxEventError(f"call_start is not Y-m-d H:i:s: {value}") from error
        tz = pytz.timezone(pbx.company_id.partner_id.tz or "UTC")
        return tz.localize(stamp).astimezone(pytz.utc).replace(tzinfo=None)

    def _zadarma_event(self, pbx, kind, form):
        def field(key, required=True):
            value = (form.get(key) or "").strip()
            if required and not value:
                raise PbxEventError(f"missing field: {key}")
            return value or None

        now = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        event = {
            "call_id": field("pbx_call_id"),
            "extension": field("internal", required=False),
            "recording_url": None,
            "recording_ref": None,
            "talk_seconds": None,
            "outcome": None,
        }
        if kind == "NOTIFY_RECORD":
            event.update(event="recording_ready", recording_ref=field("call_id_with_rec"), timestamp=now)
            return event
        start = self._zadarma_time(pbx, form.get("call_start"))
        if kind in ("NOTIFY_START", "NOTIFY_INTERNAL"):
            event.update(
                event="call_started",
                direction="inbound",
                timestamp=start,
                **{"from": field("caller_id"), "to": field("called_did")},
            )
        elif kind == "NOTIFY_ANSWER":
            event.update(
                event="call_answered",
                direction="inbound",
                timestamp=now,
                **{"from": field("caller_id"), "to": field("destination")},
            )
        elif kind == "NOTIFY_OUT_START":
            event.update(
                event="call_started",
                direction="outbound",
                timestamp=start,
                **{"from": field("internal"), "to": field("destination")},
            )
        else:  # NOTIFY_END, NOTIFY_OUT_END
            inbound = kind == "NOTIFY_END"
            disposition = field("disposition")
            try:
                duration = int(form.get("duration") or 0)
            except ValueError as error:
                raise PbxEventError("duration must be an integer") from error
            outcome = ZADARMA_OUTCOMES.get(disposition, "failed")
            event.update(
                event="call_ended",
                direction="inbound" if inbound else "outbound",
                timestamp=now,
                ring_start=start,
                talk_seconds=duration if outcome == "answered" else 0,
                outcome=outcome,
                **{
                    "from": field("caller_id"),
                    "to": field("called_did") if inbound else field("destination"),
                },
            )
            if form.get("is_recorded") == "1" and form.get("call_id_with_rec"):
                event["recording_ref"] = form["call_id_with_rec"]
        return event
