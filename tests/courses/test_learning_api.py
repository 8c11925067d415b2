import datetime

import pytest
import time_machine
from django.utils import timezone

from courses.models import Enrollment, LessonProgress, StudyClock
from tests.factories import PersonFactory, UserFactory


def heartbeat(client, lesson, **body):
    return client.post(
        f"/api/v1/lessons/{lesson.pk}/heartbeat/", {"state": "visible", **body}, format="json"
    )


# --- Enrollment ------------------------------------------------------------------------------


def test_enroll_in_an_open_course(api_client, open_course, learner):
    api_client.force_authenticate(learner)
    response = api_client.post(f"/api/v1/courses/{open_course.pk}/enroll/")
    assert response.status_code == 201
    body = response.json()
    assert body["course"]["title"] == "入党积极分子培训"
    assert body["progress"]["lessons_total"] == 3
    assert [lesson["state"] for lesson in body["lessons"]] == ["not_started"] * 3

    again = api_client.post(f"/api/v1/courses/{open_course.pk}/enroll/")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Enrollment.objects.count() == 1


def test_enrolling_in_a_closed_course_says_why_in_chinese(api_client, site_pages, learner):
    api_client.force_authenticate(learner)
    response = api_client.post(f"/api/v1/courses/{site_pages.course.pk}/enroll/")
    assert response.status_code == 403
    assert response.json()["code"] == "enrollment_closed"
    assert "组织员" in response.json()["detail"]
    assert not Enrollment.objects.exists()


def test_courses_are_listed_without_drafts(api_client, site_pages, learner):
    api_client.force_authenticate(learner)
    body = api_client.get("/api/v1/courses/").json()
    assert [course["title"] for course in body["results"]] == ["入党积极分子培训"]
    assert body["results"][0]["audiences"] == ["activist"]
    assert api_client.get("/api/v1/courses/999999/").status_code == 404


def test_learners_see_only_their_own_enrollments(api_client, enrolled, learner):
    other = UserFactory(username="2023010102")
    api_client.force_authenticate(other)
    assert api_client.get("/api/v1/enrollments/").json()["results"] == []
    assert api_client.get(f"/api/v1/enrollments/{enrolled.pk}/").status_code == 404

    api_client.force_authenticate(learner)
    [mine] = api_client.get("/api/v1/enrollments/").json()["results"]
    assert mine["id"] == enrolled.pk
    assert api_client.get(f"/api/v1/enrollments/{enrolled.pk}/").json()["id"] == enrolled.pk


def test_the_learning_api_needs_an_account(api_client, site_pages):
    assert api_client.get("/api/v1/enrollments/").status_code == 401
    assert heartbeat(api_client, site_pages.lessons[0]).status_code == 401


