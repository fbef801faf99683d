# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon
from odoo.addons.mail.tests.common import mail_new_test_user


@tagged("post_install", "-at_install")
class TestDashboardTour(AccountTestInvoicingHttpCommon):
    """The dashboards in a real browser, and their method through the web client's RPC route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]

        def user(login, name, group):
            return mail_new_test_user(
                cls.env,
                login=login,
                name=name,
                groups=f"base.group_user,{group}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz="Europe/Moscow",
            )

        cls.salesperson = user("tour_salesperson", "Tour Salesperson", "sales_team.group_sale_salesman")
        cls.colleague = user("tour_colleague", "Other Salesperson", "sales_team.group_sale_salesman")
        cls.manager = user("tour_manager", "Tour Manager", "sales_team.group_sale_manager")
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Tour Team",
                "company_id": cls.company.id,
                "member_ids": [Command.set((cls.salesperson | cls.colleague).ids)],
            }
        )
        Partner = cls.env["res.partner"]
        cls.client = Partner.create(
            {"name": "Tour Overdue Client", "is_company": True, "user_id": cls.salesperson.id}
        )
        cls.other_client = Partner.create(
            {"name": "Other Salesperson Client", "is_company": True, "user_id": cls.colleague.id}
        )
        cls.env["crm.dashboard"]._set_landing(True)

    def _overdue_invoice(self, user, client):
        today = fields.Date.context_today(self.env.user)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": client.id,
                "invoice_date": today - timedelta(days=45),
                "invoice_date_due": today - timedelta(days=15),
                "invoice_user_id": user.id,
                "team_id": self.team.id,
                "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 500.0})],
            }
        )
        move.action_post()
        return move

    def test_salesperson_opens_the_call_backs(self):
        pbx = self.env["crm.pbx"].sudo().create({"name": "Tour PBX", "company_id": self.company.id})
        missed = (
            self.env["crm.phonecall"]
            .sudo()
            .create(
                {
                    "name": "Missed call",
                    "pbx_id": pbx.id,
                    "user_id": self.salesperson.id,
                    "team_id": self.team.id,
                    "company_id": self.company.id,
                    "partner_id": self.client.id,
                    "direction": "in",
                    "outcome": "missed",
                    "state": "done",
                    "date": fields.Datetime.now(),
                    "remote_e164": "+74951112233",
                }
            )
        )
        missed._pbx_schedule_callback()
        self.assertTrue(missed.callback_activity_id)
        deal = self.env["crm.lead"].create(
            {
                "name": "Tour deal",
                "type": "opportunity",
                "user_id": self.salesperson.id,
                "team_id": self.team.id,
            }
        )
        deal.activity_schedule(
            "mail.mail_activity_data_todo", summary="Prepare the offer", user_id=self.salesperson.id
        )
        self.start_tour("/odoo", "crm_reports_dashboard_salesperson_tour", login="tour_salesperson")

    def test_manager_opens_a_salespersons_receivables(self):
        self._overdue_invoice(self.salesperson, self.client)
        self._overdue_invoice(self.colleague, self.other_client)
        self.start_tour(
            "/odoo/action-crm_reports.crm_dashboard_action",
            "crm_reports_dashboard_manager_tour",
            login="tour_manager",
        )

    def test_rpc_refuses_another_salespersons_dashboard(self):
        """Through /web/dataset/call_kw, as the browser sends it: refused with an access error, nothing
        returned."""
        self.authenticate("tour_salesperson", "tour_salesperson")
        route = "/web/dataset/call_kw/crm.dashboard/get_dashboard"
        for kwargs in ({"user_id": self.colleague.id}, {"team_id": self.team.id}):
            with self.subTest(kwargs=kwargs), self.assertRaises(JsonRpcException) as refused:
                self.make_jsonrpc_request(
                    route,
                    {"model": "crm.dashboard", "method": "get_dashboard", "args": [], "kwargs": kwargs},
                )
            self.assertEqual(refused.exception.args[0], "odoo.exceptions.AccessError")
        own = self.make_jsonrpc_request(
            route, {"model": "crm.dashboard", "method": "get_dashboard", "args": [], "kwargs": {}}
        )
        self.assertEqual(own["subject"]["user_id"], self.salesperson.id)
        self.assertEqual(own["variant"], "salesperson")
        self.assertEqual(date.fromisoformat(own["today"]), self.company._crm_today())
