"""Whose learning a staff user sees in the admin, and which classes they run.

School administrators (党委组织部) run every class and see every learner; instructors see every
learner of the courses they teach, which is all of them. An organizer sees the learning of the
people in their own organizations — which courses cannot know: membership registers the scope
when it starts (``set_learner_scope``), so this app never imports membership. Without one
registered, staff see every learner.
"""

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet

from accounts import roles
from accounts.models import User
from courses import models as m
from courses.models import Cohort
from school import scoping

LearnerScope = Callable[[User], QuerySet[User] | None]

_learner_scope: LearnerScope | None = None


def set_learner_scope(scope: LearnerScope | None) -> None:
    """Register the function that says whose learning a user sees (``None``: everyone's)."""
    global _learner_scope
    _learner_scope = scope


def runs_every_class(user) -> bool:
    return user.is_superuser or user.groups.filter(name=roles.SCHOOL_ADMINS).exists()


def can_manage(user, cohort) -> bool:
    """Change the class, enroll and withdraw its learners, give its marks, issue by hand:
    school administrators for every class, organizers for the classes they manage."""
    return runs_every_class(user) or cohort.managers.filter(pk=user.pk).exists()


def _own_people(user) -> QuerySet[User] | None:
    """The accounts of the people of ``user``'s own organizations, when those are all they see
    of learners (organizers); ``None`` when they see every learner (school administrators,
    instructors, or no scope registered)."""
    if _learner_scope is None or runs_every_class(user):
        return None
    if user.groups.filter(name=roles.INSTRUCTORS).exists():
        return None
    return _learner_scope(user)


def learners_visible_to(user) -> QuerySet[User] | None:
    """The accounts whose enrollments, results and certificates ``user`` sees; ``None`` for all.

    Organizers also see every learner of the classes they manage."""
    scoped = _own_people(user)
    if scoped is None:
        return None
    return User.objects.filter(
        Q(pk__in=scoped.values("pk")) | Q(enrollments__cohort__managers=user)
    ).distinct()


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """The classes ``user`` sees in the admin: every class (school administrators, instructors),
    or the classes they manage and those their own people are in (organizers) — a class of
    the whole university shows them their people in it, not the others."""
    cohorts = Cohort.objects.all()
    scoped = _own_people(user)
    if scoped is None:
        return cohorts
    return cohorts.filter(
        Q(managers=user) | Q(enrollments__user__in=scoped.values("pk"))
    ).distinct()


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    """The classes ``user`` runs: every class for school administrators, else those they manage."""
    if runs_every_class(user):
        return Cohort.objects.all()
    return Cohort.objects.filter(managers=user)


def learners_enrollable_by(user) -> QuerySet[User] | None:
    """The accounts ``user`` may enroll into a class they run: anyone (school administrators;
    ``None``), or the people of their own organizations (organizers) — never a learner of
    another college, who would then show them that learner's certificates."""
    if _learner_scope is None or runs_every_class(user):
        return None
    scoped = _learner_scope(user)
    return scoped if scoped is not None else User.objects.none()


def scope_to_learners(queryset: QuerySet, user, field: str = "user") -> QuerySet:
    """``queryset`` narrowed to the rows of the learners ``user`` sees."""
    learners = learners_visible_to(user)
    if learners is None:
        return queryset
    return queryset.filter(**{f"{field}__in": learners.values("pk")})


def _of_learners(model, field: str = "user"):
    def reach(user) -> QuerySet:
        return scope_to_learners(model.objects.all(), user, field)

    return reach


def register_reach() -> None:
    """Tell the registry (school.scoping) who reaches which rows of this app."""
    scoping.register(m.Cohort, cohorts_visible_to)
    scoping.register(m.Enrollment, _of_learners(m.Enrollment))
    scoping.register(m.LessonProgress, _of_learners(m.LessonProgress))
    scoping.register(m.Attempt, _of_learners(m.Attempt))
    scoping.register(m.Answer, _of_learners(m.Answer, "attempt_question__attempt__user"))
    scoping.register(m.Certificate, _of_learners(m.Certificate))
    scoping.register(m.ReflectionEssay, _of_learners(m.ReflectionEssay, "enrollment__user"))
    curriculum = "the curriculum is the same for every college and holds nobody's data"
    keys = "banks and papers: kept by instructors, whose permissions say who may use them"
    open_models: list[tuple[type[Model], str]] = [
        (m.CourseIndexPage, curriculum),
        (m.CoursePage, curriculum),
        (m.LessonPage, curriculum),
        (m.Audience, curriculum),
        (m.QuestionBank, keys),
        (m.Question, keys),
        (m.QuestionOption, keys),
        (m.FillBlank, keys),
        (m.Exam, keys),
        (m.ExamRule, keys),
        (m.CompletionPolicy, keys),
    ]
    for model, reason in open_models:
        scoping.register_open(model, reason)
