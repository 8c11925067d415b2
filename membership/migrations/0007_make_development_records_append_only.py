"""Development records, stage changes and the entries of public notices are never edited or
deleted (a correction is a new record that supersedes the old one): PostgreSQL now refuses
UPDATE and DELETE of their rows, whoever sends them."""

from django.db import migrations

from audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("membership", "0006_give_roles_public_notices")]

    operations = [
        append_only(
            "membership_developmentrecord", "membership_stagechange", "membership_noticeentry"
        )
    ]
