from . import report_help
from . import crm_report_mixin
from . import crm_lead_stage_history
from . import crm_lead_stage_reach
from . import crm_lead
from . import crm_stage
from . import res_company
from . import crm_demo_story