# --- Heartbeats and visits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": "sleeping"}, "state"),
        ({"state": None}, "state"),
        ({"video_seconds": -1}, "video_seconds"),
        ({"video_seconds": "lots"}, "video_seconds"),
        ({"video_seconds": 100000}, "video_seconds"),
        ({"video_ended": "maybe"}, "video_ended"),
    ],
)
def test_nonsense_heartbeats_are_refused_and_change_nothing(
    api_client, enrolled, learner, site_pages, body, field
):
    api_client.force_authenticate(learner)
    response = heartbeat(api_client, site_pages.lessons[0], **body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not StudyClock.objects.exists() and not LessonProgress.objects.exists()


def test_a_heartbeat_that_is_not_json_is_refused(api_client, enrolled, learner, site_pages):
    api_client.force_authenticate(learner)
    response = api_client.post(
        f"/api/v1/lessons/{site_pages.lessons[0].pk}/heartbeat/",
        "not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_heartbeats_for_a_course_not_enrolled_in_are_refused(api_client, site_pages, learner):
    api_client.force_authenticate(learner)
    response = heartbeat(api_client, site_pages.lessons[0])
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"
    assert not LessonProgress.objects.exists()


@pytest.mark.parametrize("which", ["draft", "missing"])
def test_heartbeats_for_unpublished_or_unknown_lessons_get_404(
    api_client, enrolled, learner, site_pages, which
):
    api_client.force_authenticate(learner)
    lesson_id = site_pages.draft_lesson.pk if which == "draft" else 999_999
    response = api_client.post(
        f"/api/v1/lessons/{lesson_id}/heartbeat/", {"state": "visible"}, format="json"
    )
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_a_visit_marks_where_to_continue(api_client, enrolled, learner, site_pages):
    api_client.force_authenticate(learner)
    response = api_client.post(f"/api/v1/lessons/{site_pages.lessons[2].pk}/visit/")
    assert response.status_code == 200
    [mine] = api_client.get("/api/v1/enrollments/").json()["results"]
    assert mine["next_lesson"]["id"] == site_pages.lessons[2].pk
    assert mine["lessons"][2]["state"] == "in_progress"


def test_heartbeats_over_http_credit_the_wall_time(api_client, enrolled, learner, site_pages):
    api_client.force_authenticate(learner)
    lesson = site_pages.lessons[0]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        first = heartbeat(api_client, lesson).json()
        traveller.shift(datetime.timedelta(seconds=15))
        second = heartbeat(api_client, lesson).json()
    assert first["credited_seconds"] == 0
    assert second["credited_seconds"] == 15
    assert second["studied_seconds"] == 15 and second["required_seconds"] == 600
    assert second["completed"] is False


def test_a_flooding_script_earns_no_more_than_an_honest_reader(api_client, site_pages, learner):
    """Replays two minutes: a reader's page beating every 15 s, and a script beating every 0.5 s."""
    honest = UserFactory(username="2023010102")
    for user in (honest, learner):
        Enrollment.objects.create(user=user, course=site_pages.course)

    lesson = site_pages.lessons[0]
    credited = {"honest": 0.0, "script": 0.0}
    statuses = set()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for tick in range(241):  # half-second steps
            api_client.force_authenticate(learner)
            response = heartbeat(api_client, lesson)
            statuses.add(response.status_code)
            if response.status_code == 200:
                credited["script"] += response.json()["credited_seconds"]
            if tick % 30 == 0:
                api_client.force_authenticate(honest)
                credited["honest"] += heartbeat(api_client, lesson).json()["credited_seconds"]
            traveller.shift(datetime.timedelta(seconds=0.5))
    assert credited["honest"] == 120
    assert credited["script"] <= credited["honest"]
    assert 429 in statuses  # and it was throttled on the way
    studied = {p.user_id: p.studied_ms for p in LessonProgress.objects.all()}
    assert studied[learner.pk] <= studied[honest.pk] == 120_000


# --- Classes ---------------------------------------------------------------------------------


def test_an_organizer_enrolls_a_class_by_numbers(
    api_client, cohort, branch_organizer, learner_of_branch, other_branch
):
    """Their own people are enrolled; a learner of another college reads like a number nobody
    has, and is not enrolled (they would then see that learner's certificates)."""
    PersonFactory(user=UserFactory(username="2024020101"), organization=other_branch)
    api_client.force_authenticate(branch_organizer)
    response = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/",
        {"usernames": ["2023010101", "nobody", "2024020101"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "enrolled": ["2023010101"],
        "already": [],
        "unknown": ["nobody", "2024020101"],
        "refused": {},
    }
    assert Enrollment.objects.get(user=learner_of_branch).cohort == cohort
    assert not Enrollment.objects.filter(user__username="2024020101").exists()


def test_learners_cannot_see_or_enroll_classes(api_client, cohort, learner):
    api_client.force_authenticate(learner)
    assert api_client.get("/api/v1/cohorts/").json()["results"] == []
    response = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": ["2023010101"]}, format="json"
    )
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_an_organizer_enrolls_only_into_the_classes_they_run(
    api_client, cohort, site_pages, other_branch_organizer, learner
):
    """Organizers may change classes in general, but enroll only into the ones they manage."""
    api_client.force_authenticate(other_branch_organizer)
    assert api_client.get("/api/v1/cohorts/").json()["results"] == []
    response = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": ["2023010101"]}, format="json"
    )
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


def test_an_empty_list_of_numbers_is_refused(api_client, cohort, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    response = api_client.post(
        f"/api/v1/cohorts/{cohort.pk}/enrollments/", {"usernames": []}, format="json"
    )
    assert response.status_code == 400
    assert "usernames" in response.json()["errors"]
