# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.crm_reports.models.crm_lead import product_interest_count_column


def migrate(cr, version):
    """The number of products of interest of each lead (``crm.lead.product_interest_count``), filled by one
    statement before the update: Odoo would otherwise compute the new stored field lead by lead."""
    product_interest_count_column(cr)
