"""Append-only tables: the database refuses UPDATE and DELETE of audit rows, development records,
stage changes, notice entries and certificate events — through the ORM and through raw SQL."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AppendOnly, AuditEvent
from audit.services import record
from courses.models import CertificateEvent
from courses.services.certificates import issue_certificate
from courses.services.learning import enroll
from membership import records
from membership.models import DevelopmentRecord, NoticeEntry, StageChange
from tests.membership.conftest import publish_for


def on_postgresql(test):
    test = pytest.mark.postgres(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the triggers are PostgreSQL's (SQLite has none)"
    )(test)


def refused(statement) -> str:
    """Run ``statement`` in a savepoint; return the database's refusal."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        statement()
    return str(error.value)


def raw(sql: str, params=()):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


# --- In Python, everywhere -------------------------------------------------------------------------


def test_the_model_refuses_to_change_or_delete_an_audit_row(db):
    row = record(Action.LOGIN, actor=None)
    row.actor_label = "someone else"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=row.pk).update(actor_label="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=row.pk).actor_label == ""


# --- In the database (PostgreSQL) -------------------------------------------------------------------


@pytest.fixture
def rows(activist, branch, branch_organizer, notice_section, cohort, learner, admin):
    """One row of every append-only table."""
    publish_for(branch_organizer, branch, [activist])
    enrollment, _ = enroll(cohort.course, user=learner, actor=admin, cohort=cohort)
    issue_certificate(enrollment, actor=admin, reason="线下结业")
    return {
        AuditEvent: AuditEvent.objects.order_by("pk").first(),
        # A record nothing refers to, so that only the trigger stands in the way of deleting it.
        DevelopmentRecord: DevelopmentRecord.objects.filter(
            person=activist, kind=records.ASSESSMENT
        ).first(),
        StageChange: StageChange.objects.filter(person=activist).first(),
        NoticeEntry: NoticeEntry.objects.first(),
        CertificateEvent: CertificateEvent.objects.first(),
    }


TABLES = [AuditEvent, DevelopmentRecord, StageChange, NoticeEntry, CertificateEvent]


@on_postgresql
@pytest.mark.parametrize("model", TABLES, ids=lambda m: m._meta.db_table)
def test_raw_sql_cannot_update_or_delete(rows, model):
    table, pk = model._meta.db_table, rows[model].pk
    # Any column will do: the trigger refuses the statement, not the value.
    update = raw(f"UPDATE {table} SET id = id WHERE id = %s", [pk])
    delete = raw(f"DELETE FROM {table} WHERE id = %s", [pk])
    assert f"append-only table {table}: UPDATE refused" in refused(update)
    assert f"append-only table {table}: DELETE refused" in refused(delete)
    assert model._base_manager.filter(pk=pk).exists()


@on_postgresql
def test_the_orm_cannot_update_or_delete_records(rows):
    record_row = rows[DevelopmentRecord]
    record_row.occurred_on = datetime.date(2020, 1, 1)
    assert "UPDATE refused" in refused(record_row.save)
    assert "UPDATE refused" in refused(
        lambda: DevelopmentRecord.objects.filter(pk=record_row.pk).update(details={})
    )
    assert "DELETE refused" in refused(
        lambda: DevelopmentRecord.objects.filter(pk=record_row.pk).delete()
    )
    assert "UPDATE refused" in refused(lambda: StageChange.objects.update(note="改"))
    assert "DELETE refused" in refused(lambda: NoticeEntry.objects.all().delete())
    assert "DELETE refused" in refused(lambda: CertificateEvent.objects.all().delete())
    # The ORM's own guard stands in front of the audit table; past it, the database refuses.
    audit_row = rows[AuditEvent]
    assert "UPDATE refused" in refused(lambda: super(AuditEvent, audit_row).save(force_update=True))
    assert "DELETE refused" in refused(lambda: super(AuditEvent, audit_row).delete())
    assert DevelopmentRecord.objects.get(pk=record_row.pk).occurred_on != datetime.date(2020, 1, 1)


@on_postgresql
def test_a_hand_set_purge_cut_off_cannot_delete_young_audit_rows(db):
    young = record(Action.LOGIN, actor=None)

    def purge_everything():
        with connection.cursor() as cursor:
            # A cut-off in the future, as a mistaken or malicious caller might set it.
            cursor.execute("SELECT set_config('audit.purge_before', '2999-01-01', true)")
            cursor.execute("DELETE FROM audit_auditevent")

    assert "DELETE refused" in refused(purge_everything)
    assert AuditEvent.objects.filter(pk=young.pk).exists()
