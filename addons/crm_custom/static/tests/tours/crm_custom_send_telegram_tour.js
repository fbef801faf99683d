/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A salesperson sends their chatter message to the lead's Telegram chat.
registry.category("web_tour.tours").add("crm_custom_send_telegram_tour", {
    steps: () => [
        {
            content: "Open the actions of the salesperson's message",
            trigger: ".o-mail-Message:contains('Tour answer to Telegram')",
            run: "hover && click .o-mail-Message:contains('Tour answer to Telegram') [title='Expand']",
        },
        {
            content: "Send it to Telegram",
            trigger: "[title='Send to Telegram']",
            run: "click",
        },
        {
            content: "It was sent",
            trigger: ".o_notification:contains('Sent to Telegram.')",
        },
    ],
});
