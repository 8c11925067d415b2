"""Checking a record's details against its kind (a pure module)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from membership import records


def details_problems(kind: str, details: dict) -> list[str]:
    """What is wrong with ``details`` for a record of ``kind``, in the user's language."""
    if kind not in records.KINDS:
        return [_("Unknown kind of record.")]
    allowed = records.DETAIL_KEYS[kind]
    problems = []
    for key, value in details.items():
        expected = allowed.get(key)
        if expected is None:
            problems.append(_("“%(key)s” does not belong to this kind of record.") % {"key": key})
        elif expected is int and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            problems.append(_("“%(key)s” must be a whole number, 0 or more.") % {"key": key})
        elif expected is bool and not isinstance(value, bool):
            problems.append(_("“%(key)s” must be yes or no.") % {"key": key})
        elif expected is list and not (
            isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        ):
            problems.append(_("“%(key)s” must be a list of names.") % {"key": key})
        elif expected is str and not isinstance(value, str):
            problems.append(_("“%(key)s” must be text.") % {"key": key})
    problems += _specific_problems(kind, details)
    return problems


def _specific_problems(kind: str, details: dict) -> list[str]:
    problems = []
    names = details.get("names", [])
    if kind == records.MENTORS and not 1 <= len(names) <= 2:
        problems.append(_("Assign one or two mentors."))
    if kind == records.INTRODUCERS and len(names) != 2:
        problems.append(_("A candidate has two introducers."))
    if "ends_on" in details:
        try:
            datetime.date.fromisoformat(details["ends_on"])
        except (TypeError, ValueError):
            problems.append(_("The end of the notice period is not a date."))
    if "outcome" in details and details["outcome"] not in records.NOTICE_OUTCOMES:
        problems.append(_("Unknown outcome of the public notice."))
    if kind == records.PROBATION_EXTENSION and not 6 <= details.get("months", 0) <= 12:
        problems.append(_("Probation is extended by six to twelve months."))
    for key in ("hours", "grade"):
        if key in details:
            try:
                if Decimal(details[key]) < 0:
                    raise InvalidOperation
            except (InvalidOperation, TypeError):
                problems.append(_("“%(key)s” must be a number, 0 or more.") % {"key": key})
    if kind == records.TRAINING and details.get("audience") not in ("activist", "candidate"):
        problems.append(_("Say whom the training was for: activists or candidates."))
    return problems
