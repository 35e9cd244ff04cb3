"""Backups: encrypted and consistent; restore; the restore drill checks migrations, rows and the audit chain."""

import base64
import io
import os
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jindu.common import audit, backup
from jindu.common.testing import region
from jindu.core.models import AuditLog, Organisation, RestoreDrill

pytestmark = pytest.mark.django_db


@pytest.fixture
def backup_env(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("JINDU_BACKUP_KEY", base64.b64encode(os.urandom(32)).decode())
    settings.JINDU_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "files"
    (settings.MEDIA_ROOT / "persons").mkdir(parents=True)
    (settings.MEDIA_ROOT / "persons" / "photo-1.jpg").write_bytes(b"\xff\xd8\xff" + b"photo" * 100)
    return tmp_path


def make_backup():
    out = io.StringIO()
    call_command("backup", stdout=out)
    return backup.latest_backup(), out.getvalue()


def test_backup_is_encrypted_and_audited(backup_env):
    Organisation.objects.create(name="备份测试单位", kind="other", region=region("540102"))
    path, out = make_backup()
    assert path is not None and path.suffix == ".jbk" and "backup written" in out
    data = path.read_bytes()
    assert data.startswith(backup.MAGIC)
    for clear in ("备份测试单位".encode(), b"core_auditlog", b"CREATE TABLE", b"manifest", b"photo"):
        assert clear not in data
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    entry = AuditLog.objects.get(action="core.backup.created")
    assert entry.source == "cli" and entry.extra["files"] == 1


def test_backup_holds_a_consistent_snapshot_with_manifest(backup_env, tmp_path):
    path, _ = make_backup()
    work = tmp_path / "unpacked"
    work.mkdir()
    manifest = backup.unpack(path, work)
    assert manifest["vendor"] == connection.vendor and manifest["files"] == 1
    assert (work / "files" / "persons" / "photo-1.jpg").read_bytes().startswith(b"\xff\xd8\xff")
    assert manifest["row_counts"]["core_region"] > 70
    assert ["core", "0003_security"] in manifest["migrations"]
    assert manifest["audit_head"]["seq"] >= 1


def test_restore_drill_passes_and_is_recorded(backup_env):
    path, _ = make_backup()
    out = io.StringIO()
    call_command("restore_drill", stdout=out)
    drill = RestoreDrill.objects.get()
    assert drill.ok, drill.problems
    assert drill.rows_checked > 0 and drill.audit_rows >= 1 and drill.seconds > 0
    assert drill.backup_file.endswith(path.name) and drill.backup_age is not None
    assert "restore drill passed" in out.getvalue()
    assert AuditLog.objects.filter(action="core.restore_drill.passed", object_id=str(drill.pk)).count() == 1


def test_a_tampered_backup_fails_the_drill(backup_env):
    path, _ = make_backup()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        call_command("restore_drill", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    drill = RestoreDrill.objects.get()
    assert not drill.ok and "does not decrypt" in drill.problems[0]
    assert AuditLog.objects.filter(action="core.restore_drill.failed").count() == 1


def test_a_truncated_backup_is_refused(backup_env, tmp_path):
    path, _ = make_backup()
    truncated = tmp_path / "cut.jbk"
    truncated.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(backup.BackupError):
        backup.unpack(truncated, tmp_path)


def test_another_key_cannot_read_the_backup(backup_env, monkeypatch, tmp_path):
    path, _ = make_backup()
    monkeypatch.setenv("JINDU_BACKUP_KEY", base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(backup.BackupError, match="another JINDU_BACKUP_KEY"):
        backup.unpack(path, tmp_path)


def test_backup_without_a_key_is_refused(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("JINDU_BACKUP_KEY", raising=False)
    settings.JINDU_BACKUP_DIR = tmp_path
    with pytest.raises(CommandError, match="JINDU_BACKUP_KEY"):
        call_command("backup", stdout=io.StringIO())


def test_the_drill_finds_a_broken_audit_chain(backup_env, tmp_path):
    """A backup whose audit log was altered (by the database owner) fails the drill at that row."""
    if connection.vendor != "sqlite":
        pytest.skip("the altered copy is made with sqlite3")
    path, _ = make_backup()
    work = tmp_path / "w"
    work.mkdir()
    manifest = backup.unpack(path, work)
    db = sqlite3.connect(work / manifest["database_file"])
    db.execute("DROP TRIGGER IF EXISTS core_auditlog_no_update")
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')
    db.execute("UPDATE core_auditlog SET actor_name = 'mallory' WHERE seq = 1")
    db.commit()
    db.close()
    with backup.scratch_database(manifest, work) as alias:
        ok, checked, broken, reason = audit.verify(using=alias)
    assert not ok and broken == 1


def test_restore_into_an_empty_database(backup_env, tmp_path, settings):
    """`restore` loads the snapshot and the files (into a scratch SQLite database here)."""
    if connection.vendor != "sqlite":
        pytest.skip("restores into a scratch SQLite file")
    from django.db import connections

    Organisation.objects.create(name="还原测试单位", kind="other", region=region("540102"))
    path, _ = make_backup()
    work = tmp_path / "w"
    work.mkdir()
    manifest = backup.unpack(path, work)
    target = tmp_path / "restored.sqlite3"
    sqlite3.connect(target).close()
    from django.db.utils import load_backend

    alias = "restore_target"
    settings_dict = {**connections["default"].settings_dict, "NAME": str(target)}
    setattr(connections._connections, alias, load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict,
                                                                                                   alias))
    try:
        backup.restore_database(manifest, work, alias=alias)
        assert Organisation.all_objects.using(alias).filter(name="还原测试单位").exists()
    finally:
        connections[alias].close()
        delattr(connections._connections, alias)
    settings.MEDIA_ROOT = tmp_path / "restored-files"
    assert backup.restore_files(work) == 1
    assert (Path(settings.MEDIA_ROOT) / "persons" / "photo-1.jpg").exists()


def test_restore_needs_confirmation(backup_env):
    path, _ = make_backup()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path), stdout=io.StringIO())
