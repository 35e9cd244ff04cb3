"""The import/export engine: one engine, many datasets (DESIGN.md, "Import datasets").

Layout:
- ``datasets.py``  :class:`Column`, :class:`Dataset` (hooks, default upsert), the registry;
- ``parsers.py``   value parsers (text, integer, decimal, boolean, date, choice, region code);
- ``readers.py``   file checks (extension, magic bytes, zip bomb, macros) and streaming row readers;
- ``engine.py``    :func:`run_import`: one transaction, a savepoint per row, every bad row reported;
- ``exporting.py`` exports (CSV with BOM or .xlsx, formula-escaped) and download templates;
- ``views.py``, ``urls.py``, ``uploads.py``: the "Data exchange" pages (upload, preview, confirm, export).
The CLI commands are ``jindu import`` and ``jindu export`` (core/management/commands).

An app adds a dataset in its ``importers.py`` (imported by its ``AppConfig.ready``)::

    from jindu.common.importing import Column, Dataset, parsers, register

    @register
    class DrugTestDataset(Dataset):
        name = "drug_tests"
        label = _("Drug tests")
        model = DrugTest
        natural_key = ("ref",)
        filterset_class = DrugTestFilterSet          # export filters = the list page's filters
        columns = (
            Column("ref", "编号", parsers.Text(max_length=40), required=True, example="DT-2024-001"),
            Column("id_number", "身份证号", required=True, field=None),   # resolved in to_fields
            Column("tested_on", "检测日期", parsers.Date(), required=True, example="2024-03-01"),
            Column("result", "结果", parsers.Choice(TestResult), required=True, example="negative"),
        )

        def to_fields(self, row, run):
            fields = super().to_fields(row, run)
            person = run.restrict(Person.objects.all()).filter(id_number=row["id_number"]).first()
            if person is None:
                raise RowError("id_number", _("Unknown person."))
            fields["person"] = person
            return fields

The default :meth:`Dataset.upsert` finds the record by the natural key, compares the field
values (an unchanged record is neither written nor audited), runs ``full_clean()``, checks the
region scope of the importing user (``object_in_scope`` with "add"/"change") and writes the
change records through ``jindu.common.audit``. Datasets whose writes carry business rules
override ``upsert`` and call their app's service.

Who imports: a user (web, or ``jindu import --user NAME``), or :data:`SYSTEM`, the built-in
system actor of command-line runs without ``--user``. SYSTEM is not a user account: audit rows
carry no user id and the actor name "system" (what ``audit.log`` records without a user), and
it is unrestricted because whoever runs ``jindu`` on the server already holds the database. A
service account would be one more account to guard, and would make ``jindu bootstrap`` believe
the instance already has its accounts. ``None`` never means SYSTEM: a missing user is refused.
"""

from . import parsers
from .datasets import (
    CREATED,
    SYSTEM,
    UNCHANGED,
    UPDATED,
    Column,
    Dataset,
    RowError,
    SystemActor,
    all_datasets,
    get,
    register,
)
from .engine import CellError, ImportResult, ImportRun, run_import
from .exporting import export_dataset, write_template
from .readers import FileRefused

__all__ = [
    "CREATED", "SYSTEM", "UNCHANGED", "UPDATED", "CellError", "Column", "Dataset", "FileRefused", "ImportResult",
    "ImportRun", "RowError", "SystemActor", "all_datasets", "export_dataset", "get", "parsers", "register",
    "run_import", "write_template",
]
