# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

# texts the cards, policies and plans stored in the language of whoever computed them; they are now
# rendered when read
STALE_COLUMNS = (
    ("res_partner", "card_missing"),
    ("crm_lead", "card_missing"),
    ("crm_mandatory_field", "name"),
    ("crm_sales_plan", "name"),
)


# the "Ask for feedback" actions had a title of their own, which stayed English for every reader; they now
# take the activity type's, written in each salesperson's language
FEEDBACK_ACTIONS = ("automation_feedback_won_activity", "automation_feedback_delivered_activity")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in FEEDBACK_ACTIONS:
        action = env.ref(f"crm_custom.{xmlid}", raise_if_not_found=False)
        if action and action.activity_summary == "Ask the client for feedback":
            action.activity_summary = action.activity_type_id.with_context(lang="en_US").summary
    for model in ("res.partner", "crm.lead"):
        env[model]._cron_refresh_card_scores()
    for table, column in STALE_COLUMNS:
        if sql.column_exists(cr, table, column):
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN %s", SQL.identifier(table), SQL.identifier(column)))
