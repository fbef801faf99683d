# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lead intake over HTTP (web forms, APIs, Telegram): authenticate, read, call one model method, answer."""

import json
import logging

from psycopg2 import OperationalError
from werkzeug.wsgi import get_input_stream

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.crm_lead_intake import IntakeError

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
# A refused body is read and dropped up to this size so that the client gets the reply on a clean
# connection; a longer one is not read at all (the connection is closed).
MAX_DRAIN = 1024 * 1024
CORS_MAX_AGE = "600"


def _json(payload, status=200, headers=()):
    return request.make_response(
        json.dumps(payload), headers=[("Content-Type", "application/json"), *headers], status=status
    )


class LeadIntakeController(http.Controller):
    # ------------------------------------------------------------------ helpers

    def _env(self):
        return request.env(user=SUPERUSER_ID, su=True)

    def _cors_headers(self, origin):
        return [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Expose-Headers", "Retry-After"),
            ("Vary", "Origin"),
        ]

    def _refuse(self, error, headers=()):
        """The error reply: the transaction rolled back (nothing written), no traceback."""
        request.env.cr.rollback()
        _logger.info("Lead intake refused (%s): %s", error.status, error)
        return _json(
            {"ok": False, "error": str(error)}, status=error.status, headers=[*error.headers, *headers]
        )

    def _stream(self):
        # the request's raw input, bounded by its Content-Length (as Odoo's bus reads the WSGI environ)
        return get_input_stream(request.httprequest._HTTPRequest__environ)

    def _check_length(self):
        """413 from the announced length, before anything is read."""
        length = request.httprequest.content_length
        if length is not None and length > MAX_BODY:
            if length <= MAX_DRAIN:
                stream = self._stream()
                while stream.read(64 * 1024):  # dropped unread, so that the client gets the reply
                    pass
            raise IntakeError("request body too large (at most 64 KiB)", status=413)

    def _read_body(self):
        """The body, at most 64 KiB (a chunked body has no announced length: read up to the limit)."""
        body = self._stream().read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise IntakeError("request body too large (at most 64 KiB)", status=413)
        return body

    def _bearer(self):
        header = request.httprequest.headers.get("Authorization", "")
        return header[7:].strip() if header[:7].lower() == "bearer " else ""

    # --------------------------------------------------------------- web forms / API

    @http.route(
        "/crm_custom/v1/leads",
        type="http",
        auth="none",
        methods=["POST", "OPTIONS"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def leads(self, **kwargs):
        origin = request.httprequest.headers.get("Origin")
        sources = self._env()["crm.lead.intake.source"]
        cors = []
        try:
            if request.httprequest.method == "OPTIONS":
                return self._preflight(sources, origin)
            if origin and sources._intake_origin_allowed(origin):
                cors = self._cors_headers(origin)
            source = sources._intake_authenticate(self._bearer())
            if not source:
                raise IntakeError("invalid or missing key", status=401)
            source._intake_check_origin(origin)
            self._check_length()
            body = self._read_body()
            try:
                data = json.loads(body or b"null")
            except (ValueError, UnicodeDecodeError) as error:
                raise IntakeError("malformed JSON") from error
            try:
                return _json(source._intake_submit(data), headers=cors)
            except (UserError, ValidationError) as error:
                raise IntakeError(str(error)) from error
        except IntakeError as error:
            return self._refuse(error, cors)
        except OperationalError:
            raise  # concurrency errors: Odoo retries the whole request
        except Exception:
            request.env.cr.rollback()
            _logger.exception("Lead intake failed")
            return _json({"ok": False, "error": "internal error"}, status=500, headers=cors)

    def _preflight(self, sources, origin):
        """CORS preflight: allowed when the page's origin is allowed by an active source (a preflight
        carries no key; the POST itself is checked against its source's origins)."""
        if not sources._intake_origin_allowed(origin):
            return _json({"ok": False, "error": "origin not allowed"}, status=403)
        return request.make_response(
            "",
            status=204,
            headers=[
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Allow-Methods", "POST, OPTIONS"),
                ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                ("Access-Control-Max-Age", CORS_MAX_AGE),
                ("Vary", "Origin"),
            ],
        )

    # ---------------------------------------------------------------------- Telegram

    @http.route(
        "/crm_custom/v1/telegram/<int:bot_id>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def telegram(self, bot_id, **kwargs):
        try:
            bot = self._env()["crm.messenger.bot"]._messenger_authenticate(
                bot_id, request.httprequest.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            )
            if not bot:
                raise IntakeError("unknown bot or invalid secret token", status=401)
            self._check_length()
            body = self._read_body()
            try:
                update = json.loads(body or b"null")
            except (ValueError, UnicodeDecodeError) as error:
                raise IntakeError("malformed JSON") from error
            try:
                return _json(bot._telegram_process_update(update))
            except (UserError, ValidationError) as error:
                raise IntakeError(str(error)) from error
        except IntakeError as error:
            return self._refuse(error)
        except OperationalError:
            raise
        except Exception:
            request.env.cr.rollback()
            _logger.exception("Telegram webhook failed")
            return _json({"ok": False, "error": "internal error"}, status=500)
