"""The audit log refuses UPDATE and DELETE in the database itself; the role rows exist."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    "CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS core_auditlog_no_update;", "DROP TRIGGER IF EXISTS core_auditlog_no_delete;"]

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
    END;
    $$ LANGUAGE plpgsql;
    """,
    "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog "
    "FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();",
    "CREATE TRIGGER core_auditlog_no_truncate BEFORE TRUNCATE ON core_auditlog "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_auditlog_append_only();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog;",
    "DROP TRIGGER IF EXISTS core_auditlog_no_truncate ON core_auditlog;",
    "DROP FUNCTION IF EXISTS core_auditlog_append_only();",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


def create_roles(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    from jindu.core.choices import RoleCode

    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
