"""Study-time credit, lesson completion and course progress (a pure module: no ORM).

The server owns time. A heartbeat is credited with the wall time since the learner's previous
heartbeat, and only if that gap is no longer than the heartbeat interval plus a grace: a
longer gap means the page was hidden, the device slept or a script is guessing, and earns
nothing. Because every learner has exactly one clock, however many tabs, scripts or lessons
beat at once, the credited time can never exceed the wall time.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

# A lesson video counts as watched to the end when the learner reached its end and watched
# (at no more than normal speed) all but this share of it: pauses and seeks lose a little.
VIDEO_WATCHED_SHARE = Decimal("0.97")


def heartbeat_credit_ms(
    last_beat_at: datetime.datetime | None, now: datetime.datetime, max_gap_seconds: int
) -> int:
    """Milliseconds a heartbeat at ``now`` earns after one at ``last_beat_at`` (None: the clock was stopped)."""
    if last_beat_at is None:
        return 0
    elapsed_ms = int((now - last_beat_at) / datetime.timedelta(milliseconds=1))
    if elapsed_ms <= 0 or elapsed_ms > max_gap_seconds * 1000:
        return 0
    return elapsed_ms


def video_credit_ms(claimed_seconds: float, credited_ms: int) -> int:
    """Video time a heartbeat earns: what the page says it played, never more than the wall time."""
    claimed_ms = int(max(claimed_seconds, 0) * 1000)
    return min(claimed_ms, credited_ms)


@dataclass(frozen=True)
class LessonFacts:
    """What a lesson asks for."""

    lesson_id: int
    required_ms: int
    video_duration_s: int | None = None


@dataclass(frozen=True)
class ProgressFacts:
    """What the learner did in a lesson."""

    studied_ms: int = 0
    video_watched_ms: int = 0
    video_reached_end: bool = False
    visited: bool = False


def video_done(lesson: LessonFacts, progress: ProgressFacts) -> bool:
    if not lesson.video_duration_s:
        return True
    needed_ms = Decimal(lesson.video_duration_s * 1000) * VIDEO_WATCHED_SHARE
    return progress.video_reached_end and progress.video_watched_ms >= needed_ms


def is_complete(lesson: LessonFacts, progress: ProgressFacts) -> bool:
    return progress.studied_ms >= lesson.required_ms and video_done(lesson, progress)


NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


def lesson_state(lesson: LessonFacts, progress: ProgressFacts | None) -> str:
    if progress is None or not (progress.visited or progress.studied_ms):
        return NOT_STARTED
    return DONE if is_complete(lesson, progress) else IN_PROGRESS


@dataclass(frozen=True)
class CourseProgress:
    states: dict[int, str]  # lesson id → state
    lessons_done: int
    lessons_total: int
    hours_earned: Decimal
    hours_required: Decimal
    percent: int
    next_lesson_id: int | None


def course_progress(
    lessons: list[LessonFacts],
    progress: dict[int, ProgressFacts],
    *,
    hours_worth: Decimal,
    hours_required: Decimal,
    last_visited_lesson_id: int | None = None,
) -> CourseProgress:
    """Progress through a course whose lessons are ``lessons`` (in course order).

    Hours: the course is worth ``hours_worth``; each lesson carries a share of them in
    proportion to its required study time, earned as that time is studied. ``percent`` is the
    share of lessons done. The lesson to continue is the last one visited if it is not done,
    otherwise the first one not done.
    """
    states = {
        lesson.lesson_id: lesson_state(lesson, progress.get(lesson.lesson_id)) for lesson in lessons
    }
    total_ms = sum(lesson.required_ms for lesson in lessons)
    earned_ms = sum(
        min(progress.get(x.lesson_id, ProgressFacts()).studied_ms, x.required_ms) for x in lessons
    )
    hours_earned = (
        (hours_worth * earned_ms / total_ms).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
        if total_ms
        else Decimal(0)
    )
    done = sum(1 for state in states.values() if state == DONE)
    next_lesson_id: int | None
    if last_visited_lesson_id is not None and states.get(last_visited_lesson_id, DONE) != DONE:
        next_lesson_id = last_visited_lesson_id

    else:
        next_lesson_id = next((x.lesson_id for x in lessons if states[x.lesson_id] != DONE), None)
    return CourseProgress(
        states=states,
        lessons_done=done,
        lessons_total=len(lessons),
        hours_earned=hours_earned,
        hours_required=hours_required,
        percent=_percent(hours_earned, hours_required, done, len(lessons)),
        next_lesson_id=next_lesson_id,
    )


def _percent(earned: Decimal, required: Decimal, done: int, total: int) -> int:
    if required > 0:
        return int(min(earned / required, Decimal(1)) * 100)
    return int(100 * done / total) if total else 0
