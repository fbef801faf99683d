# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Databases that had the Pipeline export only: give their deals a stage history (and funnel rows) from
    the chatter's stage tracking, as a new install does."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.lead.stage.history"]._backfill()
