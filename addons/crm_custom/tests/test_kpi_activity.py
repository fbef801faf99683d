# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .plan_common import PlanCommon

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@tagged("post_install", "-at_install")
class TestKpiActivity(PlanCommon):
    """Deals won, proposals sent, meetings and new leads, counted from their own records."""

    def _actual(self, kpi, user, period=MARCH, team=None):
        key = (user.id if user else False, (team or self.team).id, *period)
        return kpi._compute_actuals([key], self.company)[key]

    def _opportunity(self, user, name="Deal"):
        return self.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "user_id": user.id,
                "team_id": self.team.id,
                "company_id": self.company.id,
                "partner_id": self.customer.id,
            }
        )

    def test_deals_won_by_closing_date(self):
        with freeze_time("2026-03-10 09:00:00"):
            (self._opportunity(self.salesman_1) | self._opportunity(self.salesman_1)).action_set_won()
            self._opportunity(self.salesman_2).action_set_won()
            reason = self.env["crm.lost.reason"].create({"name": "Too late"})
            self._opportunity(self.salesman_1).action_set_lost(lost_reason_id=reason.id)
        with freeze_time("2026-04-02 09:00:00"):
            self._opportunity(self.salesman_1).action_set_won()
        self._opportunity(self.salesman_1)  # still open
        self.assertEqual(self._actual(self.kpi_deals_won, self.salesman_1), 2)
        self.assertEqual(self._actual(self.kpi_deals_won, False), 3, "team line: both salespeople")

    def test_proposals_sent_first_time(self):
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "user_id": user.id,
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                    "order_line": [Command.create({"product_id": self.product_a.id, "product_uom_qty": 1})],
                }
                for user in (self.salesman_1, self.salesman_1, self.salesman_1)
            ]
        )
        with freeze_time("2026-03-15 10:00:00"):
            orders[:2].action_quotation_sent()
        self.assertEqual(orders[0].crm_first_sent_date, datetime(2026, 3, 15, 10, 0, 0))
        with freeze_time("2026-04-03 10:00:00"):
            orders[0].write({"state": "draft"})
            orders[0].action_quotation_sent()  # sent again: keeps its first date
            orders[2].action_quotation_sent()
        self.assertEqual(orders[0].crm_first_sent_date, datetime(2026, 3, 15, 10, 0, 0))
        self.assertEqual(self._actual(self.kpi_proposals_sent, self.salesman_1), 2)
        self.assertEqual(
            self._actual(self.kpi_proposals_sent, self.salesman_1, (date(2026, 4, 1), date(2026, 4, 30))), 1
        )

    def test_meetings_held_with_customer_or_deal(self):
        deal = self._opportunity(self.salesman_1)
        colleague = self.salesman_2.partner_id
        Event = self.env["calendar.event"].with_context(mail_create_nolog=True, no_mail_to_attendees=True)

        def meeting(name, start, partners, opportunity=False):
            return Event.create(
                {
                    "name": name,
                    "user_id": self.salesman_1.id,
                    "start": start,
                    "stop": start.replace(hour=start.hour + 1),
                    "partner_ids": [Command.set(partners.ids)],
                    "opportunity_id": opportunity and opportunity.id,
                }
            )

        meeting("Customer visit", datetime(2026, 3, 3, 10), self.customer | self.salesman_1.partner_id)
        meeting("Deal review", datetime(2026, 3, 4, 10), self.salesman_1.partner_id, opportunity=deal)
        meeting("Internal sync", datetime(2026, 3, 5, 10), self.salesman_1.partner_id | colleague)
        meeting("Not held yet", datetime(2026, 3, 30, 10), self.customer)
        meeting("April visit", datetime(2026, 4, 2, 10), self.customer)
        with freeze_time("2026-03-20 12:00:00"):
            self.assertEqual(self._actual(self.kpi_meetings, self.salesman_1), 2)
            self.assertEqual(self._actual(self.kpi_meetings, False), 2, "team line: the organiser's team")
        with freeze_time("2026-05-01 12:00:00"):
            self.assertEqual(self._actual(self.kpi_meetings, self.salesman_1), 3)

    def test_leads_new_counts_created_including_lost(self):
        today = fields.Date.today()
        period = (today.replace(day=1), today)
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Lead {n}",
                    "user_id": self.salesman_1.id,
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                }
                for n in range(3)
            ]
        )
        leads[0].action_archive()
        self.env["crm.lead"].create(
            {
                "name": "Other",
                "user_id": self.salesman_2.id,
                "team_id": self.team.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(self._actual(self.kpi_leads_new, self.salesman_1, period), 3)
        self.assertEqual(self._actual(self.kpi_leads_new, False, period), 4)

    def test_one_query_per_kpi_for_many_keys(self):
        keys = [
            (user.id, self.team.id, date(2026, month, 1), date(2026, month, 28))
            for user in (self.salesman_1, self.salesman_2)
            for month in range(1, 13)
        ]
        self.assertFalse(self.company.crm_plan_revenue_paid_only)  # in cache before counting
        kpis = self.env["crm.kpi"].search([])
        kpis.mapped("compute_method")  # the KPI records themselves are read before counting
        self.env.flush_all()
        for kpi in kpis:
            with self.assertQueryCount(2):  # SET LOCAL jit = off, then the aggregate
                result = kpi._compute_actuals(keys, self.company)
            self.assertEqual(set(result), set(keys))

    def test_kpi_with_unknown_method_refused(self):
        # a module's data (the system path) naming a method that does not exist
        with self.assertRaises(ValidationError):
            self.env["crm.kpi"].sudo().create(
                {"name": "Calls", "code": "calls_x", "compute_method": "_compute_actuals_no_such_method"}
            )
        self.assertFalse(self.env["crm.kpi"].search([("code", "=", "calls_x")]))
