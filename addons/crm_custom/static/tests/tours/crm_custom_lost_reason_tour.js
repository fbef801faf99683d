/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A salesperson marks a deal lost: the dialog refuses to go on without a reason, then accepts one.
registry.category("web_tour.tours").add("crm_custom_lost_reason_tour", {
    steps: () => [
        {
            content: "Open the Lost dialog of the deal",
            trigger: ".o_form_view .o_statusbar_buttons button[data-hotkey='l']",
            run: "click",
        },
        {
            content: "Try to mark it lost without a reason",
            trigger: ".modal button[name='action_lost_reason_apply']",
            run: "click",
        },
        {
            content: "The reason is flagged as required and the dialog stays open",
            trigger: ".modal .o_field_widget.o_field_invalid[name='lost_reason_id']",
        },
        {
            content: "Type the reason",
            trigger: ".modal .o_field_widget[name='lost_reason_id'] input",
            run: "edit Tour: too expensive",
        },
        {
            content: "Pick it",
            trigger: ".ui-menu-item a:contains('Tour: too expensive')",
            run: "click",
        },
        {
            content: "Mark as lost",
            trigger: ".modal button[name='action_lost_reason_apply']",
            run: "click",
        },
        {
            content: "The deal shows the Lost ribbon",
            trigger: ".o_form_view .ribbon:contains('Lost')",
        },
    ],
});
