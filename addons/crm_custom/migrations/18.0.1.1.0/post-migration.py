# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The KPIs now count days in the company's timezone: their definitions (noupdate data) say so."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.kpi"]._reload_descriptions("crm_custom")
