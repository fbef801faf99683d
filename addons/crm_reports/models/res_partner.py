# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL

# month * 100 + day of the birthdate; immutable, so PostgreSQL indexes it
_BIRTHDAY_KEY_SQL = "((EXTRACT(MONTH FROM birthdate_date) * 100 + EXTRACT(DAY FROM birthdate_date))::int)"


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_birthday_key = fields.Integer(
        string="Birthday (Month and Day)",
        compute="_compute_crm_birthday_key",
        search="_search_crm_birthday_key",
        help="Month and day of the birthdate as a number (14 May: 514), whatever the year: the dashboards "
        "find the birthdays of the coming days with it.",
    )

    def init(self):
        result = super().init()
        tools.create_index(
            self.env.cr,
            "res_partner_crm_birthday_key_idx",
            self._table,
            [_BIRTHDAY_KEY_SQL],
            where="birthdate_date IS NOT NULL",
        )
        return result

    @api.depends("birthdate_date")
    def _compute_crm_birthday_key(self):
        for partner in self:
            day = partner.birthdate_date
            partner.crm_birthday_key = day.month * 100 + day.day if day else 0

    def _search_crm_birthday_key(self, operator, value):
        if operator not in ("=", "in"):
            raise NotImplementedError(f"Operator {operator} is not supported on crm_birthday_key")
        keys = [value] if operator == "=" else list(value)
        keys = [int(key) for key in keys if key and not isinstance(key, bool)]
        if not keys:
            return [("id", "=", False)]
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT id FROM res_partner WHERE birthdate_date IS NOT NULL AND %s IN %s)",
                    SQL(_BIRTHDAY_KEY_SQL),
                    tuple(keys),
                ),
            )
        ]
