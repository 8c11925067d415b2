"""Whose learning a staff user sees in the admin, and which classes they run.

School administrators (党委组织部) run every class and see every learner; instructors see every
learner of the courses they teach, which is all of them. An organizer sees the learning of the
people in their own organizations — which courses cannot know: membership registers the scope
when it starts (``set_learner_scope``), so this app never imports membership. Without one
registered, staff see every learner.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from accounts import roles
from accounts.models import User

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


def learners_visible_to(user) -> QuerySet[User] | None:
    """The accounts whose enrollments, results and certificates ``user`` sees; ``None`` for all.

    Organizers also see every learner of the classes they manage."""
    if _learner_scope is None or runs_every_class(user):
        return None
    if user.groups.filter(name=roles.INSTRUCTORS).exists():
        return None
    scoped = _learner_scope(user)
    if scoped is None:
        return None
    return User.objects.filter(
        Q(pk__in=scoped.values("pk")) | Q(enrollments__cohort__managers=user)
    ).distinct()


def scope_to_learners(queryset: QuerySet, user, field: str = "user") -> QuerySet:
    """``queryset`` narrowed to the rows of the learners ``user`` sees."""
    learners = learners_visible_to(user)
    if learners is None:
        return queryset
    return queryset.filter(**{f"{field}__in": learners.values("pk")})


class LearnerScopedIndexMixin:
    """An admin listing (and its export) of learners' rows, narrowed to the learners the user
    sees. ``learner_field`` is the path to the learner's account."""

    learner_field = "user"

    def get_base_queryset(self):
        return scope_to_learners(super().get_base_queryset(), self.request.user, self.learner_field)
