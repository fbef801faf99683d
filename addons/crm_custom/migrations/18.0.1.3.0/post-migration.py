# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    # the journal item -> opportunity attribution is now kept in a table: fill it from the posted invoices
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.deal.invoice.line"]._rebuild()
