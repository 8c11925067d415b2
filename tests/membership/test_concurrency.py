"""Organizers working at once on the same file: PostgreSQL row locks keep every write single."""

import datetime

import pytest
from django.db import connection

from cms.models import NoticePage
from membership import records
from membership.models import (
    DevelopmentRecord,
    NoticeEntry,
    Person,
    PublicNotice,
    Stage,
    StageChange,
)
from membership.services import (
    InvalidRecord,
    StageChangeRefused,
    correct_record,
    record_stage_change,
)
from membership.services.notices import NoticeRefused
from membership.services.roster import import_roster
from tests.concurrency import run_at_once
from tests.membership.conftest import history, person_in, publish_for
from tests.membership.test_roster_import import ROWS, csv_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def refused_or(work, *errors):
    def attempt(n):
        try:
            return work(n)
        except errors:
            return None

    return attempt


def test_two_organizers_recording_the_same_decision_move_the_person_once(
    activist, branch_organizer
):
    def decide(n):
        return record_stage_change(
            Person.objects.get(pk=activist.pk),
            to_stage=Stage.CANDIDATE,
            effective_on=datetime.date(2026, 3, 20),
            actor=branch_organizer,
            pack_id="cpc-2014",
        )

    results = run_at_once(4, refused_or(decide, StageChangeRefused))
    assert sum(result is not None for result in results) == 1
    assert StageChange.objects.filter(person=activist, to_stage=Stage.CANDIDATE).count() == 1
    assert (
        DevelopmentRecord.objects.filter(person=activist, kind=records.CANDIDATE_DECISION).count()
        == 1
    )
    activist.refresh_from_db()
    assert activist.stage == Stage.CANDIDATE


def test_a_record_corrected_twice_at_once_is_corrected_once(activist, branch_organizer):
    assessment = DevelopmentRecord.objects.filter(person=activist, kind=records.ASSESSMENT).first()

    def correct(n):
        return correct_record(
            assessment,
            occurred_on=assessment.occurred_on + datetime.timedelta(days=n + 1),
            actor=branch_organizer,
            reason="日期录错",
        )

    results = run_at_once(4, refused_or(correct, InvalidRecord))
    assert sum(result is not None for result in results) == 1
    assert DevelopmentRecord.objects.filter(supersedes=assessment).count() == 1


def test_the_same_roster_sent_twice_at_once_is_imported_once(branch, branch_organizer):
    data = csv_bytes(ROWS)
    results = run_at_once(3, lambda n: import_roster("roster.csv", data, actor=branch_organizer))
    assert all(not result.errors for result in results)
    assert sorted(result.created for result in results) == [0, 0, len(ROWS)]
    assert Person.objects.count() == len(ROWS)
    first = Person.objects.get(user__username=ROWS[0]["学号"])
    assert DevelopmentRecord.objects.filter(person=first, kind=records.ASSESSMENT).count() == 2


def test_two_organizers_publishing_a_notice_for_the_same_person_at_once_publish_it_once(
    notice_section, branch, college, branch_organizer, admin, activist
):
    publishers = [(branch_organizer, branch), (admin, college)] * 2

    def publish(n):
        actor, organization = publishers[n]
        return publish_for(actor, organization, [Person.objects.get(pk=activist.pk)])

    results = run_at_once(4, refused_or(publish, NoticeRefused))
    assert sum(result is not None for result in results) == 1
    assert PublicNotice.objects.count() == 1
    assert NoticeEntry.objects.filter(person=activist).count() == 1
    notice = PublicNotice.objects.get()
    assert notice.page is not None and notice.page.live
    assert (
        DevelopmentRecord.objects.filter(
            person=activist, kind=records.CANDIDATE_NOTICE, notice_entry__isnull=False
        ).count()
        == 1
    )


def test_notices_for_different_people_published_at_once_all_reach_the_site(
    notice_section, branch, branch_organizer
):
    people = []
    for n in range(4):
        person = person_in(branch, f"20230109{n:02d}", f"测试{n}")
        history(person, (records.ACTIVIST_DECISION, datetime.date(2025, 1, 1), {}))
        people.append(person)

    results = run_at_once(4, lambda n: publish_for(branch_organizer, branch, [people[n]]))
    assert all(result is not None for result in results)
    pages = NoticePage.objects.live()
    assert pages.count() == 4
    assert len({page.path for page in pages}) == 4


def test_an_import_being_written_keeps_no_other_import_waiting(
    branch, branch_organizer, monkeypatch
):
    """While one import is in the middle of writing (its transaction open, its locks held, for
    as long as it takes), a dry run of the same file and an import of other people go through
    without waiting; then the first import finishes as well."""
    import threading

    from django.db import connections

    from membership.services import roster as roster_service

    others = [
        {**row, "学号": f"20239981{index:02d}", "姓名": f"{row['姓名']}乙"}
        for index, row in enumerate(ROWS)
    ]
    writing, release = threading.Event(), threading.Event()
    apply = roster_service._apply

    def slow_apply(*args, **kwargs):
        outcome = apply(*args, **kwargs)
        if threading.current_thread().name == "slow-import":
            writing.set()
            release.wait(30)
        return outcome

    monkeypatch.setattr(roster_service, "_apply", slow_apply)
    results = {}

    def slow_import():
        try:
            results["slow"] = import_roster("roster.csv", csv_bytes(ROWS), actor=branch_organizer)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_import, name="slow-import")
    thread.start()
    try:
        assert writing.wait(20)
        with connection.cursor() as cursor:
            # Waiting for a lock at all fails here, instead of passing slowly.
            cursor.execute("SET lock_timeout = '2s'")
        dry = import_roster("roster.csv", csv_bytes(ROWS), actor=branch_organizer, dry_run=True)
        other = import_roster("roster.csv", csv_bytes(others), actor=branch_organizer)
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert (dry.errors, dry.created) == ([], len(ROWS))  # the first import is not committed yet
    assert (other.errors, other.created) == ([], len(ROWS))
    assert (results["slow"].errors, results["slow"].created) == ([], len(ROWS))
    assert Person.objects.count() == 2 * len(ROWS)
