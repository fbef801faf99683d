# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import sql


def migrate(cr, version):
    """The number of products of interest of each lead (``crm.lead.product_interest_count``), filled by one
    statement before the update: Odoo would otherwise compute the new stored field lead by lead."""
    if not sql.column_exists(cr, "crm_lead", "product_interest_count"):
        # a constant default fills the existing rows without rewriting the table
        cr.execute("ALTER TABLE crm_lead ADD COLUMN product_interest_count int4 DEFAULT 0")
        cr.execute("ALTER TABLE crm_lead ALTER COLUMN product_interest_count DROP DEFAULT")
    cr.execute(
        """
        UPDATE crm_lead target SET product_interest_count = src.n
          FROM (SELECT rel.lead_id, COUNT(*) AS n
                  FROM crm_lead_product_interest_rel rel
                 GROUP BY rel.lead_id) src
         WHERE target.id = src.lead_id AND target.product_interest_count IS DISTINCT FROM src.n
        """
    )
