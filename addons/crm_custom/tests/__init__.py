from . import test_lost_reason
from . import test_ui
from . import test_duplicate_guard
from . import test_duplicate_import
from . import test_partner_card
from . import test_card_quality
from . import test_card_quality_table
