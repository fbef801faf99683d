from . import test_pbx_extension
from . import test_webhook
from . import test_zadarma
from . import test_recording_dial
from . import test_security
from . import test_kpi_calls
from . import test_intake_concurrency
from . import test_call_trust
