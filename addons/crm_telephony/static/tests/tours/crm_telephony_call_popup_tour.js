/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A known client calls: the salesperson whose extension rings gets the pop-up and opens the client's card.
registry.category("web_tour.tours").add("crm_telephony_call_popup_tour", {
    steps: () => [
        {
            content: "The pop-up says who is calling",
            trigger: ".o_notification:contains('Call from +14155550101'):contains('Known Client')",
        },
        {
            content: "Open the caller's card from the pop-up",
            trigger: ".o_notification:contains('Call from +14155550101') button:contains('Open card')",
            run: "click",
        },
        {
            content: "The client's card is open",
            trigger: ".o_form_view .o_field_widget[name='name'] input:value('Known Client')",
        },
        {
            content: "The pop-up is gone once used",
            trigger: "body:not(:has(.o_notification:contains('Call from +14155550101')))",
        },
    ],
});

// An unknown number calls: the PBX events job made a lead of it, the pop-up opens that lead.
registry.category("web_tour.tours").add("crm_telephony_unknown_caller_tour", {
    steps: () => [
        {
            content: "The pop-up announces the new lead",
            trigger: ".o_notification:contains('New lead from +14155550199')",
        },
        {
            content: "Open the lead from the pop-up",
            trigger: ".o_notification:contains('New lead from +14155550199') button:contains('Open card')",
            run: "click",
        },
        {
            content: "The lead made of the call is open",
            trigger: ".o_form_view .o_field_widget[name='name'] textarea:value('Call from +14155550199')",
        },
        {
            content: "With the caller's number",
            trigger: ".o_form_view .o_field_widget[name='phone'] input:value('+14155550199')",
        },
    ],
});
