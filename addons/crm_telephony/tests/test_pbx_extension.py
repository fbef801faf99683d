# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPbxExtension(TransactionCase):
    """Users carry a PBX extension, unique within their company and set by administrators only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Telephony Other Co"})
        cls.alice = new_test_user(cls.env, login="ext_alice", groups="sales_team.group_sale_salesman")
        cls.bob = new_test_user(cls.env, login="ext_bob", groups="sales_team.group_sale_salesman")
        cls.carol = new_test_user(
            cls.env,
            login="ext_carol",
            groups="sales_team.group_sale_salesman",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def test_extension_found_by_search(self):
        self.alice.pbx_extension = "101"
        found = self.env["res.users"].search([("pbx_extension", "=", "101")])
        self.assertEqual(found, self.alice)

    def test_same_extension_same_company_refused(self):
        self.alice.pbx_extension = "102"
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.bob.pbx_extension = "102"
                self.bob.flush_recordset()
        self.assertFalse(self.bob.pbx_extension)

    def test_same_extension_other_company_allowed(self):
        self.alice.pbx_extension = "103"
        self.carol.pbx_extension = "103"
        self.carol.flush_recordset()
        self.assertEqual(self.carol.pbx_extension, "103")

    def test_salesman_cannot_set_extensions(self):
        with self.assertRaises(AccessError):
            self.bob.with_user(self.alice).write({"pbx_extension": "104"})
        with self.assertRaises(AccessError):
            self.alice.with_user(self.alice).write({"pbx_extension": "105"})
        self.assertFalse(self.alice.pbx_extension)
        self.assertFalse(self.bob.pbx_extension)
