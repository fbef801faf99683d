from . import test_lost_reason
from . import test_kpi_revenue
from . import test_kpi_activity
from . import test_sales_plan
from . import test_plan_security
from . import test_motivation
from . import test_plan_realism
