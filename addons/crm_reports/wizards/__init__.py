from . import crm_report_export
from . import crm_cross_sell
from . import crm_cross_sell_line
