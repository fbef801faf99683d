# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PBX webhooks: authenticate, parse, call one model method, answer JSON."""

import contextlib
import io
import json
import logging
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytz
from psycopg2 import DataError, OperationalError
from psycopg2.errors import ReadOnlySqlTransaction
from werkzeug.exceptions import HTTPException

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..const import EVENTS, OUTCOMES
from ..models.crm_phonecall_intake import PbxEventError

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
# what is read (and dropped) of a refused request's body after the answer, so that the client gets the
# answer instead of a reset connection; beyond this the connection is just closed
MAX_DRAIN = 1024 * 1024
MAX_SIGNATURE = 256
INT4_MAX = 2**31 - 1
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
OVERFLOW_KEY = "crm_telephony.body_overflow"
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
# a call's end may come this long after its start plus its duration (clocks, delivery)
CLOCK_SKEW = timedelta(minutes=2)


def _json(payload, status=200):
    return request.make_response(
        json.dumps(payload), headers=[("Content-Type", "application/json")], status=status
    )


def _wsgi():
    """The werkzeug request and its whole WSGI environment: Odoo's request wrapper leaves out the
    ``wsgi.*`` keys and the body stream (its websocket code reaches them the same way)."""
    httprequest = request.httprequest
    return httprequest._HTTPRequest__wrapped, httprequest._HTTPRequest__environ


def _drain_after(response):
    """Read and drop what the client still sends (MAX_DRAIN at most) once the answer is written."""
    _werkzeug_request, environ = _wsgi()
    stream = environ.get("crm_telephony.raw_input") or environ.get("wsgi.input")
    length = request.httprequest.content_length
    if stream is None or (length is not None and length > MAX_DRAIN):
        return response

    def drain():
        left = MAX_DRAIN if length is None else length
        with contextlib.suppress(Exception):  # the client may be gone: nothing to do about it
            while left > 0:
                chunk = stream.read(min(left, 64 * 1024))
                if not chunk:
                    break
                left -= len(chunk)

    response.call_on_close(drain)
    return response


def _error(message, status):
    request.env.cr.rollback()  # an event refused writes nothing
    _logger.warning("PBX webhook refused (%s): %s", status, message)
    return _drain_after(_json({"ok": False, "error": message}, status=status))


class _BoundedInput(io.RawIOBase):
    """A chunked request body (no length) read through this gives at most ``limit`` + 1 bytes, then an end:
    neither Odoo's form parsing nor the controller can be made to buffer more. The excess is flagged in the
    WSGI environment (OVERFLOW_KEY) and answered 413."""

    def __init__(self, raw, limit, environ):
        super().__init__()
        self.raw, self.left, self.environ = raw, limit + 1, environ

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.left <= 0:
            self.environ[OVERFLOW_KEY] = True
            return 0
        view = memoryview(buffer)[: self.left]
        data = self.raw.read(len(view))
        view[: len(data)] = data
        self.left -= len(data)
        if self.left <= 0:
            self.environ[OVERFLOW_KEY] = True
        return len(data)


def _refuse_now(message, status):
    """Answer before anything of the body is read (called before Odoo parses the request's form)."""
    _logger.warning("PBX webhook refused (%s): %s", status, message)
    raise HTTPException(response=_drain_after(_json({"ok": False, "error": message}, status=status)))


def _guard_body(forms=False, signature=False):
    """Checks run by ir.http before Odoo reads anything of the body: a body over MAX_BODY is refused from
    its length, a chunked one (no length) is bounded; the JSON routes refuse form bodies (Odoo would parse
    them before the token is checked); the Zadarma route requires its Signature header first."""

    def guard():
        httprequest = request.httprequest
        _werkzeug_request, environ = _wsgi()
        length = httprequest.content_length
        if length is not None and length > MAX_BODY:
            _refuse_now("request body too large", 413)
        if not forms and httprequest.mimetype in FORM_TYPES:
            _refuse_now("the body must be JSON (Content-Type: application/json)", 415)
        if signature and httprequest.method == "POST":
            value = httprequest.headers.get("Signature", "")
            if not value or len(value) > MAX_SIGNATURE or not value.isascii():
                _refuse_now("invalid signature", 401)
        if length is None and environ.get("wsgi.input_terminated"):
            environ["crm_telephony.raw_input"] = environ["wsgi.input"]
            environ["wsgi.input"] = io.BufferedReader(_BoundedInput(environ["wsgi.input"], MAX_BODY, environ))

    return guard


def _check_text(value, key):
    """Text that PostgreSQL stores: no NUL character, valid UTF-8 (no lone surrogate)."""
    if "\x00" in value:
        raise PbxEventError(f"invalid field: {key}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PbxEventError(f"invalid field: {key}") from error
    return value


def _parse_timestamp(value):
    if not isinstance(value, str) or not value or len(value) > 64:
        raise PbxEventError("timestamp must be an ISO 8601 string")
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if stamp.tzinfo:
            stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError) as error:  # out of range once in UTC: year 1 or 9999
        raise PbxEventError(f"timestamp is not a valid ISO 8601 date: {value}") from error
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
    return _check_text(value, key).strip()


