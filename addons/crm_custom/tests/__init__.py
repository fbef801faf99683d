from . import test_lost_reason
