/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// A head of sales opens the Sales report, then exports it to Excel filtered on one team (the file itself is
// checked by the test, from what the download route rendered).
registry.category("web_tour.tours").add("crm_reports_export_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Reporting menu",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open the Sales report",
            trigger: ".o-dropdown-item[data-menu-xmlid='crm_reports.crm_report_sales_menu']",
            run: "click",
        },
        {
            content: "The Sales report is shown",
            trigger: ".o_breadcrumb:contains('Sales')",
        },
        {
            content: "Open the Reporting menu again",
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            content: "Open the Excel and PDF exports",
            trigger: ".o-dropdown-item[data-menu-xmlid='crm_reports.crm_report_export_menu']",
            run: "click",
        },
        {
            content: "The Sales report is chosen",
            trigger: ".modal .o_field_widget[name='report_type'] select",
            run: "select \"sales\"",
        },
        {
            content: "Filter on one team",
            trigger: ".modal .o_field_widget[name='team_ids'] input",
            run: "edit Plan Team",
        },
        {
            content: "Pick the team",
            trigger: ".ui-menu-item a:contains('Plan Team')",
            run: "click",
        },
        {
            content: "The filter is set",
            trigger: ".modal .o_field_widget[name='team_ids'] .o_tag:contains('Plan Team')",
        },
        {
            content: "Export to Excel",
            trigger: ".modal footer button[name='action_export_xlsx']",
            run: "click",
        },
        {
            content: "Once the file is sent, the dialog stays for another export (the PDF summary)",
            trigger: "body:not(.o_ui_blocked) .modal footer button[name='action_print_pdf']",
        },
        {
            content: "Close the dialog",
            trigger: ".modal footer button:contains('Cancel')",
            run: "click",
        },
        {
            content: "Back on the report",
            trigger: "body:not(:has(.modal)) .o_breadcrumb:contains('Sales')",
        },
    ],
});
