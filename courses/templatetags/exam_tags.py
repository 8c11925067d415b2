from django import template

from courses.questions.types import split_at_blanks

register = template.Library()


@register.filter
def blank_segments(text: str) -> list[str]:
    """The text of a fill-in question cut at its blanks: n blanks give n + 1 pieces."""
    return split_at_blanks(text)


@register.filter
def chosen(response, option_id) -> bool:
    """Whether a saved response picked this option (single: equal; multiple: in the list)."""
    if isinstance(response, list):
        return option_id in response
    return response == option_id and not isinstance(response, bool)


@register.filter
def is_right(option: dict) -> bool:
    return float(option["fraction"]) > 0


@register.filter
def at(values, index: int):
    """values[index], or "" when there is no such item (an unanswered blank)."""
    try:
        return values[index]
    except (IndexError, KeyError, TypeError):
        return ""
