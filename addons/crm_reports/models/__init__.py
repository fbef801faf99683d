from . import crm_lead_stage_history
from . import crm_lead
