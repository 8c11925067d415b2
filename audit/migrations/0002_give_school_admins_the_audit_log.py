"""The school administrators (党委组织部) read the audit log; nobody else does."""

from django.db import migrations

from accounts.migration_helpers import grant


def forwards(apps, schema_editor):
    grant(apps, "党委组织部", "audit", {"auditevent": ["view"]})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_add_audit_events"), ("accounts", "0002_create_role_groups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
