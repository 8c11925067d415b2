"""Reads of the curriculum that are more than a one-line query."""

import datetime
import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import TypeVar

from django.db.models import Case, Q, QuerySet, Subquery, When
from django.shortcuts import get_object_or_404
from wagtail.search.models import IndexEntry

from cms.search import is_indexed, query_terms, query_words, substring_patterns
from courses import completion
from courses.models import (
    Attempt,
    CompletionPolicy,
    CoursePage,
    Enrollment,
    Exam,
    LessonPage,
    LessonProgress,
    ReflectionEssay,
)
from courses.progress import CourseProgress, LessonFacts, ProgressFacts, course_progress

MAX_SEARCH_RESULTS = 200


@dataclass
class SearchHit:
    page: CoursePage | LessonPage
    course: CoursePage | None  # for a lesson, the course it belongs to


def search_curriculum(query: str) -> list[SearchHit]:
    """Published, public courses and lessons containing every word of ``query`` as written,
    courses first, at most MAX_SEARCH_RESULTS of them.

    The query is segmented like the index (cms/search.py). If the index has terms for all of
    its words, the database's full-text search finds the pages, best first; if not (a single
    character, a string jieba does not know), a substring match over the indexed text does,
    pages with the words in their title first. Drafts are never searched: only the live pages
    are, and only their text as published is checked.
    """
    words = query_words(query)
    if not words:
        return []
    courses = _pages_containing(CoursePage, query, words)
    lessons = _pages_containing(LessonPage, query, words)
    # One query for the courses of all the lessons found, rather than one per lesson.
    parents = {
        course.path: course
        for course in CoursePage.objects.filter(
            path__in={lesson.path[: -LessonPage.steplen] for lesson in lessons}
        )
    }
    hits = [SearchHit(course, None) for course in courses]
    hits += [
        SearchHit(lesson, parents.get(lesson.path[: -LessonPage.steplen])) for lesson in lessons
    ]
    return hits[:MAX_SEARCH_RESULTS]


_Curriculum = TypeVar("_Curriculum", CoursePage, LessonPage)

# The pages' text as the search backend indexed it: the words of cms/search.py's index_text,
# separated by spaces. PostgreSQL keeps it in body_text beside the tsvector in body; SQLite and
# MySQL keep it in body.
_INDEXED_TEXT = (
    "body_text" if any(f.name == "body_text" for f in IndexEntry._meta.fields) else "body"
)


def _pages_containing(model: type[_Curriculum], query: str, words: list[str]) -> list[_Curriculum]:
    """Live, public pages of ``model`` containing every one of ``words`` as written, at most
    MAX_SEARCH_RESULTS of them. Three queries, and one for each page that must be read and has
    images or documents in its body (below)."""
    pages = model.objects.live().public()
    lookup = f"index_entries__{_INDEXED_TEXT}__contains"
    if all(is_indexed(word) for word in words):
        matches = pages.search(" ".join(query_terms(query)), operator="and")
    else:
        matches = _substring_matches(pages, lookup, words)
    found = list(matches[:MAX_SEARCH_RESULTS])
    # A word in the indexed text as it is lies inside one token, a piece of the page's text: the
    # page has it as written. Only the other pages are read to tell, and reading one costs a
    # query when its body has images or documents.
    written = set(
        model.objects.filter(
            *(Q(**{lookup: word}) for word in words), pk__in=[page.pk for page in found]
        ).values_list("pk", flat=True)
    )
    return [page for page in found if page.pk in written or page.contains_words(words)]


def _substring_matches(pages: QuerySet, lookup: str, words: list[str]) -> QuerySet:
    """The ``pages`` whose indexed text may contain every one of ``words``, those with all of them
    in their title first.

    The full-text index holds only the words jieba cut, so it cannot find one character inside
    a word (党 in 入党) or a string that a text may cut apart. The indexed text holds every
    character of the page's text, so its substrings are matched instead: a scan of the index
    table (one row per page; no index serves LIKE '%党%'), bounded like the search.
    """
    condition = Q()
    for word in words:
        condition &= reduce(
            operator.or_,
            (
                Q(*(Q(**{lookup: fragment}) for fragment in fragments))
                for fragments in substring_patterns(word)
            ),
        )
    in_title = Q(*(Q(title__icontains=word) for word in words))
    return (
        pages.filter(condition)
        .annotate(title_first=Case(When(in_title, then=0), default=1))
        .order_by("title_first", "path")
    )


