from . import res_company
from . import res_config_settings
from . import crm_lead
from . import crm_lead_lost
from . import crm_duplicate_mixin
from . import res_partner
from . import crm_client_segment
