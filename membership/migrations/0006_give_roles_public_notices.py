"""Organizers publish the public notices of their organizations; school admins any."""

from django.db import migrations

from accounts.migration_helpers import grant

GRANTS = {
    "组织员": {"publicnotice": ["add", "view"]},
    "党委组织部": {"publicnotice": ["add", "view"]},
}


def forwards(apps, schema_editor):
    for group_name, models in GRANTS.items():
        grant(apps, group_name, "membership", models)


class Migration(migrations.Migration):
    dependencies = [("membership", "0005_add_public_notices"), ("accounts", "0002_create_role_groups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