def lesson_facts(lesson: LessonPage) -> LessonFacts:
    return LessonFacts(
        lesson.pk,
        lesson.min_study_minutes * 60_000,
        lesson.video_duration if lesson.video_id else None,
    )


def progress_facts(progress: LessonProgress) -> ProgressFacts:
    return ProgressFacts(
        progress.studied_ms, progress.video_watched_ms, progress.video_reached_end, visited=True
    )


@dataclass
class LessonRow:
    lesson: LessonPage
    state: str
    studied_ms: int
    required_ms: int


@dataclass
class EnrollmentProgress:
    enrollment: Enrollment
    progress: CourseProgress
    lessons: list[LessonRow]
    next_lesson: LessonPage | None


def _lessons_of(courses: list[CoursePage]) -> dict[str, list[LessonPage]]:
    """Live lessons of several courses in one query, in course order, keyed by course path."""
    if not courses:
        return {}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    lessons: dict[str, list[LessonPage]] = {course.path: [] for course in courses}
    for lesson in LessonPage.objects.live().filter(condition).order_by("path"):
        lessons[lesson.path[: -LessonPage.steplen]].append(lesson)
    return lessons


def _progress_of(user, lessons: list[LessonPage]) -> dict[int, LessonProgress]:
    rows = LessonProgress.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons])
    return {row.lesson_id: row for row in rows}


def _enrollment_progress(
    enrollment: Enrollment, lessons: list[LessonPage], rows: dict[int, LessonProgress]
):
    facts = [lesson_facts(lesson) for lesson in lessons]
    visited = [rows[lesson.pk] for lesson in lessons if lesson.pk in rows]
    last_visited = max(visited, key=lambda row: row.last_visited_at).lesson_id if visited else None
    course = enrollment.course
    progress = course_progress(
        facts,
        {lesson_id: progress_facts(row) for lesson_id, row in rows.items()},
        hours_worth=course.study_hours,
        hours_required=enrollment.cohort.hours_required
        if enrollment.cohort
        else course.study_hours,
        last_visited_lesson_id=last_visited,
    )
    by_id = {lesson.pk: lesson for lesson in lessons}
    return EnrollmentProgress(
        enrollment=enrollment,
        progress=progress,
        lessons=[
            LessonRow(
                lesson,
                progress.states[lesson.pk],
                rows[lesson.pk].studied_ms if lesson.pk in rows else 0,
                fact.required_ms,
            )
            for lesson, fact in zip(lessons, facts, strict=True)
        ],
        next_lesson=by_id.get(progress.next_lesson_id) if progress.next_lesson_id else None,
    )


def enrollments_with_progress(user, *, include_withdrawn: bool = False) -> list[EnrollmentProgress]:
    """The learner's enrollments, newest first, each with its progress. Four queries in all."""
    query = Enrollment.objects.filter(user=user).select_related("course", "cohort")
    if not include_withdrawn:
        query = query.filter(status=Enrollment.Status.ACTIVE)
    enrollments = list(query.order_by("-enrolled_at"))

    lessons_by_course = _lessons_of([e.course for e in enrollments])
    all_lessons = [lesson for lessons in lessons_by_course.values() for lesson in lessons]
    rows = _progress_of(user, all_lessons)
    return [_enrollment_progress(e, lessons_by_course[e.course.path], rows) for e in enrollments]


def enrollment_progress(user, course: CoursePage) -> EnrollmentProgress | None:
    """The learner's enrollment in ``course`` with its progress, or None when not enrolled."""
    enrollment = (
        Enrollment.objects.filter(user=user, course=course)
        .select_related("course", "cohort")
        .first()
    )
    if enrollment is None:
        return None
    lessons = _lessons_of([enrollment.course])[enrollment.course.path]
    return _enrollment_progress(enrollment, lessons, _progress_of(user, lessons))


@dataclass
class LessonStudy:
    """A learner's study of one lesson, for the lesson page."""

    studied_ms: int
    required_ms: int
    video_watched_ms: int
    completed: bool


