from django.urls import reverse

from courses.models import Enrollment, LessonProgress
from courses.services.learning import withdraw
from tests.factories import PersonFactory, UserFactory


def test_my_learning_needs_a_login(client, site_pages):
    response = client.get("/learning/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_learning_shows_progress_and_where_to_continue(client, enrolled, learner, site_pages):
    LessonProgress.objects.create(user=learner, lesson=site_pages.lessons[0], studied_ms=600_000)
    client.force_login(learner)
    html = client.get("/learning/").content.decode()
    assert "入党积极分子培训" in html
    assert "1/3" in html  # lessons done
    assert "党员的义务" in html  # the next lesson to continue


def test_my_learning_keeps_withdrawn_courses_on_record(client, enrolled, learner, admin):
    withdraw(enrolled, actor=admin)
    client.force_login(learner)
    html = client.get("/learning/").content.decode()
    assert "入党积极分子培训" in html and "已于" in html and "学习记录保留" in html


def test_course_page_shows_each_lessons_state_to_the_learner(client, enrolled, learner, site_pages):
    LessonProgress.objects.create(user=learner, lesson=site_pages.lessons[0], studied_ms=600_000)
    LessonProgress.objects.create(user=learner, lesson=site_pages.lessons[1], studied_ms=120_000)
    client.force_login(learner)
    html = client.get(site_pages.course.url).content.decode()
    assert "lesson-list__item--done" in html
    assert "lesson-list__item--in_progress" in html
    assert "lesson-list__item--not_started" in html


def test_enrolling_from_the_course_page(client, open_course, learner):
    client.force_login(learner)
    assert "加入学习" in client.get(open_course.url).content.decode()
    response = client.post(reverse("learning:enroll", args=[open_course.pk]))
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=learner, course=open_course).exists()


def test_a_closed_course_page_explains_how_to_join(client, site_pages, learner):
    client.force_login(learner)
    html = client.get(site_pages.course.url).content.decode()
    assert "培训班" in html
    response = client.post(reverse("learning:enroll", args=[site_pages.course.pk]), follow=True)
    assert not Enrollment.objects.exists()
    assert "组织员" in response.content.decode()


def test_the_study_clock_appears_only_for_enrolled_learners(client, site_pages, enrolled, learner):
    lesson_url = site_pages.lessons[0].url
    client.force_login(UserFactory(username="2023010109"))
    assert "data-study" not in client.get(lesson_url).content.decode()
    client.force_login(learner)
    html = client.get(lesson_url).content.decode()
    assert "data-study" in html and f"/api/v1/lessons/{site_pages.lessons[0].pk}/heartbeat/" in html


# --- The admin of training classes -----------------------------------------------------------


def test_an_organizer_enrolls_a_class_in_the_admin(
    client, cohort, branch_organizer, learner_of_branch, other_branch
):
    PersonFactory(user=UserFactory(username="2024020101"), organization=other_branch)
    client.force_login(branch_organizer)
    url = reverse("cohorts:enroll", args=[cohort.pk])
    response = client.post(url, {"numbers": "2023010101、9999999、2024020101"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "9999999" in html and "2024020101" in html  # reported as unknown, alike
    assert Enrollment.objects.get(user=learner_of_branch).cohort == cohort
    assert not Enrollment.objects.filter(user__username="2024020101").exists()

    inspect = client.get(reverse("cohorts:inspect", args=[cohort.pk])).content.decode()
    assert "林晓雨" in inspect and "0/3" in inspect


def test_an_empty_enrollment_form_is_refused(client, cohort, branch_organizer):
    client.force_login(branch_organizer)
    response = client.post(reverse("cohorts:enroll", args=[cohort.pk]), {"numbers": " ， "})
    assert response.status_code == 200
    assert not Enrollment.objects.exists()
    assert "error" in response.content.decode()


def test_learners_cannot_use_the_class_admin(client, cohort, learner):
    client.force_login(learner)
    assert client.get(reverse("cohorts:enroll", args=[cohort.pk])).status_code in (302, 403)


def test_enrollments_cannot_be_edited_by_a_form_only_withdrawn(client, enrolled, admin):
    client.force_login(admin)
    assert client.get(reverse("enrollments:edit", args=[enrolled.pk])).status_code in (302, 403)
    response = client.post(
        reverse("enrollments:withdraw", args=[enrolled.pk]), {"reason": "毕业离校"}
    )
    assert response.status_code == 302
    enrolled.refresh_from_db()
    assert (
        enrolled.status == Enrollment.Status.WITHDRAWN and enrolled.withdrawal_reason == "毕业离校"
    )


def test_enrollments_export_to_excel(client, enrolled, admin):
    client.force_login(admin)
    response = client.get(reverse("enrollments:index") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
