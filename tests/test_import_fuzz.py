"""Fuzzed imports (security requirement: "fuzzed import inputs (Hypothesis, >= 10,000) and 5xx seen (0)").

Every registered dataset gets generated files: CSV in UTF-8, UTF-8 with BOM or GB18030, or a real .xlsx; English
or Chinese headers in any order, columns missing, repeated or unknown; cells drawn from the column's own example,
valid and invalid codes, dates in many spellings, numbers out of range, formulas, control characters, Tibetan and
Chinese text, very long strings. The engine must answer every one with a result (rows accepted or errors per cell)
or a refusal of the whole file; any other exception is what a user would see as a 500. The run is a dry run (the
preview of the upload page), so it exercises parsing, lookups, model validation, scope checks and the business
services, then rolls back; the test checks that nothing was written.

Before the fuzzing, each dataset's own template example row is imported (in registry order), so that generated
rows can refer to existing records (a seizure to the example case, a drug test to the example person).

``JINDU_FUZZ_IMPORTS`` sets the number of inputs over all datasets (default 10,000); a sample of them also goes
through the upload page (HTTP status < 500).
"""

import csv
import functools
import io
import math
import os
import random
import tempfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from jindu.common.identifiers import id_check_char
from jindu.common.importing import SYSTEM, all_datasets, get, parsers, run_import
from jindu.common.importing.readers import FileRefused
from jindu.common.testing import create_user

pytestmark = pytest.mark.django_db

DATASETS = sorted(dataset.name for dataset in all_datasets())
TOTAL = int(os.environ.get("JINDU_FUZZ_IMPORTS", "10000"))
PER_DATASET = max(20, math.ceil(TOTAL / max(1, len(DATASETS))))
HTTP_EVERY = 25  # one input in 25 also goes through the upload page
TRIED = {}
UNEXPECTED = {}
HTTP_5XX = {}

REGION_CODES = ["540000", "540100", "540102", "540103", "542500", "542523", "540200", "999999", "54010", "5401020"]
DATES = ["2024-03-01", "2024/3/1", "20240301", "2024年3月1日", "2024-02-30", "1899-12-31", "9999-12-31", "3/1/2024",
         "2024-13-01", "yesterday", "45000", "2024-03-01T10:00:00"]
NUMBERS = ["0", "1", "-1", "3.14", "38.12", "1e308", "-1e-308", "NaN", "inf", "１２", "1,000", "12 g", "0x10",
           "99999999999999999999999", "0.0000001"]
BOOLEANS = ["是", "否", "yes", "no", "true", "false", "1", "0", "Y", "maybe"]
HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "\x00", "\t", "\r\n",
           "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "NULL", "None", "   ", "\ufeff",
           "བོད་ལྗོངས་", "城关区", "𠀀𠀁", "\u202e", "x" * 5000]


def id_number(body):
    return body + id_check_char(body)


ID_NUMBERS = st.builds(
    lambda area, birth, seq: id_number(f"{area}{birth}{seq:03d}"),
    st.sampled_from(["540102", "540103", "542523", "110101"]),
    st.sampled_from(["19800101", "19991231", "20050229", "20240101", "19000101"]),
    st.integers(0, 999),
)


@functools.cache
def cell_values(column):
    """A strategy of cell values for ``column``: its example, values of its kind, and hostile text."""
    parser = column.parser
    options = [st.sampled_from(HOSTILE), st.text(max_size=40), st.just("")]
    if column.example not in ("", None):
        options += [st.just(str(column.example))] * 3
    if isinstance(parser, parsers.Choice):
        options += [st.sampled_from([*parser.choices.values, *[str(label) for label in parser.choices.labels]])] * 3
    elif isinstance(parser, parsers.RegionCode):
        options += [st.sampled_from(REGION_CODES)] * 3
    elif isinstance(parser, parsers.Date):
        options += [st.sampled_from(DATES), st.dates().map(str)]
    elif isinstance(parser, parsers.Integer | parsers.Decimal):
        options += [st.sampled_from(NUMBERS), st.integers(-10**6, 10**9).map(str),
                    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)]
    elif isinstance(parser, parsers.Boolean):
        options += [st.sampled_from(BOOLEANS)]
    if "id_number" in column.key or "id_no" in column.key:
        options += [ID_NUMBERS] * 3
    if getattr(parser, "max_length", None):
        options.append(st.just("字" * (parser.max_length + 1)))
    return st.one_of(options)


