"""Organizers keep the files of the people in their organizations; school admins everything."""

from django.db import migrations

from accounts.migration_helpers import grant

ALL = ["add", "change", "delete", "view"]
GRANTS = {
    "组织员": {"person": ["add", "change", "view"], "developmentrecord": ["add", "view"], "organization": ["view"]},
    "党委组织部": {"person": ALL, "developmentrecord": ["add", "view"], "organization": ALL},
}


def forwards(apps, schema_editor):
    for group_name, models in GRANTS.items():
        grant(apps, group_name, "membership", models)


class Migration(migrations.Migration):
    dependencies = [("membership", "0002_add_development_records"), ("accounts", "0002_create_role_groups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
