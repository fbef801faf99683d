# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    crm_task_ids = fields.One2many(
        "crm.stage.task",
        "stage_id",
        string="Tasks on Entering",
        help="Activities every deal gets when it enters this stage (for the companies where the process "
        "Stage Tasks is on).",
    )
