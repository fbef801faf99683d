# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

NIGHT = "2026-11-30 22:30:00"  # 01:30 on 1 December in Moscow
OPTIONS = {"quoting": '"', "separator": ",", "has_headers": True}


@tagged("post_install", "-at_install")
class TestCreateDay(TransactionCase):
    """The lead's creation day in its company's timezone (``create_day``), which the reports and the New
    Leads KPI count: set by the system on every way a lead is made, moved by the company's timezone setting,
    refused to users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.env["res.partner"].create({"name": "Day Moscow", "tz": "Europe/Moscow"})
        cls.company = cls.env["res.company"].create({"name": "Day Moscow", "partner_id": partner.id})
        cls.salesman = new_test_user(
            cls.env,
            login="create_day_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Day Team",
                "company_id": cls.company.id,
                "member_ids": [Command.set(cls.salesman.ids)],
            }
        )
        cls.values = {"user_id": cls.salesman.id, "team_id": cls.team.id, "company_id": cls.company.id}

    @contextmanager
    def _at(self, moment):
        with (
            freeze_time(moment),
            patch.object(self.env.cr, "now", return_value=datetime.fromisoformat(moment)),
        ):
            yield

    def _stored_day(self, lead):
        """The day as stored in the database (not the ORM's cache)."""
        lead.flush_recordset()
        self.env.cr.execute("SELECT create_day FROM crm_lead WHERE id = %s", [lead.id])
        return self.env.cr.fetchone()[0]

    def test_night_lead_is_a_december_lead(self):
        Lead = self.env["crm.lead"].with_user(self.salesman).with_company(self.company)
        with self._at(NIGHT):
            night = Lead.create({"name": "Night", **self.values})
        with self._at("2026-11-30 20:59:59"):  # 23:59:59 on 30 November in Moscow
            evening = Lead.create({"name": "Evening", **self.values})
        self.assertEqual(night.create_day, date(2026, 12, 1))
        self.assertEqual(self._stored_day(night), date(2026, 12, 1))
        self.assertEqual(self._stored_day(evening), date(2026, 11, 30))

    def test_company_timezone_setting_moves_it(self):
        with self._at(NIGHT):
            night = self.env["crm.lead"].create({"name": "Night", **self.values})
        other = self.env["crm.lead"].create({"name": "Main company lead", "company_id": self.env.company.id})
        other_day = self._stored_day(other)
        self.company.crm_tz = "UTC"
        self.assertEqual(night.create_day, date(2026, 11, 30))
        self.assertEqual(self._stored_day(night), date(2026, 11, 30))
        self.company.crm_tz = "Asia/Vladivostok"  # UTC+10: 08:30 on 1 December
        self.assertEqual(self._stored_day(night), date(2026, 12, 1))
        self.assertEqual(self._stored_day(other), other_day, "another company's leads keep their day")

    def test_moving_the_lead_to_another_company_moves_it(self):
        with self._at(NIGHT):
            night = self.env["crm.lead"].create({"name": "Night", **self.values})
        utc = self.env["res.company"].create({"name": "Day UTC"})
        utc.crm_tz = "UTC"
        night.write({"company_id": utc.id, "user_id": False, "team_id": False})
        self.assertEqual(self._stored_day(night), date(2026, 11, 30))

    def test_imported_leads_get_it(self):
        """Leads imported through base_import (created in one batch) are dated like any other."""
        wizard = (
            self.env["base_import.import"]
            .with_user(self.salesman)
            .create(
                {
                    "res_model": "crm.lead",
                    "file": b"name,type\nImported One,lead\nImported Two,opportunity\n",
                    "file_type": "text/csv",
                    "file_name": "leads.csv",
                }
            )
        )
        with self._at(NIGHT):
            result = wizard.execute_import(["name", "type"], ["name", "type"], dict(OPTIONS))
        self.assertFalse(result["messages"], result["messages"])
        leads = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(len(leads), 2)
        self.assertEqual(leads.company_id, self.company)
        self.assertEqual({self._stored_day(lead) for lead in leads}, {date(2026, 12, 1)})

    def test_leads_written_by_sql_are_dated_set_based(self):
        """Leads inserted by SQL (a data migration, the benchmark builder) get their day in one statement."""
        self.env.cr.execute(
            """
            INSERT INTO crm_lead (name, type, company_id, active, create_date, write_date)
            VALUES ('SQL night', 'lead', %(company)s, TRUE, %(night)s, %(night)s),
                   ('SQL noon', 'lead', %(company)s, TRUE, '2026-11-30 09:00:00', '2026-11-30 09:00:00')
            RETURNING id
            """,
            {"company": self.company.id, "night": NIGHT},
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.assertEqual(self.env["crm.lead"]._refresh_create_day(self.company), 2)
        self.assertEqual(
            [self._stored_day(lead) for lead in self.env["crm.lead"].browse(ids)],
            [date(2026, 12, 1), date(2026, 11, 30)],
        )
        self.assertEqual(self.env["crm.lead"]._refresh_create_day(self.company), 0, "nothing left to change")

    def test_users_cannot_set_it(self):
        Lead = self.env["crm.lead"].with_user(self.salesman).with_company(self.company)
        with self._at(NIGHT):
            lead = Lead.create({"name": "Night", **self.values})
        with self.assertRaisesRegex(AccessError, "set by the system only: Creation Day"):
            lead.write({"create_day": date(2026, 11, 15)})
        with self.assertRaisesRegex(AccessError, "set by the system only: Creation Day"):
            Lead.create({"name": "Backdated", "create_day": date(2026, 11, 15), **self.values})
        with self.assertRaisesRegex(AccessError, "set by the system only"):
            Lead.with_context(default_create_day="2026-11-15").create({"name": "Backdated", **self.values})
        self.assertEqual(self._stored_day(lead), date(2026, 12, 1))
        lead.write({"create_day": lead.create_day, "description": "an unchanged value is accepted"})
        self.assertFalse(Lead.search([("name", "=", "Backdated")]))
        with self._at("2026-12-05 10:00:00"):
            copy = lead.copy()
        self.assertEqual(self._stored_day(copy), date(2026, 12, 5), "a copy is dated when it is made")
