from django import template

from courses.questions.types import split_at_blanks

register = template.Library()


@register.filter
def blank_segments(text: str) -> list[str]:
    """The text of a fill-in question cut at its blanks: n blanks give n + 1 pieces."""
    return split_at_blanks(text)


@register.filter
def chosen(response, key: str) -> bool:
    """Whether a saved response picked the option with this key (single: the key; multiple:
    in the list)."""
    if isinstance(response, list):
        return key in response
    return isinstance(response, str) and response == key


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
