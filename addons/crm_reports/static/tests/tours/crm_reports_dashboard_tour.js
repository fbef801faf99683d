/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// A salesperson opens CRM: the dashboard; the missed-calls tile opens the call backs to make.
registry.category("web_tour.tours").add("crm_reports_dashboard_salesperson_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "The CRM opens on the salesperson's dashboard",
            trigger: ".o_crm_dashboard .o_crm_dashboard_subject:contains('Tour Salesperson')",
        },
        {
            content: "One missed call waits for a call back",
            trigger: ".o_crm_dashboard_tile[data-tile='callbacks'] .o_crm_dashboard_value:contains('1')",
        },
        {
            content: "Open the missed calls to call back",
            trigger: ".o_crm_dashboard_tile[data-tile='callbacks']",
            run: "click",
        },
        {
            content: "The call backs are listed",
            trigger: ".o_list_view .o_data_row:contains('Call back +74951112233')",
        },
        {
            content: "Only them",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Prepare the offer')))",
        },
    ],
});

// A head of sales switches to a salesperson and opens the salesperson's overdue invoices.
registry.category("web_tour.tours").add("crm_reports_dashboard_manager_tour", {
    steps: () => [
        {
            content: "The head of sales' dashboard",
            trigger: ".o_crm_dashboard .o_crm_dashboard_tile[data-tile='today_calls_missed']",
        },
        {
            content: "Switch to a salesperson",
            trigger: "select.o_crm_dashboard_view",
            run: "selectByLabel Tour Salesperson",
        },
        {
            content: "The salesperson's dashboard",
            trigger: ".o_crm_dashboard .o_crm_dashboard_subject:contains('Tour Salesperson')",
        },
        {
            content: "Open the salesperson's overdue receivables",
            trigger: ".o_crm_dashboard_tile[data-tile='receivables']",
            run: "click",
        },
        {
            content: "The overdue invoice is listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Overdue Client')",
        },
        {
            content: "Not the invoice of another salesperson",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Other Salesperson Client')))",
        },
    ],
});
