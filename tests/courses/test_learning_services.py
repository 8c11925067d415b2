import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtailmedia.models import Media

from courses.models import Cohort, Enrollment, LessonProgress, StudyClock
from courses.services.learning import (
    AlreadyInAnotherCohort,
    CourseNotAvailable,
    EnrollmentClosed,
    LessonNotAvailable,
    NotEnrolled,
    enroll,
    enroll_many,
    record_heartbeat,
    withdraw,
)
from tests.factories import PersonFactory, UserFactory


def test_self_enrollment_in_an_open_course(open_course, learner):
    enrollment, created = enroll(open_course, user=learner, actor=learner)
    assert created and enrollment.is_active and enrollment.cohort is None


def test_enrolling_twice_is_a_no_op(open_course, learner):
    first, _ = enroll(open_course, user=learner, actor=learner)
    again, created = enroll(open_course, user=learner, actor=learner)
    assert not created and again.pk == first.pk
    assert Enrollment.objects.count() == 1


def test_a_closed_course_refuses_self_enrollment(site_pages, learner):
    with pytest.raises(EnrollmentClosed):
        enroll(site_pages.course, user=learner, actor=learner)
    assert not Enrollment.objects.exists()


def test_an_unpublished_course_refuses_enrollment(open_course, learner):
    open_course.unpublish()
    with pytest.raises(CourseNotAvailable):
        enroll(open_course, user=learner, actor=learner)


def test_an_organizer_enrolls_learners_into_a_class_of_a_closed_course(
    cohort, learner, branch_organizer
):
    enrollment, created = enroll(cohort.course, user=learner, actor=branch_organizer, cohort=cohort)
    assert created and enrollment.cohort == cohort and enrollment.enrolled_by == branch_organizer


def test_a_self_enrolled_learner_joins_a_class_without_losing_progress(
    enrolled, cohort, learner, branch_organizer, site_pages
):
    LessonProgress.objects.create(user=learner, lesson=site_pages.lessons[0], studied_ms=60_000)
    enrollment, created = enroll(cohort.course, user=learner, actor=branch_organizer, cohort=cohort)
    assert not created and enrollment.pk == enrolled.pk and enrollment.cohort == cohort
    assert LessonProgress.objects.get(user=learner).studied_ms == 60_000


def test_a_learner_in_one_class_cannot_be_put_in_another_of_the_same_course(
    cohort, learner, branch_organizer
):
    enroll(cohort.course, user=learner, actor=branch_organizer, cohort=cohort)
    other = Cohort.objects.create(
        course=cohort.course, name="第二期", starts_on=cohort.starts_on, ends_on=cohort.ends_on
    )
    with pytest.raises(AlreadyInAnotherCohort):
        enroll(cohort.course, user=learner, actor=branch_organizer, cohort=other)
    assert Enrollment.objects.get(user=learner).cohort == cohort


def test_withdrawal_keeps_the_history_and_re_enrollment_restores_it(
    enrolled, learner, site_pages, admin
):
    LessonProgress.objects.create(user=learner, lesson=site_pages.lessons[0], studied_ms=90_000)
    withdraw(enrolled, actor=admin, reason="转学")
    enrolled.refresh_from_db()
    assert enrolled.status == Enrollment.Status.WITHDRAWN and enrolled.withdrawal_reason == "转学"
    assert LessonProgress.objects.filter(user=learner).exists()

    again, created = enroll(site_pages.course, user=learner, actor=learner)
    assert not created and again.is_active
    assert LessonProgress.objects.get(user=learner).studied_ms == 90_000


def test_bulk_enrollment_reports_each_number(cohort, branch_organizer, learner_of_branch, branch):
    PersonFactory(user=UserFactory(username="2023010199"), organization=branch)
    UserFactory(username="2023010198")  # an account with no file in the organizer's reach
    result = enroll_many(
        cohort,
        usernames=["2023010101", "2023010199", "2023010101", "9999", "2023010198", " "],
        actor=branch_organizer,
    )
    assert result.enrolled == ["2023010101", "2023010199"]
    assert result.unknown == ["9999", "2023010198"]
    again = enroll_many(cohort, usernames=["2023010101"], actor=branch_organizer)
    assert again.already == ["2023010101"] and again.enrolled == []


# --- Heartbeats -----------------------------------------------------------------------------

T0 = timezone.make_aware(datetime.datetime(2026, 11, 20, 20, 0))


def at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


def beats(lesson, user, times, *, visible=True, **kwargs) -> int:
    return sum(
        record_heartbeat(lesson, user=user, visible=visible, now=at(t), **kwargs).credited_ms
        for t in times
    )


