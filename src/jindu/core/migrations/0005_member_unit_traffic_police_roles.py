"""Two business roles: member-unit reporters (supervision only) and traffic police / checkpoint officers."""

from django.db import migrations, models


def create_roles(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code in ("member_unit", "traffic_police"):
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_user_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="role",
            name="code",
            field=models.CharField(
                choices=[
                    ("system_admin", "system administrator"),
                    ("security_admin", "security administrator"),
                    ("audit_admin", "audit administrator"),
                    ("regional_officer", "regional officer"),
                    ("prefecture_officer", "prefecture officer"),
                    ("county_officer", "county officer"),
                    ("community_worker", "community worker"),
                    ("school_reporter", "school reporter"),
                    ("company_reporter", "company reporter"),
                    ("leader", "leader (read-only)"),
                    ("member_unit", "member unit reporter"),
                    ("traffic_police", "traffic police or checkpoint officer"),
                ],
                max_length=32,
                unique=True,
            ),
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
