from . import crm_card_quality_trend
from . import crm_first_contact_report
