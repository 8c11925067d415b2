"""Instructors write under the catalogue; a reviewer's approval is what publishes."""

import pytest
from django.urls import reverse
from wagtail.documents.permissions import permission_policy as document_policy
from wagtail.images.permissions import permission_policy as image_policy
from wagtail.models import Collection, Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts import roles
from courses.models import CourseIndexPage, LessonPage
from courses.services.catalogue import REVIEW_WORKFLOW
from tests.factories import UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(username="T3001", full_name="周审核", groups=[roles.REVIEWERS])


def lesson_form(title: str, slug: str, action: str) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "body": streamfield([("text", rich_text("<p>新课时的正文。</p>"))]),
            "min_study_minutes": 10,
            action: action,
        }
    )


def add_lesson_url(course) -> str:
    return reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])


def test_an_instructors_lesson_goes_live_only_when_a_reviewer_approves(
    client, site_pages, instructor, reviewer
):
    client.force_login(instructor)
    response = client.post(
        add_lesson_url(site_pages.course), lesson_form("新课时", "new-lesson", "action-submit")
    )
    assert response.status_code == 302

    lesson = LessonPage.objects.get(slug="new-lesson")
    assert not lesson.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(lesson.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert client.get(lesson.url).status_code == 404  # nothing public yet

    client.force_login(reviewer)
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", task_state.pk]),
        {"comment": "同意发布"},
    )
    assert response.status_code in (200, 302)
    lesson.refresh_from_db()
    assert lesson.live
    client.logout()
    assert "新课时的正文" in client.get(lesson.url).content.decode()


def test_an_instructor_cannot_publish_directly(client, site_pages, instructor):
    client.force_login(instructor)
    client.post(
        add_lesson_url(site_pages.course), lesson_form("想直接发布", "direct", "action-publish")
    )

    lesson = LessonPage.objects.get(slug="direct")
    assert not lesson.live


def test_a_change_to_a_live_lesson_stays_a_draft_until_approved(client, site_pages, instructor):
    lesson = site_pages.lessons[0]
    client.force_login(instructor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    form = lesson_form(lesson.title, lesson.slug, "action-submit")
    form["body-0-value"] = rich_text("<p>尚未审核的修改。</p>")
    response = client.post(edit_url, form)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert "尚未审核的修改" in str(
        lesson.get_latest_revision().as_object().body
    )  # the draft was kept

    client.logout()
    html = client.get(lesson.url).content.decode()
    assert "尚未审核的修改" not in html
    assert "本课讲解发展党员的基本程序" in html


def test_instructors_cannot_edit_outside_the_catalogue(client, site_pages, instructor):
    client.force_login(instructor)
    for page in [site_pages.home, site_pages.about, site_pages.news]:
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code in (302, 403), page
        assert not page.permissions_for_user(instructor).can_edit()
    assert (
        client.get(reverse("wagtailadmin_pages:edit", args=[site_pages.course.pk])).status_code
        == 200
    )


def test_organizers_and_learners_cannot_edit_courses(client, site_pages, branch_organizer, learner):
    for user in [branch_organizer, learner]:
        assert not site_pages.course.permissions_for_user(user).can_edit()


def test_instructors_keep_their_files_in_the_course_materials_collection(site_pages, instructor):
    materials = Collection.objects.get(name="课程资料")
    for policy in [image_policy, document_policy]:
        assert list(policy.collections_user_has_permission_for(instructor, "add")) == [materials]


def test_a_catalogue_created_in_the_admin_is_put_under_review(client, site_pages, admin):
    client.force_login(admin)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "courseindexpage", site_pages.home.pk]),
        nested_form_data(
            {
                "title": "学院课程",
                "slug": "college-courses",
                "intro": rich_text(""),
                "action-publish": "1",
            }
        ),
    )
    assert response.status_code == 302
    catalogue = CourseIndexPage.objects.get(slug="college-courses")
    assert Page.objects.get(pk=catalogue.pk).get_workflow().name == REVIEW_WORKFLOW
