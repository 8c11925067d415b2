"""Organizers run training classes: they create and change cohorts and see enrollments."""

from django.db import migrations

from accounts.migration_helpers import grant

GRANTS = {
    "组织员": [("cohort", ["add", "change", "view"]), ("enrollment", ["view"])],
    "党委组织部": [("cohort", ["add", "change", "delete", "view"]), ("enrollment", ["view"])],
}


def forwards(apps, schema_editor):
    for group_name, grants in GRANTS.items():
        grant(apps, group_name, "courses", dict(grants))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_add_cohorts_enrollments_and_progress"),
        ("accounts", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
