"""The import engine, exercised with the real organisations dataset."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from jindu.common.importing import SYSTEM, FileRefused, get
from jindu.common.testing import create_user, region
from jindu.core.models import AuditLog, Organisation

from .helpers import HEADER, errors_of, import_file, write_csv

pytestmark = pytest.mark.django_db

GOOD = [
    HEADER,
    ["拉萨市禁毒委员会办公室", "ncc_office", "540100", "", "拉萨市", "0891-6000000"],
    ["城关区禁毒委员会办公室", "ncc_office", "540102", "拉萨市禁毒委员会办公室", "北京中路", ""],
    ["城关区第一中学", "school", "540102", "", "", ""],
]


def change_records():
    return AuditLog.objects.filter(action__in=["core.organisation.created", "core.organisation.updated"]).count()


def test_good_file_creates_every_row_with_audit(tmp_path, officer):
    result = import_file(write_csv(tmp_path / "orgs.csv", GOOD), officer)
    assert result.ok and result.committed
    assert (result.rows, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert Organisation.objects.count() == 3
    created = AuditLog.objects.filter(action="core.organisation.created")
    assert created.count() == 3
    for entry in created:
        assert entry.actor_id == officer.pk and entry.source == "import"
        assert entry.extra["file"] == "orgs.csv" and entry.extra["sha256"] == result.sha256
    summary = AuditLog.objects.get(action="organisations.imported")
    assert summary.extra["created"] == 3 and summary.extra["sha256"] == result.sha256
    assert summary.object_repr == "orgs.csv"


def test_a_bad_row_writes_nothing_and_every_bad_row_is_reported(tmp_path, officer):
    rows = [HEADER] + [[f"unit {i}", "school", "540102", "", "", ""] for i in range(1000)]
    rows[500][2] = "999999"  # spreadsheet row 501
    rows[700][1] = "spaceship"  # row 701
    rows[900][0] = ""  # row 901
    audit_before = AuditLog.objects.count()
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), officer)
    assert not result.committed
    assert errors_of(result) == [(501, "region_code"), (701, "kind"), (901, "name")]
    error = result.errors[0]
    assert error.value == "999999" and "999999" in error.message
    assert Organisation.objects.count() == 0
    assert result.created == 997  # what the good rows would have done
    refused = AuditLog.objects.filter(seq__gt=audit_before)
    assert [entry.action for entry in refused] == ["organisations.import_refused"]
    assert refused[0].extra["errors"] == 3


def test_reimport_changes_nothing(tmp_path, officer):
    path = write_csv(tmp_path / "orgs.csv", GOOD)
    import_file(path, officer)
    changes = change_records()
    before = {org.name: org.last_updated for org in Organisation.objects.all()}
    result = import_file(path, officer)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert change_records() == changes
    assert {org.name: org.last_updated for org in Organisation.objects.all()} == before
    assert AuditLog.objects.filter(action="organisations.imported").count() == 2


def test_changed_row_updates_its_record(tmp_path, officer):
    import_file(write_csv(tmp_path / "orgs.csv", GOOD), officer)
    changed = [row[:] for row in GOOD]
    changed[3][4] = "金珠西路 8 号"
    result = import_file(write_csv(tmp_path / "orgs2.csv", changed), officer)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Organisation.objects.get(name="城关区第一中学").address == "金珠西路 8 号"
    update = AuditLog.objects.get(action="core.organisation.updated")
    assert update.extra["changed"] == ["address"]
    assert update.before["address"] == "" and update.after["address"] == "金珠西路 8 号"


def test_columns_absent_from_the_file_are_left_alone(tmp_path, officer):
    import_file(write_csv(tmp_path / "orgs.csv", GOOD), officer)
    rows = [["name", "kind", "region_code"], ["拉萨市禁毒委员会办公室", "ncc_office", "540100"]]
    result = import_file(write_csv(tmp_path / "short.csv", rows), officer)
    assert result.unchanged == 1
    assert Organisation.objects.get(name="拉萨市禁毒委员会办公室").phone == "0891-6000000"


def test_dry_run_reports_and_writes_nothing(tmp_path, officer):
    audit_before = AuditLog.objects.count()
    result = import_file(write_csv(tmp_path / "orgs.csv", GOOD), officer, dry_run=True)
    assert result.ok and not result.committed and result.created == 3
    assert Organisation.objects.count() == 0
    assert AuditLog.objects.count() == audit_before


def test_same_key_twice_in_one_file_is_a_bad_row(tmp_path, officer):
    rows = GOOD + [["城关区第一中学", "school", "540102", "", "other address", ""]]
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), officer)
    assert errors_of(result) == [(5, "name")]
    assert "4" in result.errors[0].message


def test_headers_are_matched_by_key_or_chinese_label_loosely(tmp_path, officer):
    rows = [
        [" NAME ", "类　别", "行政区划代码*", "\ufeffaddress", "remarks"],
        ["城关区禁毒办", "school", "540102", "x", "y"],
    ]
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), officer)
    assert result.ok and result.created == 1
    assert result.ignored_columns == ["remarks"]
    assert Organisation.objects.get().address == "x"


def test_missing_required_column_refuses_the_file(tmp_path, officer):
    path = write_csv(tmp_path / "orgs.csv", [["name", "kind"], ["a", "school"]])
    with pytest.raises(FileRefused) as info:
        import_file(path, officer)
    assert "region_code" in info.value.message
    assert AuditLog.objects.filter(action="organisations.import_refused").exists()


def test_a_column_given_twice_refuses_the_file(tmp_path, officer):
    path = write_csv(tmp_path / "orgs.csv", [["name", "名称", "kind", "region_code"], ["a", "a", "school", "540102"]])
    with pytest.raises(FileRefused):
        import_file(path, officer)


def test_empty_rows_are_skipped_and_row_numbers_stay_true(tmp_path, officer):
    rows = [HEADER, ["", "", "", "", "", ""], ["a", "school", "540102", "", "", ""], [],
            ["b", "school", "99", "", "", ""]]
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), officer)
    assert result.rows == 2
    assert errors_of(result) == [(5, "region_code")]


def test_exporter_apostrophe_is_removed(tmp_path, officer):
    rows = [HEADER, ["'=cmd", "school", "540102", "", "'-5 road", "'+86 891"]]
    import_file(write_csv(tmp_path / "orgs.csv", rows), officer)
    org = Organisation.objects.get()
    assert (org.name, org.address, org.phone) == ("=cmd", "-5 road", "+86 891")


def test_a_database_error_on_one_row_leaves_the_other_rows_checkable(tmp_path, officer, monkeypatch):
    original = Organisation.save

    def failing_save(self, *args, **kwargs):
        if self.name == "城关区禁毒委员会办公室":  # a real error of the database (it aborts a PostgreSQL transaction)
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_simulated")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Organisation, "save", failing_save)
    result = import_file(write_csv(tmp_path / "orgs.csv", GOOD), officer)
    assert errors_of(result) == [(3, "")]
    assert "no_such_table_simulated" in result.errors[0].message
    assert result.created == 2
    assert Organisation.objects.count() == 0


def test_system_actor_is_unrestricted_and_named_system(tmp_path):
    result = import_file(write_csv(tmp_path / "orgs.csv", GOOD), SYSTEM)
    assert result.created == 3
    entry = AuditLog.objects.filter(action="core.organisation.created").first()
    assert entry.actor_id is None and entry.actor_name == "system" and entry.source == "import"


def test_no_user_is_not_the_system_actor(tmp_path):
    with pytest.raises(PermissionDenied):
        import_file(write_csv(tmp_path / "orgs.csv", GOOD), None)


def test_import_needs_the_import_permission(tmp_path, sysadmin):
    """The system administrator may edit organisations but holds no import permission."""
    with pytest.raises(PermissionDenied):
        import_file(write_csv(tmp_path / "orgs.csv", GOOD), sysadmin)
    leader = create_user("leader", ["leader"], "540000")
    assert not get("organisations").can_import(leader)
    assert get("organisations").can_export(leader)


def test_out_of_scope_rows_are_bad_rows(tmp_path, county_officer):
    rows = [HEADER, ["城关区禁毒办", "ncc_office", "540102", "", "", ""],
            ["噶尔县禁毒办", "ncc_office", "542523", "", "", ""]]
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), county_officer)
    assert errors_of(result) == [(3, "region_code")]
    assert "outside" in result.errors[0].message
    assert Organisation.objects.count() == 0


def test_records_of_other_regions_cannot_be_changed_or_moved(tmp_path, county_officer):
    Organisation.objects.create(name="噶尔县禁毒办", kind="ncc_office", region=region("542523"))
    Organisation.objects.create(name="城关区禁毒办", kind="ncc_office", region=region("540102"))
    rows = [HEADER, ["噶尔县禁毒办", "ncc_office", "540102", "", "", ""],
            ["城关区禁毒办", "ncc_office", "542523", "", "", ""]]
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), county_officer)
    assert errors_of(result) == [(2, "region_code"), (3, "region_code")]
    assert Organisation.objects.get(name="噶尔县禁毒办").region.code == "542523"
    assert Organisation.objects.get(name="城关区禁毒办").region.code == "540102"


@pytest.mark.parametrize(("rows", "dry_run", "called"), [(GOOD, False, True), (GOOD, True, False),
                                                         ([HEADER, ["x", "spaceship", "540102", "", "", ""]],
                                                          False, False)])
def test_after_import_runs_once_and_only_for_a_committed_file(tmp_path, officer, monkeypatch, rows, dry_run,
                                                              called):
    dataset = get("organisations")
    seen = []

    def after_import(run):  # what a dataset's override sees: the whole file written, not yet committed
        seen.append((run.result.created, run.state, Organisation.objects.count()))

    monkeypatch.setattr(dataset, "after_import", after_import)
    result = import_file(write_csv(tmp_path / "orgs.csv", rows), officer, dry_run=dry_run)
    assert result.committed is called
    assert seen == ([(3, {}, 3)] if called else [])