def test_heartbeats_of_a_learner_not_enrolled_change_nothing(site_pages, learner):
    with pytest.raises(NotEnrolled):
        record_heartbeat(site_pages.lessons[0], user=learner, visible=True, now=at(0))
    assert not StudyClock.objects.exists() and not LessonProgress.objects.exists()


def test_heartbeats_for_an_unpublished_lesson_are_refused(enrolled, site_pages, learner):
    with pytest.raises(LessonNotAvailable):
        record_heartbeat(site_pages.draft_lesson, user=learner, visible=True, now=at(0))
    assert not LessonProgress.objects.exists()


def test_a_withdrawn_learner_earns_no_more_time(enrolled, site_pages, learner, admin):
    withdraw(enrolled, actor=admin)
    with pytest.raises(NotEnrolled):
        record_heartbeat(site_pages.lessons[0], user=learner, visible=True, now=at(0))


def test_study_time_is_the_wall_time_between_heartbeats(enrolled, site_pages, learner):
    lesson = site_pages.lessons[0]
    assert beats(lesson, learner, [0, 15, 30, 45]) == 45_000
    assert LessonProgress.objects.get(user=learner, lesson=lesson).studied_ms == 45_000


def test_nothing_counts_while_the_page_is_hidden(enrolled, site_pages, learner):
    lesson = site_pages.lessons[0]
    beats(lesson, learner, [0, 15])
    beats(
        lesson, learner, [20], visible=False
    )  # hidden: the 5 s up to now count, then the clock stops
    assert beats(lesson, learner, [21, 22]) == 0 + 1_000  # shown again: restarts, then counts
    assert LessonProgress.objects.get(user=learner, lesson=lesson).studied_ms == 21_000


def test_a_gap_longer_than_the_interval_and_grace_earns_nothing(enrolled, site_pages, learner):
    assert beats(site_pages.lessons[0], learner, [0, 30, 100, 400]) == 0


def test_the_beat_that_reaches_the_minimum_completes_the_lesson_once(enrolled, site_pages, learner):
    lesson = site_pages.lessons[0]  # 10 minutes
    results = [
        record_heartbeat(lesson, user=learner, visible=True, now=at(t)) for t in range(0, 616, 15)
    ]
    completing = [r for r in results if r.just_completed]
    assert len(completing) == 1
    assert completing[0].progress.studied_ms == 600_000
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at == at(600)


def test_a_video_lesson_is_complete_only_when_the_video_is_watched(enrolled, site_pages, learner):
    lesson = site_pages.lessons[1]
    lesson.video = Media.objects.create(
        title="视频", file=ContentFile(b"x", name="v.webm"), type="video", duration=60
    )
    lesson.video_duration = 60
    lesson.min_study_minutes = 1
    lesson.save_revision().publish()
    # Two minutes on the page without playing the video: study time is enough, the video is not.
    beats(lesson, learner, range(0, 121, 15))
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is None
    # A page claiming 60 s of video every 15 s is credited 15 s each time.
    beats(lesson, learner, [135, 150], video_seconds=60)
    assert LessonProgress.objects.get(user=learner, lesson=lesson).video_watched_ms == 30_000
    beats(lesson, learner, [165, 180], video_seconds=15, video_ended=True)
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.video_watched_ms == 60_000 and progress.video_reached_end
    assert progress.completed_at is not None


# --- Scripts that try to earn more than an honest reader ------------------------------------


def test_flooding_heartbeats_earns_no_more_than_reading(enrolled, site_pages, learner):
    """Five minutes of a reader beating every 15 s, against a script beating every 0.5 s."""
    honest = UserFactory(username="2023010102")
    enroll(site_pages.course, user=honest, actor=honest)
    lesson = site_pages.lessons[0]
    honest_ms = beats(lesson, honest, [t * 15 for t in range(21)])
    flood_ms = beats(lesson, learner, [t * 0.5 for t in range(601)])
    assert honest_ms == 300_000
    assert flood_ms <= honest_ms


def test_parallel_tabs_and_several_lessons_share_one_clock(enrolled, site_pages, learner):
    """Three lessons beating in turn (as three tabs or a script would) earn the wall time once."""
    lessons = site_pages.lessons
    total = 0
    for second in range(0, 300):
        total += record_heartbeat(
            lessons[second % 3], user=learner, visible=True, now=at(second)
        ).credited_ms
    studied = sum(p.studied_ms for p in LessonProgress.objects.filter(user=learner))
    assert total == studied <= 300_000


def test_two_beats_at_the_same_instant_earn_once(enrolled, site_pages, learner):
    lesson = site_pages.lessons[0]
    beats(lesson, learner, [0])
    assert beats(lesson, learner, [10, 10, 10]) == 10_000
