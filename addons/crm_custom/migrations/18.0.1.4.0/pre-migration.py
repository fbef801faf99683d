# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.crm_custom.models.crm_lead import create_day_column


def migrate(cr, version):
    """The leads' creation day in their company's reporting timezone (``crm.lead.create_day``), filled by one
    statement before the update: Odoo would otherwise compute the new stored field lead by lead."""
    create_day_column(cr)
