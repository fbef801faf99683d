from . import main
from . import crm_lead_link
