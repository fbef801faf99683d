# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import sql


def migrate(cr, version):
    """Texts shown in the reader's language: the cards keep the keys of the rules they miss (filled in
    batches after the update, not in one computation of every card), and the hand-over notes written
    before keep their text."""
    for table in ("res_partner", "crm_lead"):
        if not sql.column_exists(cr, table, "card_missing_keys"):
            sql.create_column(cr, table, "card_missing_keys", "varchar")
    if sql.column_exists(cr, "crm_handover_line", "note") and not sql.column_exists(
        cr, "crm_handover_line", "note_text"
    ):
        sql.rename_column(cr, "crm_handover_line", "note", "note_text")
