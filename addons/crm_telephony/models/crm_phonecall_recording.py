# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class CrmPhonecallRecording(models.AbstractModel):
    """Call recordings: the link or reference the PBX sends, the download job and the retention job;
    inherited by ``crm.phonecall``."""

    _name = "crm.phonecall.recording"
    _description = "Call Recordings"

    def _pbx_apply_recording(self, event):
        self.ensure_one()
        row = {name: self[name] for name in ("recording_state", "recording_url", "recording_ref")}
        vals = self._pbx_recording_vals(self.pbx_id._pbx_intake_config(), row, event)
        if vals:
            self.write(vals)

    @api.model
    def _pbx_recording_vals(self, conf, row, event):
        """Values recording a call's recording (``row``: its current recording state) by the PBX's policy."""
        if not (event.get("recording_url") or event.get("recording_ref")):
            return {}
        policy = conf["recording_policy"]
        if policy == "none" or row["recording_state"] in ("done", "deleted"):
            return {}
        vals = {
            "recording_url": event.get("recording_url") or row["recording_url"],
            "recording_ref": event.get("recording_ref") or row["recording_ref"],
        }
        if policy == "link":
            vals["recording_state"] = "link" if vals["recording_url"] else "none"
        else:
            vals.update(
                recording_state="pending",
                recording_next_try=fields.Datetime.now(),
                recording_attempts=0,
            )
        return vals

    @api.model
    def _cron_fetch_recordings(self, limit=20):
        """Download pending recordings; a failure is retried later (2, 4, 8... minutes), 5 attempts.

        Each call is fetched in its own savepoint and, when run by the cron, committed on its own: one call
        that fails in any way (no PBX, an odd answer of the provider, a bug) is counted as a failed attempt
        and never stops the others, nor makes Odoo disable the cron after repeated failures."""
        if not self.env.su:  # the system path, whatever user the cron runs as
            return self.sudo()._cron_fetch_recordings(limit=limit)
        commit = bool(self.env.context.get("cron_id"))  # never commit inside a test's transaction
        calls = self.search(
            [("recording_state", "=", "pending"), ("recording_next_try", "<=", fields.Datetime.now())],
            limit=limit,
            order="recording_next_try, id",
        )
        for call in calls:
            # what the job writes on the call (its note, an error) in the language of the call's reader
            call = call.with_context(lang=call._pbx_reader()._crm_lang())  # noqa: PLW2901
            try:
                with self.env.cr.savepoint():
                    call._pbx_fetch_recording()
            except OperationalError:
                raise  # concurrency: the cron runs the job again
            except Exception as error:
                _logger.exception("Recording of call %s: unexpected error", call.id)
                call._pbx_recording_failed(call.env._("Unexpected error: %(error)s", error=repr(error)))
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _pbx_fetch_recording(self):
        self.ensure_one()
        if not self.pbx_id:
            self._pbx_recording_failed(self.env._("The call has no PBX to download its recording from."))
            return False
        try:
            content, mimetype = self.pbx_id._pbx_download_recording(self)
        except UserError as error:
            self._pbx_recording_failed(str(error))
            return False
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"call-{self.id}.{'wav' if 'wav' in mimetype else 'mp3'}",
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                    "company_id": self.company_id.id,
                }
            )
        )
        self.write(
            {
                "recording_attachment_id": attachment.id,
                "recording_state": "done",
                "recording_error": False,
            }
        )
        self.message_post(
            body=self.env._("Call recording"), attachment_ids=attachment.ids, subtype_xmlid="mail.mt_note"
        )
        return True

    def _pbx_recording_failed(self, error):
        """Count a failed download: retried after 2, 4, 8, 16 minutes, Download Failed after 5 attempts."""
        self.ensure_one()
        attempts = self.recording_attempts + 1
        self.write(
            {
                "recording_attempts": attempts,
                "recording_error": str(error)[:250],
                "recording_state": "failed" if attempts >= 5 else "pending",
                "recording_next_try": fields.Datetime.now() + timedelta(minutes=2**attempts),
            }
        )
        _logger.info("Recording of call %s not downloaded (attempt %s): %s", self.id, attempts, error)

    @api.model
    def _cron_recording_retention(self):
        """Delete stored recordings older than their PBX's retention period, call by call: one that cannot
        be deleted is logged and the others go on."""
        if not self.env.su:  # the system path, whatever user the cron runs as
            return self.sudo()._cron_recording_retention()
        for pbx in self.env["crm.pbx"].search([("retention_days", ">", 0)]):
            limit = fields.Datetime.now() - timedelta(days=pbx.retention_days)
            calls = self.search(
                [
                    ("pbx_id", "=", pbx.id),
                    ("recording_state", "=", "done"),
                    ("date", "<", limit),
                ]
            )
            for call in calls:
                try:
                    with self.env.cr.savepoint():
                        call._pbx_delete_recording()
                except OperationalError:
                    raise
                except Exception:
                    _logger.exception("Recording of call %s could not be deleted", call.id)
        return True

    def _pbx_delete_recording(self):
        self.ensure_one()
        # only what the recording job stored on the call itself is deleted, whatever the field holds
        attachment = self.recording_attachment_id.filtered(
            lambda a: a.res_model == self._name and a.res_id == self.id
        )
        self.write({"recording_state": "deleted", "recording_attachment_id": False})
        attachment.sudo().unlink()
