"""The pure rules of study time and progress."""

import datetime
from decimal import Decimal

import pytest

from courses.progress import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    LessonFacts,
    ProgressFacts,
    course_progress,
    heartbeat_credit_ms,
    is_complete,
    video_credit_ms,
)

T0 = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


def at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("last", "now", "credit"),
    [
        (None, at(10), 0),  # the first beat starts the clock
        (at(0), at(15), 15_000),
        (at(0), at(25), 25_000),  # interval + grace: still counts
        (at(0), at(25.001), 0),  # longer: the page was away
        (at(0), at(3600), 0),
        (at(10), at(5), 0),  # a clock that went backwards earns nothing
        (at(0), at(0), 0),
    ],
)
def test_heartbeat_credit(last, now, credit):
    assert heartbeat_credit_ms(last, now, max_gap_seconds=25) == credit


def test_video_time_never_exceeds_the_study_time_of_the_same_beat():
    assert video_credit_ms(14.5, credited_ms=15_000) == 14_500
    assert video_credit_ms(30, credited_ms=15_000) == 15_000
    assert video_credit_ms(-5, credited_ms=15_000) == 0


def test_a_lesson_is_complete_at_its_minimum_study_time():
    lesson = LessonFacts(1, required_ms=600_000)
    assert not is_complete(lesson, ProgressFacts(studied_ms=599_999))
    assert is_complete(lesson, ProgressFacts(studied_ms=600_000))


def test_a_video_lesson_also_needs_the_video_watched_to_the_end():
    lesson = LessonFacts(1, required_ms=60_000, video_duration_s=100)
    studied = 120_000
    assert not is_complete(
        lesson, ProgressFacts(studied, video_watched_ms=100_000, video_reached_end=False)
    )
    assert not is_complete(
        lesson, ProgressFacts(studied, video_watched_ms=96_000, video_reached_end=True)
    )
    assert is_complete(
        lesson, ProgressFacts(studied, video_watched_ms=97_000, video_reached_end=True)
    )
    assert not is_complete(
        lesson, ProgressFacts(59_000, video_watched_ms=100_000, video_reached_end=True)
    )


LESSONS = [LessonFacts(1, 600_000), LessonFacts(2, 600_000), LessonFacts(3, 1_200_000)]


def test_hours_are_earned_in_proportion_to_required_study_time_and_rounded_down():
    progress = {1: ProgressFacts(600_000, visited=True), 2: ProgressFacts(300_000, visited=True)}
    result = course_progress(
        LESSONS, progress, hours_worth=Decimal("32"), hours_required=Decimal("32")
    )
    # 900,000 of 2,400,000 ms = 12 hours; study beyond a lesson's minimum earns no more.
    assert result.hours_earned == Decimal("12.0")
    assert result.states == {1: DONE, 2: IN_PROGRESS, 3: NOT_STARTED}
    assert (result.lessons_done, result.lessons_total, result.percent) == (1, 3, 37)

    overstudied = {1: ProgressFacts(6_000_000, visited=True)}
    assert course_progress(
        LESSONS, overstudied, hours_worth=Decimal("32"), hours_required=Decimal("32")
    ).hours_earned == Decimal("8.0")


def test_the_lesson_to_continue_is_the_last_visited_unless_it_is_done():
    progress = {1: ProgressFacts(600_000, visited=True), 3: ProgressFacts(10_000, visited=True)}
    kwargs = {"hours_worth": Decimal(10), "hours_required": Decimal(10)}
    assert (
        course_progress(LESSONS, progress, last_visited_lesson_id=3, **kwargs).next_lesson_id == 3
    )
    assert (
        course_progress(LESSONS, progress, last_visited_lesson_id=1, **kwargs).next_lesson_id == 2
    )
    everything = {n: ProgressFacts(2_000_000, visited=True) for n in (1, 2, 3)}
    assert (
        course_progress(LESSONS, everything, last_visited_lesson_id=3, **kwargs).next_lesson_id
        is None
    )


def test_a_class_may_require_fewer_hours_than_the_course_is_worth():
    progress = {1: ProgressFacts(600_000, visited=True), 2: ProgressFacts(600_000, visited=True)}
    result = course_progress(
        LESSONS, progress, hours_worth=Decimal("32"), hours_required=Decimal("16")
    )
    assert (result.hours_earned, result.percent) == (Decimal("16.0"), 100)