def lesson_study(
    user, *, lesson_id: int, course_id: int, min_study_minutes: int
) -> LessonStudy | None:
    """The learner's progress in a lesson (of ``course_id``, to be studied for
    ``min_study_minutes``) if they are actively enrolled in its course, else None. One query:
    the lesson page asks for it for every signed-in reader."""
    progress = LessonProgress.objects.filter(user=user, lesson_id=lesson_id)
    found = (
        Enrollment.objects.filter(user=user, course_id=course_id, status=Enrollment.Status.ACTIVE)
        .annotate(
            studied_ms=Subquery(progress.values("studied_ms")[:1]),
            video_watched_ms=Subquery(progress.values("video_watched_ms")[:1]),
            completed_at=Subquery(progress.values("completed_at")[:1]),
        )
        .values("studied_ms", "video_watched_ms", "completed_at")[:1]
    )
    row = next(iter(found), None)
    if row is None:
        return None
    return LessonStudy(
        studied_ms=row["studied_ms"] or 0,
        required_ms=min_study_minutes * 60_000,
        video_watched_ms=row["video_watched_ms"] or 0,
        completed=row["completed_at"] is not None,
    )


@dataclass
class LearnerProgress:
    enrollment: Enrollment
    progress: CourseProgress


def cohort_progress(cohort) -> list[LearnerProgress]:
    """Every learner of a cohort with their progress, for organizers. Three queries in all."""
    enrollments = list(
        cohort.enrollments.select_related("user", "course").order_by("user__username")
    )
    lessons = _lessons_of([cohort.course])[cohort.course.path]
    facts = [lesson_facts(lesson) for lesson in lessons]
    rows: dict[int, dict[int, LessonProgress]] = {}
    for row in LessonProgress.objects.filter(
        lesson__in=[lesson.pk for lesson in lessons], user__in=[e.user_id for e in enrollments]
    ):
        rows.setdefault(row.user_id, {})[row.lesson_id] = row
    return [
        LearnerProgress(
            enrollment,
            course_progress(
                facts,
                {
                    lesson_id: progress_facts(row)
                    for lesson_id, row in rows.get(enrollment.user_id, {}).items()
                },
                hours_worth=cohort.course.study_hours,
                hours_required=cohort.hours_required,
            ),
        )
        for enrollment in enrollments
    ]


@dataclass
class ExamCard:
    exam: Exam
    attempts: list[Attempt]
    open_attempt: Attempt | None
    best: Attempt | None


def exams_visible_to(user) -> QuerySet[Exam]:
    """The exams ``user`` may see as a learner: published ones of the courses they are actively
    enrolled in; an exam of one class only for that class's active learners.

    The exam pages, the exam API and 我的学习 all read this, so none shows an exam another
    does not. Whether the learner may start an attempt now is ``start_blocker``'s question.
    """
    active = Enrollment.objects.filter(user=user, status=Enrollment.Status.ACTIVE)
    return Exam.objects.filter(is_published=True).filter(
        Q(cohort__isnull=True, course__in=active.values("course"))
        | Q(cohort__in=active.filter(cohort__isnull=False).values("cohort"))
    )


def access_exam(user, pk: int) -> Exam:
    """The exam with this pk if ``user`` may see it (``exams_visible_to``); Http404 otherwise."""
    return get_object_or_404(exams_visible_to(user).select_related("course"), pk=pk)


def review_released(attempt: Attempt, *, now: datetime.datetime) -> bool:
    """Whether the learner may see the review of ``attempt``: each question's score, the right
    answers, the explanations and graders' comments. Until then only the total and pass/fail.

    Never before the attempt is graded. Then as the exam's ``review`` says; "after the last
    attempt" is once the learner can start no other attempt and has none open. The exam counts
    as closed only once no attempt accepts answers (``answers_accepted_until``: the grace
    period after ``closes_at``), so no one still writing can be handed the key.
    """
    exam = attempt.exam
    if attempt.status != Attempt.Status.GRADED or exam.review == Exam.Review.NEVER:
        return False
    if exam.review == Exam.Review.AFTER_EACH_ATTEMPT or now > exam.answers_accepted_until:
        return True
    if exam.review == Exam.Review.AFTER_CLOSE:
        return False
    theirs = Attempt.objects.filter(exam_id=exam.pk, user_id=attempt.user_id)
    closed = theirs.exclude(status=Attempt.Status.OPEN).count()
    return closed >= exam.max_attempts and not theirs.filter(status=Attempt.Status.OPEN).exists()


