from . import crm_report_export
