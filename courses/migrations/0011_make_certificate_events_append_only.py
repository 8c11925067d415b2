"""A serial's history (issued, rendered, revoked, replaced) is never edited or deleted:
PostgreSQL now refuses UPDATE and DELETE of certificate events, whoever sends them."""

from django.db import migrations

from audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("courses", "0010_key_attempt_options_at_random")]

    operations = [append_only("courses_certificateevent")]