def exams_for(user) -> dict[int, list[ExamCard]]:
    """The exams the learner sees (``exams_visible_to``), keyed by course id, with their attempts."""
    exams = list(exams_visible_to(user).order_by("opens_at"))
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(user=user, exam__in=exams).order_by("number"):
        attempts.setdefault(attempt.exam_id, []).append(attempt)
    cards: dict[int, list[ExamCard]] = {}
    for exam in exams:
        mine = attempts.get(exam.pk, [])
        graded = [a for a in mine if a.score is not None]  # score is set on every one of these
        cards.setdefault(exam.course_id, []).append(
            ExamCard(
                exam=exam,
                attempts=mine,
                open_attempt=next((a for a in mine if a.is_open), None),
                best=max(graded, key=lambda a: a.score or 0) if graded else None,
            )
        )
    return cards


# --- Completion -----------------------------------------------------------------------------------


def policy_for(enrollment: Enrollment) -> CompletionPolicy | None:
    """The class's own completion policy if it has one, else the course's; None: no certificate."""
    if enrollment.cohort_id:
        policy = (
            CompletionPolicy.objects.filter(cohort_id=enrollment.cohort_id)
            .select_related("exam")
            .first()
        )
        if policy:
            return policy
    return (
        CompletionPolicy.objects.filter(course_id=enrollment.course_id, cohort__isnull=True)
        .select_related("exam")
        .first()
    )


def completion_facts(enrollment: Enrollment, policy: CompletionPolicy) -> completion.Facts:
    progress = enrollment_progress(enrollment.user, enrollment.course)
    best: Attempt | None = None
    awaiting = False
    if policy.exam_id:
        attempts = list(
            Attempt.objects.filter(
                exam_id=policy.exam_id,
                user_id=enrollment.user_id,
                status__in=(Attempt.Status.GRADED, Attempt.Status.PENDING_REVIEW),
            )
        )
        graded = [a for a in attempts if a.status == Attempt.Status.GRADED]
        awaiting = any(a.status == Attempt.Status.PENDING_REVIEW for a in attempts)
        best = max(
            graded, key=lambda a: (a.score or 0) / a.max_score if a.max_score else 0, default=None
        )
    essay = ReflectionEssay.objects.filter(enrollment=enrollment).first()
    return completion.Facts(
        lessons_done=progress.progress.lessons_done if progress else 0,
        lessons_total=progress.progress.lessons_total if progress else 0,
        hours_earned=progress.progress.hours_earned if progress else Decimal(0),
        exam_percent=(
            (best.score / best.max_score * 100).quantize(Decimal("0.1"))
            if best is not None and best.score is not None and best.max_score
            else None
        ),
        exam_passed=bool(best and best.passed),
        attendance=enrollment.attendance_score,
        essay_submitted=essay is not None,
        essay_score=essay.score if essay else None,
        signed_off=enrollment.signed_off_at is not None,
        exam_awaiting_grading=awaiting,
    )


def completion_rules(enrollment: Enrollment, policy: CompletionPolicy) -> completion.Rules:
    required = policy.min_study_hours
    if required is None:
        required = (
            enrollment.cohort.hours_required if enrollment.cohort else enrollment.course.study_hours
        )
    return completion.Rules(
        require_lessons=policy.require_lessons,
        min_hours=required,
        has_exam=policy.exam_id is not None,
        require_exam_pass=policy.require_exam_pass,
        weighted_grade=policy.weighted_grade,
        exam_weight=policy.exam_weight,
        attendance_weight=policy.attendance_weight,
        essay_weight=policy.essay_weight,
        pass_mark=policy.pass_mark,
        require_essay=policy.require_essay,
        essay_pass_mark=policy.essay_pass_mark,
        require_signoff=policy.require_signoff,
    )


def completion_status(enrollment: Enrollment) -> completion.Evaluation | None:
    """Each condition of the enrollment's completion policy, met or not; None without a policy."""
    policy = policy_for(enrollment)
    if policy is None:
        return None
    return completion.evaluate(
        completion_rules(enrollment, policy), completion_facts(enrollment, policy)
    )
