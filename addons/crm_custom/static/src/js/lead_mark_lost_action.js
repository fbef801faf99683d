/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

/**
 * Where the "Mark Lost" link of Odoo's lead e-mails leads when the lead's company requires a lost reason
 * (/lead/case_mark_lost redirects to /odoo/action-crm_custom.lead_mark_lost?lead_id=<id>): the lead's form,
 * with Odoo's lost-reason dialog open on it. The form is shown again once the dialog closes.
 */
async function leadMarkLost(env, action) {
    const leadId = action.params && action.params.lead_id;
    const formAction = {
        type: "ir.actions.act_window",
        res_model: "crm.lead",
        res_id: leadId,
        views: [[false, "form"]],
        target: "current",
    };
    await env.services.action.doAction(formAction, {clearBreadcrumbs: true});
    await env.services.action.doAction("crm.crm_lead_lost_action", {
        additionalContext: {active_id: leadId, active_ids: [leadId], active_model: "crm.lead"},
        onClose: () => env.services.action.doAction(formAction, {stackPosition: "replaceCurrentAction"}),
    });
}

registry.category("actions").add("crm_custom.lead_mark_lost", leadMarkLost);
