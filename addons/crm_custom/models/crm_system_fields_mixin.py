# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import _, api, models
from odoo.exceptions import AccessError
from odoo.tools import lazy_classproperty

_logger = logging.getLogger(__name__)

# values of the ``system`` field parameter
ALWAYS = True  # set by the system on every record
OWNED = "owned"  # set by the system on the records it owns (_system_owned_records), by users on the others


class CrmSystemFieldsMixin(models.AbstractModel):
    """Fields set by the system (PBX, jobs, KPI inputs) are refused to users at the model level.

    A model inherits this mixin and marks its fields with the ``system`` parameter::

        recording_url = fields.Char(system=True)      # only the system sets it, on every record
        direction = fields.Selection(system="owned")  # only the system sets it on the records it owns

    ``system=True``: a user's ``create`` that gives the field a value other than its default (in the
    values, through a ``default_`` context key or a user default) and a user's ``write`` that changes it
    are refused with an AccessError; a copy made by a user leaves it out. ``system="owned"``: the same on
    the records ``_system_owned_records()`` returns (e.g. the calls a PBX reported), which users also
    cannot delete; users set the field freely on the other records (e.g. the calls they log themselves).
    Writing the value a field already has is accepted (a form saving an unchanged value).

    The system path is superuser mode (``env.su``): the webhooks once they have authenticated the PBX,
    the cron jobs, and code that computed the values itself and writes them with ``_system_write`` /
    ``_system_create``. No RPC call runs in superuser mode, and a context key never opens the system
    path (the context of an RPC call is user input). See docs/security.md.
    """

    _name = "crm.system.fields.mixin"
    _description = "Fields Set by the System"

    @lazy_classproperty
    def _system_fields(cls):
        """Names of the ``system=True`` fields (computed once per model class of the registry)."""
        return frozenset(
            name for name, field in cls._fields.items() if getattr(field, "system", None) is ALWAYS
        )

    @lazy_classproperty
    def _system_owned_fields(cls):
        """Names of the ``system="owned"`` fields."""
        return frozenset(
            name for name, field in cls._fields.items() if getattr(field, "system", None) == OWNED
        )

    @classmethod
    def _init_constraints_onchanges(cls):
        result = super()._init_constraints_onchanges()
        # the names above are memoized on the registry class, which Odoo keeps while it loads the next
        # modules: forget them when the model is set up again, or the system fields that a later module adds
        # (crm_reports on crm.lead) would not be refused until the server restarts
        for name in ("_system_fields", "_system_owned_fields"):
            if name in cls.__dict__:
                delattr(cls, name)
        return result

    def _valid_field_parameter(self, field, name):
        return name == "system" or super()._valid_field_parameter(field, name)

    # ------------------------------------------------------------------ policy hooks

    def _system_owned_records(self):
        """The records of ``self`` that the system owns: their ``system="owned"`` fields are the system's
        and users cannot delete them. None by default."""
        return self.browse()

    def _system_path(self):
        """Whether the caller is the system path (superuser mode), see the class docstring."""
        return self.env.su

    # ------------------------------------------------------------------ system path helpers

    def _system_write(self, vals):
        """Write ``vals``, computed by the calling code itself (never values received from a user), as the
        system, on records the current user may write."""
        self.check_access("write")
        return self.sudo().write(vals)

    @api.model
    def _system_create(self, vals_list):
        """Create records from values the calling code computed itself, as the system, if the current user
        may create records of this model; returns them in the caller's environment."""
        self.check_access("create")
        return self.sudo().create(vals_list).with_env(self.env)

    # ------------------------------------------------------------------ CRUD

    def _prepare_create_values(self, vals_list):
        # after the defaults were added: a value can come from the context or a user default too
        result = super()._prepare_create_values(vals_list)
        if self._system_fields and not self._system_path():
            refused = set()
            for vals in result:
                refused.update(
                    name
                    for name in self._system_fields.intersection(vals)
                    if self._system_differs(self, name, vals[name], default=True)
                )
            if refused:
                self._system_refuse(refused)
        return result

    def write(self, vals):
        if not self._system_path():
            self._system_check_write(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if self._system_fields and not self._system_path():
            for vals in vals_list:
                for name in self._system_fields.intersection(vals):
                    del vals[name]
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_except_system_owned(self):
        if self._system_owned_fields and not self._system_path() and self._system_owned_records():
            raise AccessError(
                _(
                    "These %(model)s records were made by the system and cannot be deleted.",
                    model=self._description,
                )
            )

    # ------------------------------------------------------------------ checks

    def _system_check_write(self, vals):
        always = self._system_fields.intersection(vals)
        owned = self._system_owned_fields.intersection(vals)
        if not (always or owned):  # the usual write: nothing is read
            return
        refused = {name for name in always if self._system_differs(self, name, vals[name])}
        owned_records = self._system_owned_records() if owned else self.browse()
        refused.update(name for name in owned if self._system_differs(owned_records, name, vals[name]))
        if refused:
            self._system_refuse(refused)

    @api.model
    def _system_differs(self, records, name, value, default=False):
        """Whether ``value`` (as given to create/write) differs from the value of field ``name`` on one of
        ``records`` or, with ``default``, from the field's default."""
        field = self._fields[name]

        def normalise(val, record):
            if field.type in ("one2many", "many2many"):
                # commands apply to the record's current value (validate), to none for a new record
                return frozenset(field.convert_to_cache(val, record, validate=bool(record)) or ())
            return field.convert_to_cache(val, record, validate=False) or False

        if default:
            current = field.default(self) if field.default else False
            return normalise(value, self) != normalise(current, self)
        return any(normalise(value, record) != normalise(record[name], record) for record in records)

    def _system_refuse(self, names):
        labels = sorted(self._fields[name]._description_string(self.env) for name in names)
        _logger.info(
            "User %s refused to set the system fields %s of %s", self.env.uid, sorted(names), self._name
        )
        raise AccessError(
            _(
                "These fields of %(model)s are set by the system only: %(fields)s.",
                model=self._description,
                fields=", ".join(labels),
            )
        )
