# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import sql


def product_interest_count_column(cr):
    """Add ``crm_lead.product_interest_count`` filled in one statement (install on a database with leads,
    migration), instead of Odoo computing the new stored field lead by lead."""
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


class CrmLead(models.Model):
    _inherit = "crm.lead"

    stage_history_ids = fields.One2many(
        "crm.lead.stage.history", "lead_id", groups="sales_team.group_sale_salesman"
    )
    # the lead intake report counts a lead as its rows split by product without joining the products
    # (system=True: only the system sets it, docs/security.md)
    product_interest_count = fields.Integer(
        string="Number of Products of Interest",
        compute="_compute_product_interest_count",
        store=True,
        readonly=True,
        system=True,
        copy=False,
        help="Number of products of interest of the lead (its rows in the Lead Intake report).",
    )

    def _auto_init(self):
        if not sql.column_exists(self.env.cr, self._table, "product_interest_count"):
            product_interest_count_column(self.env.cr)
        return super()._auto_init()

    @api.depends("product_ids")
    def _compute_product_interest_count(self):
        for lead in self:
            lead.product_interest_count = len(lead.product_ids)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._stage_history_record()
        return leads

    def write(self, vals):
        if not vals.get("stage_id"):
            return super().write(vals)
        # crm's own write reads the old stages of the batch too: no extra query
        moved = self.filtered(lambda lead: lead.stage_id.id != vals["stage_id"])
        result = super().write(vals)
        moved._stage_history_record()
        return result

    def _stage_history_record(self):
        """One statement for the batch: the deals enter their current stage now (see the history model)."""
        if not self:
            return
        self.env["crm.lead.stage.history"]._record(
            [(lead.id, lead.stage_id.id, lead.company_id.id) for lead in self],
            fields.Datetime.now(),
            self.env.uid,
        )

    @api.model
    def _interested_in(self, product_ids):
        """Ids of the leads (archived ones included) with one of ``product_ids`` among their products of
        interest, in one query."""
        if not product_ids:
            return []
        self.flush_model(["product_ids"])
        self.env.cr.execute(
            "SELECT DISTINCT lead_id FROM crm_lead_product_interest_rel WHERE product_id = ANY(%s)",
            [list(product_ids)],
        )
        return [lead_id for (lead_id,) in self.env.cr.fetchall()]

    @api.model
    def _refresh_product_interest_count(self, lead_ids=None):
        """Set the number of products of interest of ``lead_ids`` (every lead when None) from the relation, in
        one statement (leads or products of interest written by SQL); only the rows that change are
        written."""
        self.flush_model(["product_ids", "product_interest_count"])
        self.env.cr.execute(
            """
            UPDATE crm_lead target SET product_interest_count = src.n
              FROM (SELECT lead.id, COUNT(rel.product_id) AS n
                      FROM crm_lead lead
                      LEFT JOIN crm_lead_product_interest_rel rel ON rel.lead_id = lead.id
                     WHERE %(all)s OR lead.id = ANY(%(lead_ids)s)
                     GROUP BY lead.id) src
             WHERE target.id = src.id AND target.product_interest_count IS DISTINCT FROM src.n
            """,
            {"all": lead_ids is None, "lead_ids": list(lead_ids or [])},
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["product_interest_count"])
        return count
