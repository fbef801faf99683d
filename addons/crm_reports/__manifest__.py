# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Suite: Management Reports",
    "summary": "Management reports that reconcile: lead intake, funnel, sales, department activity, plan vs "
    "fact; Excel and PDF",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "author": "CRM Suite Authors",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "AGPL-3",
    "depends": ["crm_custom", "crm_telephony", "report_xlsx"],
    "external_dependencies": {"python": ["phonenumbers", "xlsxwriter"]},
    "data": [
        "security/crm_reports_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/crm_lead_views.xml",
        "report/crm_report_lead_intake_views.xml",
        "report/crm_report_funnel_views.xml",
        "report/crm_report_sales_views.xml",
        "report/crm_report_activity_views.xml",
        "report/crm_report_plan_fact_views.xml",
        "wizards/crm_report_export_views.xml",
        "views/crm_dashboard_views.xml",
        "views/res_config_settings_views.xml",
        "report/crm_lead_pipeline_xlsx.xml",
        "report/crm_report_export_reports.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "crm_reports/static/src/dashboard/**/*",
        ],
        "web.assets_tests": [
            "crm_reports/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
