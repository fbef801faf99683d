/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A head of sales sets this month's plan of a team: a revenue target for a salesperson; on opening the
// plan the actual comes from the books and the achievement shows the progress.
registry.category("web_tour.tours").add("crm_custom_plan_progress_tour", {
    steps: () => [
        {
            content: "Create a plan",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "For the team",
            trigger: ".o_form_view .o_field_widget[name='team_id'] input",
            run: "edit Plan Team",
        },
        {
            content: "Pick the team",
            trigger: ".ui-menu-item a:contains('Plan Team')",
            run: "click",
        },
        {
            content: "Add a line",
            trigger: ".o_field_widget[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "For a salesperson",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='user_id'] input",
            run: "edit plan_salesman_1",
        },
        {
            content: "Pick the salesperson",
            trigger: ".ui-menu-item a:contains('plan_salesman_1')",
            run: "click",
        },
        {
            content: "The KPI",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='kpi_id'] input",
            run: "edit Revenue",
        },
        {
            content: "Pick Revenue",
            trigger: ".ui-menu-item a:contains('Revenue')",
            run: "click",
        },
        {
            content: "The target",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row .o_field_widget[name='target'] input",
            run: "edit 1000",
        },
        {
            content: "Save the plan",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Open the plan",
            trigger: ".o_form_view .o_form_saved button[name='action_open']",
            run: "click",
        },
        {
            content: "The plan is open",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Open')",
        },
        {
            content: "The actual comes from the month's invoices",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Revenue') td[name='actual']:contains('500.00')",
        },
        {
            content: "Half of the target is achieved",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Revenue') td[name='achievement']:contains('50')",
        },
    ],
});
