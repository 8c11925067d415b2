"""Who may do what with completion policies, essays and certificates."""

from django.db import migrations

from accounts.migration_helpers import grant

ALL = ["add", "change", "delete", "view"]
GRANTS = {
    "党校教师": {"completionpolicy": ["add", "change", "view"], "reflectionessay": ["change", "view"], "certificate": ["view"]},
    "组织员": {"completionpolicy": ["view"], "certificate": ["view"]},
    "党委组织部": {"completionpolicy": ALL, "reflectionessay": ["change", "view"], "certificate": ["change", "view"]},
}


def forwards(apps, schema_editor):
    for group_name, models in GRANTS.items():
        grant(apps, group_name, "courses", models)


class Migration(migrations.Migration):
    dependencies = [("courses", "0007_add_completion_policies_and_certificates"), ("accounts", "0002_create_role_groups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
