from . import controllers
from . import models
from . import report
from . import wizards


def _post_init_hook(env):
    # the invoices already posted from the orders of opportunities
    env["crm.deal.invoice.line"]._rebuild()
