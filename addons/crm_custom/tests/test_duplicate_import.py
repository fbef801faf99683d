# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

OPTIONS = {"quoting": '"', "separator": ",", "has_headers": True}
FIELDS = ["name", "phone", "email"]


@tagged("post_install", "-at_install")
class TestDuplicateImport(TransactionCase):
    """Importing partners through base_import goes through the duplicate guard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.ru")
        cls.existing = cls.env["res.partner"].create(
            {
                "name": "Vostok Trading",
                "company_id": cls.company.id,
                "phone": "+7 495 111-22-33",
                "email": "sales@vostok.example",
            }
        )
        # row 1 same phone as Vostok, row 2 unique, row 3 same e-mail as Vostok, row 4 same phone as row 2
        cls.csv = (
            b"name,phone,email\n"
            b"Imported One,8 495 111 22 33,one@import.example\n"
            b"Imported Two,+7 495 222-33-44,two@import.example\n"
            b"Imported Three,,SALES@vostok.example\n"
            b"Imported Four,84952223344,four@import.example\n"
        )

    def _import(self):
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": self.csv,
                "file_type": "text/csv",
                "file_name": "clients.csv",
            }
        )
        return wizard.execute_import(FIELDS, FIELDS, dict(OPTIONS))

    def _imported(self):
        return self.env["res.partner"].search([("name", "=like", "Imported %")])

    def test_block_reports_every_offending_row_and_imports_nothing(self):
        self.company.crm_duplicate_guard = "block"
        result = self._import()
        errors = [message for message in result["messages"] if message["type"] == "error"]
        by_row = {message["rows"]["from"]: message["message"] for message in errors if message.get("rows")}
        # data rows are numbered from 0 (the header is not counted)
        self.assertEqual(sorted(by_row), [0, 2, 3], result["messages"])
        self.assertIn("+74951112233", by_row[0])
        self.assertIn(f'"Vostok Trading" (ID {self.existing.id})', by_row[0])
        self.assertIn("sales@vostok.example", by_row[2])
        self.assertIn("+74952223344", by_row[3])
        self.assertIn("Imported Two", by_row[3])
        self.assertFalse(result["ids"])
        self.assertFalse(self._imported(), "block mode imports nothing when a row is refused")

    def test_warn_imports_everything_and_flags_duplicates(self):
        self.company.crm_duplicate_guard = "warn"
        result = self._import()
        self.assertFalse([m for m in result["messages"] if m["type"] == "error"], result["messages"])
        imported = self._imported()
        self.assertEqual(len(imported), 4)
        flagged = imported.filtered("is_duplicate").mapped("name")
        self.assertEqual(sorted(flagged), ["Imported Four", "Imported One", "Imported Three", "Imported Two"])
        one = imported.filtered(lambda p: p.name == "Imported One")
        self.assertEqual(one.duplicate_ids, self.existing)
        self.assertFalse(self.existing.is_duplicate, "the existing card is not touched")

    def test_off_imports_everything_unflagged(self):
        self.company.crm_duplicate_guard = "off"
        result = self._import()
        self.assertEqual(len(result["ids"]), 4)
        self.assertFalse(self._imported().filtered("is_duplicate"))
