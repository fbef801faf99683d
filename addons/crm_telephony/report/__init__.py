from . import crm_phonecall_report
