/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {useComponent} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {messageActionsRegistry} from "@mail/core/common/message_actions";
import {useService} from "@web/core/utils/hooks";

// "Send to Telegram" on a salesperson's own message in the chatter of a lead or a client: the server sends
// its text to the card's Telegram chat (and refuses with a message when the card has none).
messageActionsRegistry.add("crm-send-telegram", {
    condition: (component) =>
        ["crm.lead", "res.partner"].includes(component.props.thread?.model) &&
        component.props.message.isSelfAuthored &&
        component.props.message.message_type === "comment",
    icon: "fa fa-paper-plane",
    title: _t("Send to Telegram"),
    onClick: async (component) => {
        await component.crmOrm.call("crm.messenger.chat", "action_send_chatter_message", [
            component.props.message.id,
        ]);
        component.crmNotification.add(_t("Sent to Telegram."), {type: "success"});
    },
    setup: () => {
        const component = useComponent();
        component.crmOrm = useService("orm");
        component.crmNotification = useService("notification");
    },
    sequence: 95,
});
