from . import crm_report_xlsx
from . import crm_lead_pipeline_xlsx
from . import crm_report_lead_intake
from . import crm_report_funnel
from . import crm_report_sales
from . import crm_report_activity
from . import crm_report_plan_fact
from . import crm_report_summary
