from . import crm_card_quality_trend
