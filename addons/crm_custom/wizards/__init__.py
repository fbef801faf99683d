from . import crm_handover_wizard
