/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import { Component, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { getColor } from "@web/core/colors/colors";
import { cookie } from "@web/core/browser/cookie";

/**
 * A Chart.js chart (Odoo's own web.chartjs_lib, loaded by the dashboard) whose bars open the records
 * behind them: each dataset carries, per bar, the dashboard item it shows.
 *
 * props.datasets: [{ label, items: [item], key: "value" (the figure of the item drawn) }]
 */
export class CrmDashboardChart extends Component {
    static template = "crm_reports.DashboardChart";
    static props = {
        labels: Array,
        datasets: Array,
        horizontal: { type: Boolean, optional: true },
        stacked: { type: Boolean, optional: true },
        height: { type: Number, optional: true },
        name: String,
        onOpen: Function,
        formatValue: { type: Function, optional: true },
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        useEffect(
            () => {
                this.renderChart();
            },
            () => [this.props.labels, this.props.datasets]
        );
        onWillUnmount(() => this.chart && this.chart.destroy());
    }

    get config() {
        const colorScheme = cookie.get("color_scheme");
        const format = this.props.formatValue || ((value) => value);
        const datasets = this.props.datasets.map((dataset, index) => ({
            label: dataset.label,
            data: dataset.items.map((item) => (item ? item[dataset.key || "value"] || 0 : 0)),
            backgroundColor: dataset.color || getColor(index, colorScheme, "odoo"),
            borderRadius: 3,
        }));
        const indexAxis = this.props.horizontal ? "y" : "x";
        const valueAxis = this.props.horizontal ? "x" : "y";
        return {
            type: "bar",
            data: { labels: this.props.labels, datasets },
            options: {
                indexAxis,
                maintainAspectRatio: false,
                animation: false,
                onClick: (ev) => this.onClick(ev),
                onHover: (ev, elements) => {
                    ev.native.target.style.cursor = elements.length ? "pointer" : "default";
                },
                plugins: {
                    legend: { display: datasets.length > 1 },
                    tooltip: {
                        callbacks: {
                            label: (context) =>
                                `${context.dataset.label}: ${format(context.raw, context.datasetIndex)}`,
                        },
                    },
                },
                scales: {
                    [valueAxis]: { beginAtZero: true, stacked: Boolean(this.props.stacked) },
                    [indexAxis]: { stacked: Boolean(this.props.stacked) },
                },
            },
        };
    }

    renderChart() {
        if (this.chart) {
            this.chart.destroy();
        }
        if (this.canvasRef.el && window.Chart) {
            this.chart = new window.Chart(this.canvasRef.el, this.config);
        }
    }

    onClick(ev) {
        const elements = this.chart.getElementsAtEventForMode(
            ev.native || ev,
            "nearest",
            { intersect: true },
            false
        );
        if (!elements.length) {
            return;
        }
        const { datasetIndex, index } = elements[0];
        const item = this.props.datasets[datasetIndex].items[index];
        if (item) {
            this.props.onOpen(item);
        }
    }
}
