# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Suite: Cards, Data Quality and Plans",
    "summary": "Client and deal cards with data-quality control, sales plans and KPIs from the books",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite Authors",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "AGPL-3",
    "depends": [
        "crm",
        "sale_management",
        "account",
        "contacts",
        "calendar",
        "phone_validation",
        "partner_contact_gender",
        "partner_contact_birthdate",
    ],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "views/res_config_settings_views.xml",
        "views/crm_lead_lost_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
        "security/crm_custom_security.xml",
        "security/ir.model.access.csv",
        "data/crm_kpi_data.xml",
        "views/crm_sales_plan_views.xml",
        "views/crm_sales_plan_menus.xml",
    ],
    "demo": [
        "demo/crm_sales_plan_demo.xml",
    ],
    "installable": True,
    "application": False,
}
