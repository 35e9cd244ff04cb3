"""The audit log: append-only, hash-chained, verifiable; only the audit administrator reads it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from jindu.common import audit
from jindu.common.context import actor_context
from jindu.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _write(n=3):
    with actor_context(source="cli"):
        for i in range(n):
            audit.log("test.event", object_type="test.thing", object_id=str(i), extra={"i": i})


def _tamper(sql, params):
    """What a database owner could do behind the application's back: disable the guard and edit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditlog DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditlog ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditlog_no_update")
            cursor.execute("DROP TRIGGER core_auditlog_no_delete")
            cursor.execute(sql, params)


def test_chain_is_intact_after_writes():
    _write()
    ok, checked, broken, reason = audit.verify()
    assert ok, reason
    assert checked == AuditLog.objects.count() and broken is None
    seqs = list(AuditLog.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_tampered_row_breaks_the_chain_at_that_row():
    _write(5)
    victim = AuditLog.objects.filter(action="test.event").order_by("seq")[2]
    _tamper("UPDATE core_auditlog SET object_repr = %s WHERE id = %s", ["forged", victim.pk])
    ok, _, broken, reason = audit.verify()
    assert not ok and broken == victim.seq and "hash" in reason
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert f"seq={victim.seq}" in str(error.value)


def test_deleted_row_breaks_the_chain():
    _write(4)
    victim = AuditLog.objects.filter(action="test.event").order_by("seq")[1]
    _tamper("DELETE FROM core_auditlog WHERE id = %s", [victim.pk])
    ok, _, broken, _ = audit.verify()
    assert not ok and broken == victim.seq + 1


def test_truncated_tail_is_noticed():
    _write(3)
    last = AuditLog.objects.order_by("-seq").first()
    _tamper("DELETE FROM core_auditlog WHERE id = %s", [last.pk])
    ok, _, _, reason = audit.verify()
    assert not ok and "head" in reason


def test_database_refuses_update_and_delete():
    _write(1)
    row = AuditLog.objects.order_by("-seq").first()
    for sql in ("UPDATE core_auditlog SET action = 'x' WHERE id = %s", "DELETE FROM core_auditlog WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).action == "test.event"


def test_orm_refuses_update_and_delete():
    _write(1)
    row = AuditLog.objects.order_by("-seq").first()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()


def test_verify_command_reports_intact_chain(capsys):
    _write(2)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def test_rows_carry_actor_source_and_request(officer):
    with actor_context(user=officer, source="api", request_id="req-1", remote_addr="10.0.0.5"):
        entry = audit.log("test.event", extra={"k": "v"})
    row = AuditLog.objects.get(pk=entry.pk)
    assert (row.actor_id, row.actor_name, row.source, row.request_id, row.remote_addr) == (
        officer.pk, officer.username, "api", "req-1", "10.0.0.5")


def test_audit_page_filters_and_search(client, auditor):
    _write(3)
    client.force_login(auditor)
    response = client.get(reverse("core:auditlog_list"), {"action": "test.", "q": "2"})
    assert response.status_code == 200
    rows = list(response.context["table"].data)
    assert [r.object_id for r in rows] == ["2"]
    entry = AuditLog.objects.filter(action="test.event").first()
    assert client.get(reverse("core:auditlog", args=[entry.pk])).status_code == 200


def test_sensitive_views_are_audited(client, officer):
    from jindu.common.testing import region
    from jindu.core.models import Organisation

    org = Organisation.objects.create(name="某单位", kind="other", region=region("540102"))
    Organisation.audit_views = True
    try:
        client.force_login(officer)
        client.get(reverse("core:organisation", args=[org.pk]))
    finally:
        Organisation.audit_views = False
    assert AuditLog.objects.filter(action="core.organisation.viewed", object_id=str(org.pk), actor=officer).count() == 1


def test_a_batch_buffers_only_its_own_context():
    """Rows logged elsewhere (another thread) while an import's batch is open are not caught in its buffer."""
    import threading

    seen = {}

    def other_request():
        seen["buffered"] = bool(audit._batch_stack.get())

    with audit.batch(size=3) as current:
        audit.log("test.batched")
        assert len(current.entries) == 1
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
        for _ in range(2):
            audit.log("test.batched")
        assert current.entries == []  # flushed at its size
    assert seen["buffered"] is False
    assert AuditLog.objects.filter(action="test.batched").count() == 3
    assert audit.verify()[0]


def test_snapshot_of_an_empty_file_field():
    from django.db.models.fields.files import FieldFile, FileField

    field = FileField(name="photo")
    assert audit.jsonable(FieldFile(None, field, "")) == ""
    assert audit.jsonable(FieldFile(None, field, "persons/a.jpg")) == "persons/a.jpg"
