from . import test_lost_reason
from . import test_ui
