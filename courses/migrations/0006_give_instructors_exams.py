"""Instructors keep question banks, build exams and grade; organizers see results."""

from django.db import migrations

from accounts.migration_helpers import grant

ALL = ["add", "change", "delete", "view"]
GRANTS = {
    "党校教师": {"questionbank": ["add", "change", "view"], "question": ["add", "change", "view"],
                 "exam": ["add", "change", "view"], "answer": ["change", "view"], "attempt": ["view"]},
    "组织员": {"exam": ["view"], "attempt": ["view"]},
    "党委组织部": {"questionbank": ALL, "question": ALL, "exam": ALL, "answer": ["change", "view"], "attempt": ["view"]},
}


def forwards(apps, schema_editor):
    for group_name, models in GRANTS.items():
        grant(apps, group_name, "courses", models)


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_add_question_banks_exams_and_attempts"), ("accounts", "0002_create_role_groups")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
