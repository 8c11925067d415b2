"""Eligibility from the database: trainings by certificate or record, the API, the lists."""

import datetime
from decimal import Decimal

import pytest

from courses.models import Certificate, Enrollment
from membership import records
from membership.models import Person
from membership.selectors import MISSING_ONLY_TRAINING, eligibility_of, filter_people
from membership.services import add_record
from tests.membership.conftest import history, person_in
from tests.pages import build_site

D = datetime.date


def certificate_for(user, course, *, completed_on, grade=Decimal("85")):
    enrollment = Enrollment.objects.create(user=user, course=course)
    return Certificate.objects.create(
        serial=f"2026-DX-{user.pk:05d}T",
        enrollment=enrollment,
        user=user,
        course=course,
        holder_name=user.full_name,
        holder_number=user.username,
        course_title=course.title,
        hours=Decimal("32"),
        final_grade=grade,
        completed_on=completed_on,
        issued_on=completed_on,
        signed_payload="{}",
        signature="x",
    )


def training_check(person, on):
    return next(c for c in eligibility_of(person, on=on).checks if c.code == "activist_training")


def test_the_party_school_certificate_counts_as_the_activist_training(activist):
    site = build_site()  # its course trains activists
    check = training_check(activist, D(2026, 3, 20))
    assert not check.met
    certificate = certificate_for(activist.user, site.course, completed_on=D(2025, 7, 1))
    check = training_check(activist, D(2026, 3, 20))
    assert check.met and certificate.serial in check.evidence
    assert eligibility_of(activist, on=D(2026, 3, 20)).eligible


def test_a_certificate_with_a_failing_grade_does_not_count_in_the_school_pack(activist):
    site = build_site()
    certificate_for(activist.user, site.course, completed_on=D(2025, 7, 1), grade=Decimal("55"))
    assert not training_check(activist, D(2026, 3, 20)).met


def test_a_revoked_certificate_does_not_count(activist, admin):
    site = build_site()
    certificate = certificate_for(activist.user, site.course, completed_on=D(2025, 7, 1))
    certificate.status = Certificate.Status.REVOKED
    certificate.save()
    assert not training_check(activist, D(2026, 3, 20)).met


def test_an_imported_training_record_counts_too(activist, admin):
    add_record(
        activist,
        kind=records.TRAINING,
        occurred_on=D(2025, 7, 1),
        details={"audience": "activist", "hours": "24"},
        actor=admin,
    )
    check = training_check(activist, D(2026, 3, 20))
    assert check.met and "培训记录" in check.evidence


def test_the_eligibility_contract(api_client, activist, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    body = api_client.get(
        f"/api/v1/people/{activist.pk}/eligibility/?on=2026-03-20&rules=cpc-2014"
    ).json()
    assert set(body) == {"person", "stage", "next_stage", "on", "rules", "eligible", "checks"}
    assert (body["stage"], body["next_stage"], body["on"], body["rules"], body["eligible"]) == (
        "activist",
        "candidate",
        "2026-03-20",
        "cpc-2014",
        True,
    )
    check = body["checks"][0]
    assert {"code", "met", "label", "article", "evidence", "due_on"} <= set(check)
    waiting = api_client.get(
        f"/api/v1/people/{activist.pk}/eligibility/?on=2026-02-28&rules=cpc-2014"
    ).json()
    one_year = next(c for c in waiting["checks"] if c["code"] == "activist_one_year")
    assert (one_year["met"], one_year["due_on"]) == (False, "2026-03-01")


@pytest.mark.parametrize(
    ("query", "code"),
    [("on=tomorrow", "invalid_parameter"), ("rules=cpc-1921", "invalid_parameter")],
)
def test_bad_parameters_get_a_clear_400(api_client, activist, branch_organizer, query, code):
    api_client.force_authenticate(branch_organizer)
    response = api_client.get(f"/api/v1/people/{activist.pk}/eligibility/?{query}")
    assert response.status_code == 400 and response.json()["code"] == code


def test_the_organizers_lists(api_client, activist, branch_organizer):
    api_client.force_authenticate(branch_organizer)

    def names(query):
        return [p["name"] for p in api_client.get(f"/api/v1/people/?{query}").json()["results"]]

    assert names("missing_only_training_on=2026-03-20") == ["张小明"]
    assert names("eligible_on=2026-03-20") == []
    assert names("assessment_overdue_on=2026-03-20") == []
    # Half a year later the next assessment (due 2026-08-29) is missing.
    assert names("assessment_overdue_on=2026-09-15") == ["张小明"]


def _file_without(person, number, *kinds):
    """Someone whose file is ``person``'s without the records of ``kinds`` (records are never
    deleted: the database refuses)."""
    other = person_in(
        person.organization,
        number,
        birth_date=person.birth_date,
        is_league_member=person.is_league_member,
    )
    history(
        other,
        *[
            (record.kind, record.occurred_on, record.details)
            for record in person.records.order_by("occurred_on", "pk")
            if record.kind not in kinds
        ],
    )
    return other


def test_the_notice_still_to_come_does_not_keep_someone_off_the_missing_training_list(activist):
    no_notice = _file_without(activist, "2023010291", records.CANDIDATE_NOTICE)
    people = Person.objects.filter(pk=no_notice.pk)
    assert filter_people(people, MISSING_ONLY_TRAINING, on=D(2026, 3, 20)) == [no_notice]
    # Missing the mentors as well: more than the training is missing.
    neither = _file_without(activist, "2023010292", records.CANDIDATE_NOTICE, records.MENTORS)
    people = Person.objects.filter(pk=neither.pk)
    assert filter_people(people, MISSING_ONLY_TRAINING, on=D(2026, 3, 20)) == []


def test_an_unknown_stage_in_the_list_filter_is_a_clear_400(api_client, activist, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    response = api_client.get("/api/v1/people/?stage=volunteer")
    assert response.status_code == 400 and response.json()["code"] == "invalid_parameter"
    assert api_client.get("/api/v1/people/?stage=activist").json()["count"] == 1
