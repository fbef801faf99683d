# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import sql


class CrmSalesPlanCoaching(models.Model):
    """A salesperson who needs coaching on a plan, by the realism rule. Readable by the plan's team leader
    and by sales managers only (record rules); written by the realism rule only (no user has write access)."""

    _name = "crm.sales.plan.coaching"
    _description = "Sales Plan Coaching Need"
    _order = "plan_id, user_id"
    _check_company_auto = True

    plan_id = fields.Many2one("crm.sales.plan", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    team_id = fields.Many2one(related="plan_id.team_id", store=True, index=True)

    _sql_constraints = [
        ("plan_user_unique", "unique(plan_id, user_id)", "A salesperson is listed once per plan."),
    ]

    def init(self):
        # Plans kept this list in a many2many table readable with the plan: move it here once.
        cr = self.env.cr
        if sql.table_exists(cr, "crm_sales_plan_coaching_rel"):
            cr.execute(
                """
                INSERT INTO crm_sales_plan_coaching (plan_id, user_id, company_id, team_id,
                                                     create_uid, create_date, write_uid, write_date)
                SELECT r.plan_id, r.user_id, p.company_id, p.team_id, 1, now() AT TIME ZONE 'UTC',
                       1, now() AT TIME ZONE 'UTC'
                  FROM crm_sales_plan_coaching_rel r
                  JOIN crm_sales_plan p ON p.id = r.plan_id
                ON CONFLICT (plan_id, user_id) DO NOTHING
                """
            )
            cr.execute("DROP TABLE crm_sales_plan_coaching_rel")
