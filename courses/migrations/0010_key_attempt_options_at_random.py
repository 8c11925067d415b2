"""Identify the options of every paper already drawn by random keys, not the bank's option pks.

Papers used to keep each option as ``{"id": <QuestionOption pk>, ...}`` and learners answered
with those pks, which follow the order the author wrote the options in: the lowest was usually
the right one. Now each option of an attempt has a ``key`` drawn for it (what the learner sees
and answers with) and keeps the pk as ``option_id`` (for item analysis, never sent out).

This gives every choice question of every attempt its keys and rewrites its saved answer
(pks → keys) in the same transaction, a batch of questions at a time, so that millions of
answers neither sit in one transaction nor in memory. The migration is not atomic as a whole:
if it stops, running it again carries on, because a question whose options have keys is skipped.
An answer that names an option its question does not have (the service never saved one) is
left as it was. Reversible: keys go back to pks; the keys themselves are not kept.

Migrate while no exam is being sat: a paper opened before the migration sends pks, which the new
code refuses (the learner sees the answer marked as not accepted and chooses again).
"""

import secrets

from django.db import migrations, transaction

BATCH = 2000
CHOICE_KINDS = ["single", "multiple"]


def new_keys(count):
    # The same keys as courses.services.exams.option_keys, copied: a migration must not change
    # when the code does.
    keys = []
    while len(keys) < count:
        key = secrets.token_urlsafe(6)
        if key not in keys:
            keys.append(key)
    return keys


def is_pk(value):
    return type(value) is int  # not a bool, which is an int to Python


def give_keys(row):
    """Key the row's options in place; the map from pk to key, or None if already keyed."""
    options = row.snapshot.get("options", [])
    if any("key" in option for option in options):
        return None
    to_key = {}
    keyed = []
    for key, option in zip(new_keys(len(options)), options, strict=True):
        rest = {name: value for name, value in option.items() if name != "id"}
        keyed.append({"key": key, "option_id": option["id"], **rest})
        to_key[option["id"]] = key
    row.snapshot["options"] = keyed
    return to_key


def take_keys(row):
    """Put the pks back in place of the keys; the map from key to pk, or None if not keyed."""
    options = row.snapshot.get("options", [])
    if not options or not all("key" in option for option in options):
        return None
    to_pk = {}
    plain = []
    for option in options:
        rest = {n: v for n, v in option.items() if n not in ("key", "option_id")}
        plain.append({"id": option["option_id"], **rest})
        to_pk[option["key"]] = option["option_id"]
    row.snapshot["options"] = plain
    return to_pk


def translate(kind, response, mapping, fits):
    """The response with its option ids translated, or unchanged if any id is not the question's."""
    if kind == "single":
        return mapping[response] if fits(response) and response in mapping else response
    if isinstance(response, list) and all(fits(r) and r in mapping for r in response):
        return sorted({mapping[r] for r in response})
    return response


def write(model, name, rows, connection):
    """Save one field of each row: one UPDATE by pk each, sent as a batch. bulk_update builds
    a CASE expression per row and took most of the time (3000 rows a second on SQLite)."""
    field = model._meta.get_field(name)
    quote = connection.ops.quote_name
    table, column, pk = (
        quote(model._meta.db_table),
        quote(field.column),
        quote(model._meta.pk.column),
    )
    sql = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"
    params = [(field.get_db_prep_save(getattr(row, name), connection), row.pk) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def convert(apps, schema_editor, *, rekey, fits):
    AttemptQuestion = apps.get_model("courses", "AttemptQuestion")
    Answer = apps.get_model("courses", "Answer")
    db = schema_editor.connection.alias
    choice_questions = AttemptQuestion.objects.using(db).filter(snapshot__kind__in=CHOICE_KINDS)
    last = 0
    while True:
        # One transaction per batch: a question's snapshot and its answer change together.
        with transaction.atomic(using=db):
            rows = list(choice_questions.filter(pk__gt=last).order_by("pk")[:BATCH])
            if not rows:
                return
            last = rows[-1].pk
            answers = {
                answer.attempt_question_id: answer
                for answer in Answer.objects.using(db).filter(
                    attempt_question_id__in=[row.pk for row in rows]
                )
            }
            changed_rows, changed_answers = [], []
            for row in rows:
                mapping = rekey(row)
                if mapping is None:
                    continue
                changed_rows.append(row)
                answer = answers.get(row.pk)
                if answer is not None:
                    answer.response = translate(
                        row.snapshot["kind"], answer.response, mapping, fits
                    )
                    changed_answers.append(answer)
            write(AttemptQuestion, "snapshot", changed_rows, schema_editor.connection)
            write(Answer, "response", changed_answers, schema_editor.connection)


def forwards(apps, schema_editor):
    convert(apps, schema_editor, rekey=give_keys, fits=is_pk)


def backwards(apps, schema_editor):
    convert(apps, schema_editor, rekey=take_keys, fits=lambda value: isinstance(value, str))


class Migration(migrations.Migration):
    atomic = False  # each batch commits on its own (see above)

    dependencies = [("courses", "0009_add_exam_review_setting")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
