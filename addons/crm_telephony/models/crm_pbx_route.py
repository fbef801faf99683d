# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_pbx import to_e164


class CrmPbxRoute(models.Model):
    _name = "crm.pbx.route"
    _inherit = ["crm.registry.cache.mixin"]  # the PBX intake config caches the routing
    _description = "PBX Dialled Number Routing"
    _check_company_auto = True
    _order = "pbx_id, sequence, id"

    sequence = fields.Integer(default=10)
    pbx_id = fields.Many2one("crm.pbx", string="PBX", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="pbx_id.company_id", store=True, index=True)
    number = fields.Char(string="Dialled Number", required=True)
    number_e164 = fields.Char(string="Dialled Number (E.164)", compute="_compute_number_e164", store=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, check_company=True)
    # call tracking: the number published by one advert attributes its calls and their leads to it
    source_id = fields.Many2one(
        "utm.source",
        ondelete="restrict",
        help="Call tracking: calls to this number, and the leads they create, get this source (the advert "
        "or channel that publishes the number); empty: the Phone source.",
    )
    medium_id = fields.Many2one(
        "utm.medium",
        ondelete="restrict",
        help="Call tracking: calls to this number, and the leads they create, get this medium; empty: Phone.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        ondelete="restrict",
        help="Call tracking: calls to this number, and the leads they create, get this campaign.",
    )

    _sql_constraints = [
        (
            "number_pbx_uniq",
            "unique(pbx_id, number_e164)",
            "This dialled number is already routed on this PBX.",
        ),
    ]

    @api.depends("number", "pbx_id.default_country_id", "pbx_id.company_id")
    def _compute_number_e164(self):
        for route in self:
            pbx = route.pbx_id
            country = pbx.default_country_id or pbx.company_id.country_id
            route.number_e164 = to_e164(route.number, country.code) if pbx else False

    @api.constrains("number_e164", "number")
    def _check_number(self):
        for route in self:
            if route.number and not route.number_e164:
                raise ValidationError(_("The dialled number %(number)s cannot be read.", number=route.number))
