"""``jindu import`` and ``jindu export``: summaries on stdout, errors on stderr, exit status 2 when refused."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jindu.core.models import AuditLog, Organisation

from .helpers import HEADER, write_csv

pytestmark = pytest.mark.django_db

GOOD = [
    HEADER,
    ["城关区禁毒办", "ncc_office", "540102", "", "", ""],
    ["城关区一中", "school", "540102", "城关区禁毒办", "", ""],
]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command(*args, stdout=out, stderr=err)
    assert info.value.returncode == 2
    return str(info.value), out.getvalue(), err.getvalue()


def test_import_good_file(tmp_path):
    rows = [HEADER + ["remarks"]] + [row + [""] for row in GOOD[1:]]
    out, err = run("import", "organisations", str(write_csv(tmp_path / "orgs.csv", rows)))
    assert "2 rows, 2 created, 0 updated, 0 unchanged (imported)" in out
    assert "ignored columns: remarks" in out
    assert Organisation.objects.count() == 2
    entry = AuditLog.objects.get(action="organisations.imported")
    assert entry.actor_name == "system" and entry.actor_id is None


def test_bad_file_exits_2_and_lists_every_error_on_stderr(tmp_path):
    rows = GOOD + [["x", "spaceship", "540102", "", "", ""], ["y", "school", "999999", "", "", ""]]
    message, out, err = refused("import", "organisations", str(write_csv(tmp_path / "orgs.csv", rows)))
    assert "2 errors in 2 rows" in message
    lines = err.strip().splitlines()
    assert lines[0].startswith("row 4, column kind, value 'spaceship':")
    assert lines[1].startswith("row 5, column region_code, value '999999': Unknown region code 999999.")
    assert Organisation.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path):
    out, _ = run("import", "organisations", str(write_csv(tmp_path / "orgs.csv", GOOD)), "--dry-run")
    assert "2 created" in out and "dry run" in out
    assert Organisation.objects.count() == 0


def test_unknown_dataset_unreadable_and_unsafe_files_exit_2(tmp_path):
    path = write_csv(tmp_path / "orgs.csv", GOOD)
    assert "unknown dataset" in refused("import", "nope", str(path))[0]
    assert "cannot read" in refused("import", "organisations", str(tmp_path / "missing.csv"))[0]
    exe = tmp_path / "evil.xlsx"
    exe.write_bytes(b"MZ" + b"\x00" * 100)
    assert "evil.xlsx" in refused("import", "organisations", str(exe))[0]


def test_import_as_a_user_is_limited_to_their_scope(tmp_path, county_officer, auditor):
    rows = [HEADER, ["噶尔县禁毒办", "ncc_office", "542523", "", "", ""]]
    path = write_csv(tmp_path / "orgs.csv", rows)
    refused("import", "organisations", str(path), "--user", county_officer.username)
    assert "may not import" in refused("import", "organisations", str(path), "--user", auditor.username)[0]
    assert "no active user" in refused("import", "organisations", str(path), "--user", "ghost")[0]
    run("import", "organisations", str(path))  # the system actor may
    assert AuditLog.objects.filter(action="core.organisation.created", actor_name="system").count() == 1


def test_export_then_import_round_trip(tmp_path, county_officer):
    run("import", "organisations", str(write_csv(tmp_path / "orgs.csv", GOOD)))
    for name in ("out.csv", "out.xlsx"):
        out, _ = run("export", "organisations", str(tmp_path / name))
        assert "2 rows written" in out
        out, _ = run("import", "organisations", str(tmp_path / name), "--user", county_officer.username)
        assert "0 created, 0 updated, 2 unchanged" in out


def test_export_refuses_other_extensions_and_users_without_permission(tmp_path, auditor):
    assert ".csv or .xlsx" in refused("export", "organisations", str(tmp_path / "out.txt"))[0]
    message = refused("export", "organisations", str(tmp_path / "out.csv"), "--user", auditor.username)[0]
    assert "may not export" in message
