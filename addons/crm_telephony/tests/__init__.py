from . import test_pbx_extension
