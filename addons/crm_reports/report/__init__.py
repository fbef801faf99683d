from . import crm_lead_pipeline_xlsx
