"""The import run: one file, one transaction, every bad row reported.

The whole file runs inside ``transaction.atomic()``. Each row is parsed, converted and
written in its own savepoint, so a later row can refer to a record an earlier row created,
and a database error on one row leaves the others usable for the report. When any row is
bad, or on a dry run, the transaction is rolled back at the end: nothing is written, but
the counts and the errors say exactly what the file would do. (The rollback is an internal
exception raised out of the atomic block, the same as ``transaction.set_rollback(True)``, so
that ``audit.batch()`` does not first flush rows that are thrown away.)
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from jindu.common import audit
from jindu.common.context import Source, actor_context
from jindu.common.scope import object_in_scope, restrict_queryset

from . import parsers
from .datasets import CREATED, SYSTEM, UNCHANGED, UPDATED, RowError, validation_messages
from .readers import FileRefused, file_sha256, open_table

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def starts_formula(text):
    """Whether a spreadsheet could take ``text`` for a formula: a trigger or any control character first."""
    return bool(text) and (text.startswith(FORMULA_TRIGGERS) or ord(text[0]) < 32)
MAX_VALUE_SHOWN = 200


@dataclass
class CellError:
    """One problem of one row: spreadsheet row number, column key ("" for the row), value, reason."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    dataset: str
    filename: str
    sha256: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    created_by_name: dict = field(default_factory=dict)
    committed: bool = False

    @property
    def ok(self):
        return not self.errors

    @property
    def bad_rows(self):
        return len({error.row for error in self.errors})

    def counts(self):
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class ImportRun:
    """What a dataset's hooks may ask while a file is imported: who acts, scope, the summary.

    ``state`` is the dataset's scratch space for the run (what its row hooks collect for ``after_import``)."""

    def __init__(self, dataset, actor, result):
        self.dataset, self.actor, self.result = dataset, actor, result
        self.state = {}

    @property
    def unrestricted(self):
        return self.actor is SYSTEM

    def in_scope(self, obj, action):
        return self.unrestricted or object_in_scope(self.actor, obj, action)

    def out_of_scope_message(self):
        return _("This record lies outside your region or permissions.")

    def require_scope(self, obj, action, column=""):
        if not self.in_scope(obj, action):
            raise RowError(column, self.out_of_scope_message())

    def restrict(self, queryset, action="view"):
        """``queryset`` limited to what the actor may ``action`` (references resolve only to those)."""
        return queryset if self.unrestricted else restrict_queryset(queryset, self.actor, action)

    def created_by_name(self, kind, name):
        """Report a record the import created from a name (e.g. an unknown organisation)."""
        names = self.result.created_by_name.setdefault(str(kind), [])
        if name not in names:
            names.append(name)


class _Rollback(Exception):
    pass


def clean_cell(value):
    """Strip text, undo the exporter's formula escape, and make empty cells None."""
    if value is None:
        return None
    if isinstance(value, str):
        if value[:1] == "'" and starts_formula(value[1:]):
            value = value[1:]
        return value.strip() or None
    return value


def shown(value):
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[:MAX_VALUE_SHOWN] + "…"


def model_label(dataset):
    return f"{dataset.model._meta.app_label}.{dataset.model._meta.model_name}"


def run_import(dataset, path, *, filename, actor, dry_run=False):
    """Import the file at ``path`` (sent as ``filename``) into ``dataset`` as ``actor``.

    ``actor`` is a user or :data:`SYSTEM`. Returns an :class:`ImportResult`; raises
    :class:`FileRefused` when the file as a whole cannot be imported, PermissionDenied when
    the actor may not import this dataset. A refused file, and a refused commit, leave an
    action record ``<dataset>.import_refused``; a committed import ``<dataset>.imported``.
    """
    if not dataset.can_import(actor):
        raise PermissionDenied(_("You may not import {dataset}.").format(dataset=dataset.name))
    user = None if actor is SYSTEM else actor
    result = ImportResult(dataset=dataset.name, filename=filename, dry_run=dry_run)

    def refused(**extra):
        audit.log(f"{dataset.name}.import_refused", object_type=model_label(dataset), object_repr=filename,
                  extra={"dataset": dataset.name, "dry_run": dry_run, **extra})

    with actor_context(user=user, source=Source.IMPORT, file=filename):
        try:
            result.sha256 = file_sha256(path)
            with actor_context(sha256=result.sha256), open_table(path, filename) as table:
                positions, result.ignored_columns = dataset.match_header(table.header)
                _import_rows(dataset, table, positions, ImportRun(dataset, actor, result))
        except FileRefused as error:
            refused(sha256=result.sha256, reason=error.message)
            raise
        if result.errors and not dry_run:
            refused(sha256=result.sha256, errors=len(result.errors), bad_rows=result.bad_rows, **result.counts())
    return result


def _import_rows(dataset, table, positions, run):
    result = run.result
    try:
        with parsers.run_cache(), transaction.atomic(), audit.batch():
            seen_keys = {}
            for number, cells in table.rows():
                _import_row(dataset, run, number, cells, positions, seen_keys)
            if result.errors or result.dry_run:
                raise _Rollback  # leaves audit.batch() without flushing, then rolls the transaction back
            dataset.after_import(run)
            audit.log(f"{dataset.name}.imported", object_type=model_label(dataset),
                      object_repr=result.filename, extra={"dataset": dataset.name, **result.counts(),
                             "created_by_name": result.created_by_name,
                             "ignored_columns": result.ignored_columns})
        result.committed = True
    except _Rollback:
        pass


def _import_row(dataset, run, number, cells, positions, seen_keys):
    result = run.result
    cleaned = [clean_cell(cell) for cell in cells]
    if all(cell is None for cell in cleaned):
        return  # empty rows are skipped
    result.rows += 1
    raw = {key: (cleaned[index] if index < len(cleaned) else None) for index, key in positions}

    def fail(column, message):
        result.errors.append(CellError(number, column, shown(raw.get(column)), str(message)))

    errors_before = len(result.errors)
    values = {}
    for key, value in raw.items():
        column = dataset.by_key[key]
        if value is None:
            if column.required:
                fail(key, _("A value is required."))
            values[key] = None
            continue
        try:
            values[key] = column.parser(value)
        except ValidationError as error:
            for _field, message in validation_messages(error):
                fail(key, message)
    bad = len(result.errors) > errors_before
    if not bad:
        natural = tuple(values.get(key) for key in dataset.natural_key)
        if natural in seen_keys:
            fail(dataset.natural_key[0], _("Row {row} has the same key.").format(row=seen_keys[natural]))
            return
        seen_keys[natural] = number
    if bad:
        return
    try:
        with transaction.atomic():
            outcome = dataset.upsert(dataset.to_fields(values, run), run)
    except RowError as error:
        fail(error.column, error.message)
    except ValidationError as error:
        for field_name, message in validation_messages(error):
            fail(dataset.column_for_field(field_name) if field_name else "", message)
    except PermissionDenied:
        fail(dataset.scope_column(), run.out_of_scope_message())
    except DatabaseError as error:
        fail("", _("The database refused this row: {error}").format(error=error))
    else:
        if outcome == CREATED:
            result.created += 1
        elif outcome == UPDATED:
            result.updated += 1
        elif outcome == UNCHANGED:
            result.unchanged += 1
