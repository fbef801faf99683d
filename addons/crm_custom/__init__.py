from . import controllers
from . import models
from . import report
from . import wizards


def _post_init_hook(env):
    # the invoices already posted from the orders of opportunities
    env["crm.deal.invoice.line"]._rebuild()
    # installed on a database with leads: their creation days were filled before the companies' reporting
    # timezones were computed; set them again from those timezones (only the days that change are written)
    env["crm.lead"]._refresh_create_day()
