# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Suite: Management Reports",
    "summary": "Management reports of the CRM suite: pipeline, sales, calls, with Excel export",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "CRM Suite Authors",
    "website": "https://github.com/crm-suite/crm-suite",
    "license": "AGPL-3",
    "depends": ["crm_custom", "crm_telephony", "report_xlsx"],
    "external_dependencies": {"python": ["phonenumbers", "xlsxwriter"]},
    "data": [
        "security/crm_reports_security.xml",
        "security/ir.model.access.csv",
        "report/crm_lead_pipeline_xlsx.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
