/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import { _t } from "@web/core/l10n/translation";

/**
 * The tiles of the dashboards: their label, and their definition (the tooltip), which is word for word the
 * tile's line in docs/metrics.md (a test checks it).
 */
export const TILES = {
    activities_today: {
        label: _t("Activities Today"),
        help: _t(
            "Activities of the salesperson due today (today in the company's reporting timezone), whatever the record they are on."
        ),
    },
    activities_overdue: {
        label: _t("Overdue Activities"),
        help: _t("Activities of the salesperson due before today, still to do."),
    },
    callbacks: {
        label: _t("Missed Calls to Call Back"),
        help: _t(
            "Call-back activities of the salesperson still to do: one per missed inbound call, scheduled by the telephony and done when the caller is reached."
        ),
    },
    idle_deals: {
        label: _t("Deals Without a Next Activity"),
        help: _t(
            "Open opportunities (neither won nor lost) of the salesperson, of the team or of the company without any planned activity."
        ),
    },
    receivables: {
        label: _t("Overdue Receivables"),
        help: _t(
            "Amount still due, in the company currency, of the posted customer invoices not or partly paid whose due date is before today (Odoo's Overdue filter), of the salesperson (the invoice's salesperson) or of the team (the invoice's sales team); days overdue counted from the oldest due date."
        ),
    },
    rank: {
        label: _t("Rank in the Team"),
        help: _t(
            "Place of the salesperson among the salespeople of their current plan by weighted achievement: the achievements of their plan lines averaged with the lines' weights, each actual being the KPI's value so far."
        ),
    },
    plan: {
        label: _t("Plan Progress"),
        help: _t(
            "Per KPI of the salesperson's current plan (the open plan containing today: a month's plan, or a quarter's for the quarter): target, actual so far (the department activity report's sum for the salesperson and the plan's period, which is the KPI registry's value), achievement and run-rate forecast."
        ),
    },
    pipeline: {
        label: _t("My Pipeline"),
        help: _t(
            "The salesperson's open opportunities now, per stage: their number and expected revenue (not weighted by probability)."
        ),
    },
    period_activity: {
        label: _t("My Figures of the Period"),
        help: _t(
            "The salesperson's calls, meetings, deals won and revenue in the period: the KPI registry's definitions, from the department activity report."
        ),
    },
    products: {
        label: _t("Top 10 Products"),
        help: _t(
            "The 10 products with the most invoiced revenue in the period (sales report: untaxed, company currency, credit notes negative) for the salesperson, the team or the company."
        ),
    },
    birthdays: {
        label: _t("Birthdays in the Next 7 Days"),
        help: _t(
            "Contacts (individuals) of the salesperson's clients, or whose salesperson is the salesperson, with a birthday in the next 7 days, today included."
        ),
    },
    plan_fact: {
        label: _t("Plan vs Fact"),
        help: _t(
            "Per salesperson of the current plans of the team (or of every team): target and actual so far of the chosen KPI, as in Plan Progress."
        ),
    },
    ranking: {
        label: _t("Ranking"),
        help: _t(
            "Salespeople of the current plans by weighted achievement, as in Rank in the Team, with their revenue so far in the plan's period."
        ),
    },
    funnel: {
        label: _t("Funnel"),
        help: _t(
            "The opportunities created in the period (the cohort), per stage reached: how many reached it and the share of them that reached a later stage (funnel report)."
        ),
    },
    calls: {
        label: _t("Calls"),
        help: _t(
            "Inbound, outbound and missed calls of the team (the call's sales team) or of the company today and this week: the telephony KPIs, from the department activity report."
        ),
    },
    card_quality: {
        label: _t("Card Quality"),
        help: _t(
            "Per salesperson: the card-quality score of the latest daily snapshot and its change against the previous snapshot (card-quality table)."
        ),
    },
};
