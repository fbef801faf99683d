from . import crm_handover_wizard
from . import crm_lead_intake_key_wizard
from . import crm_lead_to_opportunity
from . import crm_messenger_send_wizard
