/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// The salesperson followed the "Mark Lost" link of a lead e-mail: the lead is open with the lost-reason
// dialog over it; they give a reason and the lead is lost.
registry.category("web_tour.tours").add("crm_custom_lead_mark_lost_tour", {
    steps: () => [
        {
            content: "The lead's form is behind the dialog",
            trigger: ".o_breadcrumb .active:contains('Link deal')",
        },
        {
            content: "The lost-reason dialog is open",
            trigger: ".modal .o_field_widget[name='lost_reason_id'] input",
            run: "edit Link: no budget",
        },
        {
            content: "Pick the reason",
            trigger: ".ui-menu-item a:contains('Link: no budget')",
            run: "click",
        },
        {
            content: "Mark as lost",
            trigger: ".modal button[name='action_lost_reason_apply']",
            run: "click",
        },
        {
            content: "The form shows the Lost ribbon",
            trigger: ".o_form_view .ribbon:contains('Lost')",
        },
    ],
});
