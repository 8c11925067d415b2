"""Checking and scoring responses (a pure module: a question's snapshot and a response in,
a normalized response or a score out).

A snapshot is what a paper keeps of each question when it is drawn (see ``snapshot_of`` in
courses/services/exams.py): kind, text, options with their keys and fractions, blanks with
their accepted answers. An option's key is drawn at random for the attempt; it is the option's
id for the learner (the bank's pk never is: it would tell the order the author wrote them in).
Responses arrive as JSON:

    single        an option's key              "pQ3x_a9Z"
    multiple      a list of option keys        ["pQ3x_a9Z", "Kd-07sLm"]
    true_false    true or false                true
    fill_in       a list of strings, a blank each   ["1921", "7月1日"]
    short_answer  a string                     "……"

Fill-in answers match when they are equal after NFKC normalization (full-width and half-width
forms alike), case folding and removing spaces.
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from courses.questions import types as q

MAX_TEXT = 5000


class InvalidResponse(ValueError):
    """The response has the wrong shape for the question; the message says what is expected."""


def normalize_response(snapshot: dict, response):
    """The response in its stored form, or ``InvalidResponse``."""
    kind = snapshot["kind"]
    keys = {option["key"] for option in snapshot.get("options", [])}
    if kind == q.SINGLE:
        if not isinstance(response, str):
            raise InvalidResponse(_("Send the id of one option (a string)."))
        if response not in keys:
            raise InvalidResponse(_("Choose one of this question's options."))
        return response
    if kind == q.MULTIPLE:
        if not isinstance(response, list) or not all(isinstance(r, str) for r in response):
            raise InvalidResponse(_("Send a list of option ids (strings)."))
        if not set(response) <= keys:
            raise InvalidResponse(_("Choose only from this question's options."))
        # Sorted: the stored form is canonical. The keys are random, so the order tells nothing.
        return sorted(set(response))
    if kind == q.TRUE_FALSE:
        if not isinstance(response, bool):
            raise InvalidResponse(_("Answer true or false."))
        return response
    if kind == q.FILL_IN:
        blanks = len(snapshot["blanks"])
        if (
            not isinstance(response, list)
            or len(response) != blanks
            or not all(isinstance(r, str) for r in response)
        ):
            raise InvalidResponse(
                _("Send a list of %(count)d texts, one for each blank.") % {"count": blanks}
            )
        if any(len(r) > 200 for r in response):
            raise InvalidResponse(_("A blank's answer is too long."))
        return [r.strip() for r in response]
    if kind == q.SHORT_ANSWER:
        if not isinstance(response, str):
            raise InvalidResponse(_("Send your answer as text."))
        if len(response) > MAX_TEXT:
            raise InvalidResponse(
                _("The answer is longer than %(max)d characters.") % {"max": MAX_TEXT}
            )
        return response
    raise InvalidResponse(_("Unknown question kind."))


def right_keys(snapshot: dict) -> list[str]:
    """The keys of a choice question's right options (those worth some of the points), in the
    order the learner saw them."""
    return [o["key"] for o in snapshot.get("options", []) if Decimal(o["fraction"]) > 0]


def _same_text(a: str, b: str) -> bool:
    def canon(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    return canon(a) == canon(b)


def _fraction(snapshot: dict, response) -> Decimal:
    """The share of the points a response earns, from 0 to 1."""
    kind = snapshot["kind"]
    if kind == q.SINGLE:
        picked = [o for o in snapshot["options"] if o["key"] == response]
        return Decimal(1) if picked and Decimal(picked[0]["fraction"]) > 0 else Decimal(0)
    if kind == q.MULTIPLE:
        chosen = set(response)
        right = set(right_keys(snapshot))
        rule = snapshot.get("scoring", q.ALL_OR_NOTHING)
        if rule == q.WEIGHTED:
            total = sum(
                (Decimal(o["fraction"]) for o in snapshot["options"] if o["key"] in chosen),
                Decimal(0),
            )
            return min(max(total, Decimal(0)), Decimal(1))
        if chosen == right:
            return Decimal(1)
        if rule == q.PARTIAL and chosen and chosen < right:
            return Decimal("0.5")
        return Decimal(0)
    if kind == q.TRUE_FALSE:
        return Decimal(1) if response is snapshot["correct"] else Decimal(0)
    if kind == q.FILL_IN:
        blanks = snapshot["blanks"]
        filled = sum(
            1
            for given, accepted in zip(response, blanks, strict=True)
            if any(_same_text(given, a) for a in accepted)
        )
        return Decimal(filled) / Decimal(len(blanks))
    raise ValueError(kind)


def score(snapshot: dict, points: Decimal, response) -> Decimal | None:
    """Points earned by ``response`` (already normalized; None when unanswered).

    Short answers return None: a person grades them. An unanswered question earns 0.
    """
    if snapshot["kind"] == q.SHORT_ANSWER:
        return None if response not in (None, "") else Decimal(0)
    if response is None:
        return Decimal(0)
    return (Decimal(points) * _fraction(snapshot, response)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
