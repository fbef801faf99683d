# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The KPIs now count days in the company's timezone, and calls only when a PBX reported them or
    their own user logged them: their definitions (noupdate data) are reloaded, in English and from
    i18n/*.po, with the texts of data/crm_kpi_data.xml (docs/metrics.md)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.kpi"]._reload_descriptions("crm_telephony")
