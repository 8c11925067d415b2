"""The learner's own state on curriculum pages (Wagtail serves those pages; this adds the person)."""

from django import template
from django.conf import settings

from courses.models import Certificate
from courses.selectors import enrollment_progress, lesson_study

register = template.Library()


@register.simple_tag(takes_context=True)
def my_enrollment(context, course):
    """The signed-in learner's enrollment in ``course`` with progress, or None."""
    user = context["request"].user
    return enrollment_progress(user, course) if user.is_authenticated else None


@register.simple_tag(takes_context=True)
def my_certificate(context, course):
    """The signed-in learner's valid certificate of ``course``, or None."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    return Certificate.objects.filter(
        user=user, course=course, status=Certificate.Status.VALID
    ).first()


@register.simple_tag(takes_context=True)
def my_study(context, lesson_id: int, course_id: int, min_study_minutes: int):
    """The signed-in learner's study of the lesson (None when they are not enrolled in its
    course)."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    return lesson_study(
        user, lesson_id=lesson_id, course_id=course_id, min_study_minutes=min_study_minutes
    )


@register.simple_tag
def heartbeat_seconds() -> int:
    return settings.STUDY_HEARTBEAT_SECONDS


@register.filter
def minutes(milliseconds: int) -> int:
    return int(milliseconds // 60_000)
