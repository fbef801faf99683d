# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import sql


def migrate(cr, version):
    """The leads' creation day in their company's reporting timezone (``crm.lead.create_day``), filled by one
    statement before the update: Odoo would otherwise compute the new stored field lead by lead."""
    if not sql.column_exists(cr, "res_company", "crm_tz"):
        return  # no reporting timezone yet: Odoo computes the days once it has added both
    if not sql.column_exists(cr, "crm_lead", "create_day"):
        sql.create_column(cr, "crm_lead", "create_day", "date")
    cr.execute(
        """
        UPDATE crm_lead target SET create_day = src.day
          FROM (SELECT lead.id,
                       ((lead.create_date AT TIME ZONE 'UTC')
                         AT TIME ZONE COALESCE(cmp.crm_tz, 'UTC'))::date AS day
                  FROM crm_lead lead
                  LEFT JOIN res_company cmp ON cmp.id = lead.company_id) src
         WHERE target.id = src.id AND target.create_day IS DISTINCT FROM src.day
        """
    )