def _is_http_url(value):
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or 0 < parts.port  # reading the port raises ValueError when invalid
    except ValueError:
        return False
    return (
        port_ok
        and parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in value)
    )


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
    if event["recording_url"] and not _is_http_url(event["recording_url"]):
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
    if talk is not None and (
        isinstance(talk, bool) or not isinstance(talk, int) or not 0 <= talk <= INT4_MAX
    ):
        raise PbxEventError("talk_seconds must be a non-negative integer (at most 2147483647)")
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
        """The body, read only once the PBX is authenticated: MAX_BODY bytes at most, chunked or not."""
        werkzeug_request, environ = _wsgi()
        stream = werkzeug_request.stream  # limited to Content-Length, or bounded by the guard when chunked
        body = bytearray()
        while len(body) <= MAX_BODY:
            chunk = stream.read(MAX_BODY + 1 - len(body))
            if not chunk:
                break
            body += chunk
        if len(body) > MAX_BODY or environ.get(OVERFLOW_KEY):
            raise PbxEventError("request body too large", status=413)
        return bytes(body)

    def _run(self, pbx, method, *args):
        """Call one model method as superuser in the PBX's company; nothing is kept if it fails
        (the handlers below roll the request's transaction back before answering an error)."""
        env = request.env(user=SUPERUSER_ID, su=True)
        calls = env["crm.phonecall"].with_company(pbx._pbx_intake_config()["company_id"])
        try:
            return getattr(calls, method)(pbx.with_env(calls.env), *args)
        except (UserError, ValidationError) as error:
            raise PbxEventError(str(error)) from error
        except DataError as error:  # a value PostgreSQL cannot store: the input's fault, not ours
            raise PbxEventError("invalid value in the event") from error

    def _failed(self, what):
        request.env.cr.rollback()
        _logger.exception("%s failed", what)
        return _json({"ok": False, "error": "internal error"}, status=500)

    @http.route(
        "/crm_telephony/v1/events",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
        pbx_body_guard=_guard_body(),
    )
    def events(self, **kwargs):
        try:
            pbx = self._bearer_pbx()  # from the headers: nothing of the body is read before
            if not pbx:
                raise PbxEventError("invalid or missing token", status=401)
            body = self._read_body()
            try:
                payload = json.loads(body or b"null")
            except (ValueError, UnicodeDecodeError, RecursionError) as error:
                raise PbxEventError("malformed JSON") from error
            event = parse_generic_event(payload)
            return _json(self._run(pbx, "_pbx_process_event", event))
        except PbxEventError as error:
            return _error(str(error), error.status)
        except OperationalError:
            raise  # concurrency errors: Odoo retries the whole request
        except Exception:
            return self._failed("PBX webhook")

    # readonly: with a read replica (db_replica_host), Odoo serves the look-up from it; it only reads
    # (token, PBX configuration, the card's indexed query), see docs/scaling.md
    @http.route(
        "/crm_telephony/v1/lookup",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
        readonly=True,
        pbx_body_guard=_guard_body(),
    )
    def lookup(self, number=None, **kwargs):
        try:
            pbx = self._bearer_pbx()
            if not pbx:
                raise PbxEventError("invalid or missing token", status=401)
            if not number:
                raise PbxEventError("missing parameter: number")
            if len(number) > 64:
                raise PbxEventError("invalid parameter: number")
            _check_text(number, "number")
            match = self._run(pbx, "_pbx_lookup", number)
            if not match:
                return _json({"ok": False, "error": "no card for this number"}, status=404)
            return _json(match)
        except PbxEventError as error:
            return _error(str(error), error.status)
        except (OperationalError, ReadOnlySqlTransaction):
            # concurrency errors, or a write on the read replica: Odoo retries the whole request (the
            # latter on the primary, with a warning), instead of this route answering 500
            raise
        except Exception:
            return self._failed("PBX look-up")

    # ---------------------------------------------------------------- Zadarma

    @http.route(
        "/crm_telephony/v1/zadarma/<int:pbx_id>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
        pbx_body_guard=_guard_body(forms=True, signature=True),
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
            if _wsgi()[1].get(OVERFLOW_KEY):
                raise PbxEventError("request body too large", status=413)
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
            return self._failed("Zadarma webhook")

    def _zadarma_time(self, pbx, value, now):
        """Zadarma sends ``Y-m-d H:i:s`` in the account's local time: read it in the company's timezone.

        Zadarma signs only two or three fields of a notification: one whose call start lies further from
        now than the PBX's Notification Window is refused, so that a captured notification cannot be
        replayed later with another call id or duration."""
        if not value:
            return now
        try:
            stamp = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            tz = pytz.timezone(pbx.company_id.partner_id.tz or "UTC")
            start = tz.localize(stamp).astimezone(pytz.utc).replace(tzinfo=None)
        except (ValueError, OverflowError) as error:
            raise PbxEventError(f"call_start is not Y-m-d H:i:s: {value[:32]}") from error
        window = timedelta(minutes=pbx.notification_window or 0)
        if window and abs(now - start) > window:
            raise PbxEventError(
                f"call_start {value} is more than {pbx.notification_window} minutes from now "
                "(a replayed notification, or the company's timezone is wrong)",
                status=401,
            )
        return start

    def _zadarma_event(self, pbx, kind, form):
        def field(key, required=True, max_len=128):
            value = (form.get(key) or "").strip()
            if required and not value:
                raise PbxEventError(f"missing field: {key}")
            if len(value) > max_len:
                raise PbxEventError(f"invalid field: {key}")
            return _check_text(value, key) or None

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
        start = self._zadarma_time(pbx, field("call_start", required=False, max_len=32), now)
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
                duration = int(field("duration", required=False, max_len=16) or 0)
            except ValueError as error:
                raise PbxEventError("duration must be an integer") from error
            if not 0 <= duration <= INT4_MAX or start + timedelta(seconds=duration) > now + CLOCK_SKEW:
                # (duration is not signed: no longer than the time since the signed call start)
                raise PbxEventError("duration must be a number of seconds since the call started")
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
                event["recording_ref"] = field("call_id_with_rec")
        return event
