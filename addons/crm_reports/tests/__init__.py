from . import test_pipeline_xlsx