@st.composite
def import_files(draw, dataset):
    """(bytes, file name) of one generated import file for ``dataset``."""
    columns = list(dataset.columns)
    keep = [column for column in columns if column.required or draw(st.booleans()) or draw(st.booleans())]
    if draw(st.integers(0, 9)) == 0 and keep:
        keep.remove(draw(st.sampled_from(keep)))  # a required column may go missing
    keep = draw(st.permutations(keep))
    chinese = draw(st.booleans())
    header = [column.label_zh if chinese else column.key for column in keep]
    if draw(st.integers(0, 14)) == 0:
        header.append(draw(st.sampled_from(["备注", "unknown", "", header[0] if header else "x"])))
    rows = [header]
    for _row in range(draw(st.integers(0, 4))):
        row = [draw(cell_values(column)) for column in keep]
        if len(header) > len(keep):
            row.append(draw(st.text(max_size=10)))
        if draw(st.integers(0, 9)) == 0:
            row = row[: draw(st.integers(0, len(row)))]  # a short row
        rows.append(row)
    kind = draw(st.sampled_from(["utf-8"] * 3 + ["utf-8-sig", "gb18030"] * 2 + ["xlsx"]))
    if kind == "xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        for row in rows:
            sheet.append([_xlsx_safe(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), f"{dataset.name}.xlsx"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    try:
        data = text.encode(kind)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, f"{dataset.name}.csv"


def _xlsx_safe(value):
    """openpyxl refuses control characters in cells; a spreadsheet program would not have written them."""
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32) if isinstance(value, str) else value


@pytest.fixture
def seeded(db, tmp_path):
    """Each dataset's template example row, imported in registry order, so that references resolve."""
    for dataset in all_datasets():
        path = tmp_path / f"seed-{dataset.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([column.key for column in dataset.columns])
            writer.writerow([str(column.example) for column in dataset.columns])
        run_import(dataset, path, filename=path.name, actor=SYSTEM)


def _row_count(model):
    return model._default_manager.count()


@pytest.mark.parametrize("name", DATASETS)
def test_fuzzed_import_never_fails_unexpectedly(name, seeded, client, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    dataset = get(name)
    users = [create_user(f"fuzz_region_{name}", ["regional_officer"], "540000"),
             create_user(f"fuzz_county_{name}", ["county_officer"], "540102")]
    before = _row_count(dataset.model)
    rng = random.Random(name)
    TRIED[name] = 0
    UNEXPECTED[name] = 0
    HTTP_5XX[name] = 0

    @hypothesis_settings(max_examples=PER_DATASET, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])
    @given(generated=import_files(dataset), as_county=st.booleans())
    def check(generated, as_county):
        data, filename = generated
        actor = users[1] if as_county else users[0]
        TRIED[name] += 1
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / filename
            path.write_bytes(data)
            try:
                result = run_import(dataset, path, filename=filename, actor=actor, dry_run=True)
            except FileRefused:
                pass
            except Exception:
                UNEXPECTED[name] += 1
                raise
            else:
                assert not result.committed
                for error in result.errors:
                    assert str(error.message).strip(), error  # every refusal says why
        if rng.randrange(HTTP_EVERY) == 0:
            client.force_login(actor)
            response = client.post(reverse("importing:upload", args=[name]),
                                   {"file": SimpleUploadedFile(filename, data)})
            if response.status_code >= 500:
                HTTP_5XX[name] += 1
            assert response.status_code < 500, (filename, response.status_code)

    check()
    assert _row_count(dataset.model) == before, "a dry run wrote rows"


def test_fuzz_figures(security_figures):
    if len(TRIED) < len(DATASETS):
        pytest.skip("the fuzz tests did not all run")
    security_figures["fuzzed_import_datasets"] = len(TRIED)
    security_figures["fuzzed_import_inputs"] = sum(TRIED.values())
    security_figures["fuzzed_import_unexpected_errors"] = sum(UNEXPECTED.values())
    security_figures["fuzzed_import_http_5xx"] = sum(HTTP_5XX.values())
    assert sum(TRIED.values()) >= min(TOTAL, 10_000) or TOTAL < 10_000


@pytest.mark.parametrize("name", DATASETS)
def test_template_example_values_are_valid(name):
    """The download template's example row shows values the import accepts (a check digit that fails would teach
    users to doubt the validation)."""
    for column in get(name).columns:
        if column.example not in ("", None):
            column.parser(str(column.example))
