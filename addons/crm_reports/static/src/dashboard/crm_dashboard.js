/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import { Component, onWillStart, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { formatDate, parseDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { useSetupAction } from "@web/search/action_hook";
import { formatFloat, formatInteger, formatMonetary } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { CrmDashboardChart } from "./crm_dashboard_chart";
import { TILES } from "./crm_dashboard_tiles";

/**
 * CRM > Dashboard: the salesperson's day or the head of sales' department, fed by ONE call of
 * crm.dashboard.get_dashboard. Every figure is an item of that answer with the action that opens the
 * records it counts or sums.
 */
export class CrmDashboard extends Component {
    static template = "crm_reports.Dashboard";
    static components = { Layout, CrmDashboardChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.tiles = TILES;
        const saved = this.props.state || {};
        this.state = useState({
            data: null,
            period: saved.period || "month",
            view: saved.view || "",
            planKpi: saved.planKpi || false,
        });
        useSetupAction({
            getLocalState: () => ({
                period: this.state.period,
                view: this.state.view,
                planKpi: this.state.planKpi,
            }),
        });
        onWillStart(async () => {
            await Promise.all([loadBundle("web.chartjs_lib"), this.load()]);
        });
    }

    // ------------------------------------------------------------------ data

    get periods() {
        return [
            { key: "today", label: _t("Today") },
            { key: "week", label: _t("This Week") },
            { key: "month", label: _t("This Month") },
            { key: "quarter", label: _t("This Quarter") },
        ];
    }

    async load() {
        const [kind, id] = (this.state.view || "").split("-");
        this.state.data = await this.orm.call("crm.dashboard", "get_dashboard", [], {
            user_id: kind === "user" ? Number(id) : false,
            team_id: kind === "team" ? Number(id) : false,
            period: this.state.period,
        });
    }

    async setPeriod(period) {
        this.state.period = period;
        await this.load();
    }

    async onViewChange(ev) {
        this.state.view = ev.target.value;
        this.state.planKpi = false;
        await this.load();
    }

    get data() {
        return this.state.data;
    }

    get isManagerView() {
        return this.data.variant === "manager";
    }

    // ------------------------------------------------------------------ opening records

    open(item) {
        if (!item || !item.action) {
            return;
        }
        const action = item.action;
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: action.name,
            res_model: action.res_model,
            domain: action.domain,
            views: action.views,
            context: action.context,
            target: "current",
        });
    }

    openContact(contact) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: contact.partner_id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    // ------------------------------------------------------------------ formatting

    money(value) {
        return formatMonetary(value || 0, { currencyId: this.data.currency_id, digits: [16, 0] });
    }

    count(value) {
        return formatInteger(value || 0);
    }

    percent(value) {
        return `${formatFloat(value || 0, { digits: [16, 1] })} %`;
    }

    figure(value, unit) {
        if (unit === "money") {
            return this.money(value);
        }
        if (unit === "minutes") {
            return `${formatFloat(value || 0, { digits: [16, 0] })} ${_t("min")}`;
        }
        if (unit === "seconds") {
            return `${formatInteger(value || 0)} ${_t("s")}`;
        }
        return formatFloat(value || 0, { digits: [16, 0] });
    }

    date(value) {
        return value ? formatDate(parseDate(value)) : "";
    }

    trendClass(trend) {
        if (trend === null || trend === undefined || trend === 0) {
            return "text-muted";
        }
        return trend > 0 ? "text-success" : "text-danger";
    }

    progressStyle(achievement) {
        return `width: ${Math.max(0, Math.min(100, achievement || 0))}%;`;
    }

    progressClass(achievement) {
        if (achievement >= 100) {
            return "bg-success";
        }
        return achievement >= 70 ? "bg-warning" : "bg-danger";
    }

    receivablesSub(total) {
        if (!total.count) {
            return "";
        }
        return _t("%(count)s invoices, up to %(days)s days overdue", {
            count: total.count,
            days: total.days,
        });
    }

    get periodFigures() {
        const figures = this.data.period_activity || {};
        const labels = {
            calls_in: _t("Inbound Calls"),
            calls_out: _t("Outbound Calls"),
            calls_missed: _t("Missed Calls"),
            meetings: _t("Meetings"),
            deals_won: _t("Deals Won"),
            revenue: _t("Revenue"),
        };
        return Object.entries(labels)
            .filter(([key]) => figures[key])
            .map(([key, label]) => ({
                key,
                label,
                item: figures[key],
                text: key === "revenue" ? this.money(figures[key].value) : this.count(figures[key].value),
            }));
    }

    get callTiles() {
        const calls = this.data.calls || {};
        const tiles = [];
        const labels = {
            calls_in: _t("inbound"),
            calls_out: _t("outbound"),
            calls_missed: _t("missed"),
        };
        for (const [when, whenLabel] of [
            ["today", _t("Today")],
            ["week", _t("This Week")],
        ]) {
            for (const [key, label] of Object.entries(labels)) {
                if (calls[when] && calls[when][key]) {
                    tiles.push({
                        key: `${when}_${key}`,
                        label: `${whenLabel}: ${label}`,
                        item: calls[when][key],
                    });
                }
            }
        }
        return tiles;
    }

    // ------------------------------------------------------------------ charts

    get pipelineChart() {
        const items = this.data.funnel || [];
        return {
            labels: items.map((item) => item.stage),
            datasets: [{ label: _t("Deals"), items }],
        };
    }

    get funnelChart() {
        const items = this.data.funnel || [];
        return {
            labels: items.map((item) => `${item.stage} (${this.percent(item.conversion)})`),
            datasets: [{ label: _t("Deals Reached"), items }],
        };
    }

    get productsChart() {
        const items = this.data.products || [];
        return {
            labels: items.map((item) => item.product),
            datasets: [{ label: _t("Revenue"), items }],
        };
    }

    get agingChart() {
        const items = (this.data.receivables && this.data.receivables.aging) || [];
        return {
            labels: items.map((item) => `${item.bucket} ${_t("days")}`),
            datasets: [{ label: _t("Amount Due"), items }],
        };
    }

    get planKpis() {
        const seen = new Map();
        for (const item of this.data.plan || []) {
            if (!seen.has(item.kpi_id)) {
                seen.set(item.kpi_id, { id: item.kpi_id, name: item.kpi, code: item.kpi_code });
            }
        }
        return [...seen.values()];
    }

    get planKpi() {
        const kpis = this.planKpis;
        const chosen = kpis.find((kpi) => kpi.id === this.state.planKpi);
        return chosen || kpis.find((kpi) => kpi.code === "revenue") || kpis[0];
    }

    get planChart() {
        const kpi = this.planKpi;
        const items = (this.data.plan || []).filter((item) => kpi && item.kpi_id === kpi.id);
        return {
            labels: items.map((item) => item.user),
            datasets: [
                { label: _t("Actual"), items },
                { label: _t("Target"), items, key: "target", color: "#d3d3d3" },
            ],
            unit: items.length ? items[0].unit : "count",
        };
    }

    formatPlanValue(value) {
        return this.figure(value, this.planChart.unit);
    }

    setPlanKpi(kpiId) {
        this.state.planKpi = kpiId;
    }
}

registry.category("actions").add("crm_reports.dashboard", CrmDashboard);
