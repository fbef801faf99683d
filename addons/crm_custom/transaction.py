# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Transaction isolation for the suite's concurrent entry points (lead intake, PBX webhook and events job)."""

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import sql_db


def read_committed(cr):
    """Run the transaction of ``cr`` in READ COMMITTED instead of Odoo's REPEATABLE READ.

    The suite's entry points that serialise concurrent requests on a lock (an advisory lock per client for
    the lead intake, the call's row for the PBX webhook and its events job) call it before their first
    write: the second request waits for the first to commit, and under READ COMMITTED its next statements
    see what the first one committed (the lead to attach to, the call row to merge into) instead of failing
    with a serialization error, which Odoo would answer by replaying the whole request after a random pause
    of up to 2 seconds. The transaction has only read so far (a token, a configuration), so it is restarted
    at the new level; the next request on that connection gets Odoo's level again. Test cursors are left as
    they are: the TestCursor an HttpCase shares with its server, and the TransactionCase cursor, whose
    rollback the test framework replaces on the instance."""
    if type(cr) is not sql_db.Cursor or "rollback" in vars(cr):
        return
    if cr._cnx.isolation_level != ISOLATION_LEVEL_READ_COMMITTED:
        cr.rollback()
        cr._cnx.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
