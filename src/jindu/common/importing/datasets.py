"""Datasets: what a file's columns mean for one model, and the registry of datasets.

An app declares a :class:`Dataset` subclass in its ``importers.py`` and registers one
instance; the engine, the CLI, the web pages and the template all work from that one
declaration. See the package docstring for an example.
"""

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.scope import permission_name, restrict_queryset

from . import parsers

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
IMPORT_PERMISSION = "core.import_data"
EXPORT_PERMISSION = "core.export_data"


class SystemActor:
    """The built-in system actor of command-line imports and exports run without ``--user``.

    Not a user account on purpose: a ``system`` row in the user table would be one more
    account to protect, and ``jindu bootstrap`` creates the first accounts only while the user
    table is empty. Audit rows made under this actor have no user id and the actor name
    "system" (what ``audit.log`` writes when no user is given), and source ``import``/``cli``.
    It is unrestricted because whoever runs ``jindu`` on the server already holds the database;
    it exists only in the command-line path: the web views always pass ``request.user``, and
    ``None`` is never taken to mean "system".
    """

    pk = None
    username = "system"

    def get_username(self):
        return self.username

    def __str__(self):
        return self.username


SYSTEM = SystemActor()


class RowError(Exception):
    """A bad row found while converting or writing it; ``column`` is a column key ("" for the row)."""

    def __init__(self, column, message):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    ``key`` is the English header (the export header and the contract in DESIGN.md),
    ``label_zh`` the Chinese header of the download template (both are accepted on import).
    ``field`` names the model field the parsed value goes to: "" means the same as ``key``,
    None means no field (the dataset's ``to_fields`` uses the value itself).
    ``export`` optionally turns a record into this column's exported value.
    """

    key: str
    label_zh: str
    parser: Any = field(default_factory=parsers.Text)
    required: bool = False
    field: str | None = ""
    help: Any = ""
    example: Any = ""
    export: Any = None

    @property
    def field_name(self):
        return self.key if self.field == "" else self.field

    def describe(self):
        """Format and allowed values, for the template's explanation sheet and the upload page."""
        parts = [str(self.parser.describe())]
        if self.help:
            parts.append(str(self.help))
        return "; ".join(part for part in parts if part)


def normalise_header(text):
    """Headers match whatever the spreadsheet did to them: BOM, full-width forms, spaces, case, a "*"."""
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    return "".join(text.split()).rstrip("*").lower()


def normalise_field_value(model_field, value):
    """The value as the database would hand it back, so that comparing with a loaded record is exact."""
    if model_field.is_relation:
        return value
    if value is None and not model_field.null and isinstance(model_field, models.CharField | models.TextField):
        return ""
    if value is None:
        return value
    value = model_field.to_python(value)
    if isinstance(model_field, models.DecimalField) and model_field.decimal_places is not None:
        value = value.quantize(type(value)(1).scaleb(-model_field.decimal_places))
    return value


class Dataset:
    """Base of every dataset. Subclasses set the class attributes and override hooks as needed.

    - ``name``: the dataset name of the CLI and the URLs (``organisations``);
    - ``label``: a translatable title; ``model``: the model records are written to;
    - ``columns``: a sequence of :class:`Column`; ``natural_key``: the column keys that find
      an existing record (their columns must be present in every file);
    - ``filterset_class``: the list page's filter set, applied to exports.

    Hooks: :meth:`to_fields` (parsed row -> model field values; resolve references here),
    :meth:`upsert` (write one record; the default compares, validates, checks scope and
    audits), :meth:`after_import` (once per committed file), :meth:`export_objects` and
    :meth:`export_value`.
    """

    name = ""
    label = ""
    model = None
    columns = ()
    natural_key = ()
    filterset_class = None

    def __init__(self):
        if not self.name or self.model is None or not self.columns or not self.natural_key:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a name, a model, columns and a natural key")
        self.by_key = {column.key: column for column in self.columns}
        if len(self.by_key) != len(self.columns) or not set(self.natural_key) <= set(self.by_key):
            raise ImproperlyConfigured(f"{self.name}: duplicate column keys or an unknown natural key")

    def __str__(self):
        return str(self.label or self.name)

    # --- permissions --------------------------------------------------------------------------

    def can_import(self, actor):
        if actor is SYSTEM:
            return True
        return bool(actor and actor.is_authenticated and actor.is_active) and actor.has_perm(IMPORT_PERMISSION) and (
            actor.has_perm(permission_name(self.model, "add")) or actor.has_perm(permission_name(self.model, "change"))
        )

    def can_export(self, actor):
        if actor is SYSTEM:
            return True
        return bool(actor and actor.is_authenticated and actor.is_active) and actor.has_perm(EXPORT_PERMISSION) and (
            actor.has_perm(permission_name(self.model, "view"))
        )

    # --- header -------------------------------------------------------------------------------

    def match_header(self, header):
        """Map header cells to columns. Returns ([(cell index, column key)], [ignored header texts]).

        A required or natural-key column that is missing, or a column given twice, refuses the file.
        """
        from .readers import FileRefused

        names = {}
        for column in self.columns:
            names[normalise_header(column.key)] = column.key
            names[normalise_header(column.label_zh)] = column.key
        positions, ignored, seen = [], [], {}
        for index, text in enumerate(header):
            if not normalise_header(text):
                continue
            key = names.get(normalise_header(text))
            if key is None:
                ignored.append(str(text).strip())
            elif key in seen:
                raise FileRefused(_("The column {column} appears twice in the header.").format(column=key))
            else:
                seen[key] = index
                positions.append((index, key))
        missing = [c for c in self.columns if c.key not in seen and (c.required or c.key in self.natural_key)]
        if missing:
            raise FileRefused(_("Required columns are missing: {columns}.").format(
                columns=", ".join(f"{c.key} ({c.label_zh})" for c in missing)))
        return positions, ignored

    # --- import -------------------------------------------------------------------------------

    def to_fields(self, row, run):
        """Model field values from a parsed row (column key -> value, only the file's columns).

        Override to resolve references (raise :class:`RowError` when one does not resolve) or
        to create records by name (report them with ``run.created_by_name``).
        """
        return {self.by_key[key].field_name: value for key, value in row.items() if self.by_key[key].field_name}

    def lookup(self, fields):
        """The filter that finds the existing record of a row."""
        return {self.by_key[key].field_name: fields.get(self.by_key[key].field_name) for key in self.natural_key}

    def column_for_field(self, field_name):
        for column in self.columns:
            if column.field_name == field_name:
                return column.key
        return ""

    def scope_column(self):
        scope_field = getattr(self.model, "scope_field", None)
        return self.column_for_field(scope_field.split("__")[0]) if scope_field else ""

    def upsert(self, fields, run):
        """Create or update the record of one row; returns CREATED, UPDATED or UNCHANGED.

        An unchanged record is neither written nor audited. A record the actor cannot see, or
        would have to change outside their region, is a bad row. Models whose writes carry
        rules beyond ``full_clean()`` override this and call their app's service.
        """
        model = self.model
        concrete, m2m = {}, {}
        for name, value in fields.items():
            model_field = model._meta.get_field(name)
            if model_field.many_to_many:
                m2m[name] = list(value or [])
            else:
                concrete[name] = normalise_field_value(model_field, value)
        matches = list(model._base_manager.select_for_update().filter(**self.lookup(concrete)).order_by()[:2])
        if len(matches) > 1:
            raise RowError(self.natural_key[0], _("More than one existing record has this key."))
        instance = matches[0] if matches else None
        if instance is None:
            instance = model(**concrete)
            instance.full_clean()
            run.require_scope(instance, "add", self.scope_column())
            instance.save()
            for name, values in m2m.items():
                getattr(instance, name).set(values)
            audit.log_change(instance, "created")
            return CREATED
        if getattr(instance, "voided", False) or getattr(instance, "sealed", False):
            # A voided record is restored on its page first; a sealed one is not to be touched by an import.
            raise RowError(self.natural_key[0], _("An existing record with this key cannot be changed by an "
                                                  "import."))
        run.require_scope(instance, "view", self.scope_column())
        may_change = run.in_scope(instance, "change")
        before = audit.snapshot(instance)
        for name, value in concrete.items():
            setattr(instance, name, value)
        after = {**audit.snapshot(instance), **{name: sorted(v.pk for v in values) for name, values in m2m.items()}}
        if not audit.diff(before, after):
            return UNCHANGED
        if not may_change:
            raise RowError(self.scope_column(), run.out_of_scope_message())
        instance.full_clean()
        run.require_scope(instance, "change", self.scope_column())
        if getattr(type(instance), "versioned", False):
            instance.version += 1  # an open edit form of this record is now stale
        instance.save()
        for name, values in m2m.items():
            getattr(instance, name).set(values)
        audit.log_change(instance, "updated", before=before, after=audit.snapshot(instance))
        return UPDATED

    def after_import(self, run):
        """Called once after the last row of a file that is about to be committed (never on a dry run
        or a refused file), inside the import's transaction; the default does nothing.

        For follow-up work over everything the file wrote (``run.state`` holds what the row hooks
        collected): register it with ``transaction.on_commit`` so that it runs only once the rows
        are committed, and not at all when the transaction is rolled back.
        """

    # --- export -------------------------------------------------------------------------------

    def export_queryset(self, actor, params=None):
        """The records ``actor`` may view, filtered like the list page (``params``: its GET parameters)."""
        from jindu.common.forms import live

        queryset = live(self.model._default_manager.all())
        if actor is not SYSTEM:
            queryset = restrict_queryset(queryset, actor, "view")
        if params and self.filterset_class is not None:
            filterset = self.filterset_class(params, queryset=queryset)
            if filterset.is_valid():
                queryset = filterset.qs
        return queryset

    def export_objects(self, queryset):
        """The records in file order; override to put referenced records first."""
        return queryset.iterator(chunk_size=2000)

    def export_value(self, obj, column):
        if column.export is not None:
            return column.export(obj)
        value = getattr(obj, column.field_name) if column.field_name else None
        if isinstance(value, models.Model):
            return getattr(value, "code", None) or str(value)
        return value

    def export_row(self, obj):
        return [self.export_value(obj, column) for column in self.columns]


_registry = {}


def register(dataset):
    """Register a dataset instance (or class) under its name; returns it (usable as a class decorator)."""
    instance = dataset() if isinstance(dataset, type) else dataset
    if instance.name in _registry and type(_registry[instance.name]) is not type(instance):
        raise ImproperlyConfigured(f"import dataset {instance.name!r} is registered twice")
    _registry[instance.name] = instance
    return dataset


def get(name):
    """The dataset registered as ``name``; KeyError when there is none."""
    return _registry[name]


def all_datasets():
    return sorted(_registry.values(), key=lambda dataset: dataset.name)


def validation_messages(error):
    """(field name or "", message) pairs of a ValidationError."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                for message in item.messages:
                    yield ("" if name == "__all__" else name), message
    else:
        for message in error.messages:
            yield "", message


__all__ = [
    "CREATED", "UPDATED", "UNCHANGED", "SYSTEM", "Column", "Dataset", "RowError", "ValidationError",
    "register", "get", "all_datasets",
]
