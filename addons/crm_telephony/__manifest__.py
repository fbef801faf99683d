# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Suite: Telephony",
    "summary": "PBX integration: caller card, auto-lead, missed-call callbacks, recordings, click-to-dial",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "author": "CRM Suite Authors",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "AGPL-3",
    "depends": ["crm_custom", "crm_phonecall", "web_notify"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/crm_telephony_security.xml",
        "security/crm_telephony_portfolio_security.xml",
        "security/ir.model.access.csv",
        "data/crm_telephony_data.xml",
        "data/crm_kpi_data.xml",
        "views/res_users_views.xml",
        "views/crm_pbx_views.xml",
        "views/crm_phonecall_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": ["demo/crm_telephony_demo.xml"],
    "assets": {
        "web.assets_tests": ["crm_telephony/static/tests/tours/*.js"],
    },
    "installable": True,
}
