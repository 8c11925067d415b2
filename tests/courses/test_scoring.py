from decimal import Decimal

import pytest

from courses.questions import types as q
from courses.scoring import InvalidResponse, normalize_response, score

SINGLE = {"kind": q.SINGLE, "options": [{"id": 1, "fraction": "1"}, {"id": 2, "fraction": "0"}]}


def multiple(rule):
    return {
        "kind": q.MULTIPLE,
        "scoring": rule,
        "options": [
            {"id": 1, "fraction": "0.5"},
            {"id": 2, "fraction": "0.5"},
            {"id": 3, "fraction": "-1" if rule == q.WEIGHTED else "0"},
            {"id": 4, "fraction": "0"},
        ],
    }


FILL = {"kind": q.FILL_IN, "blanks": [["1", "一"], ["支部大会"]]}


def test_single_choice():
    assert score(SINGLE, Decimal(2), 1) == Decimal("2.00")
    assert score(SINGLE, Decimal(2), 2) == 0
    assert score(SINGLE, Decimal(2), None) == 0


@pytest.mark.parametrize(
    ("rule", "chosen", "earned"),
    [
        (q.ALL_OR_NOTHING, [1, 2], "3.00"),
        (q.ALL_OR_NOTHING, [1], "0.00"),
        (q.ALL_OR_NOTHING, [1, 2, 4], "0.00"),
        (q.PARTIAL, [1, 2], "3.00"),
        (q.PARTIAL, [1], "1.50"),  # 少选得一半
        (q.PARTIAL, [1, 4], "0.00"),  # a wrong option: nothing
        (q.PARTIAL, [], "0.00"),
        (q.WEIGHTED, [1], "1.50"),
        (q.WEIGHTED, [1, 2], "3.00"),
        (q.WEIGHTED, [1, 2, 3], "0.00"),  # a -100% option cancels the rest
        (q.WEIGHTED, [1, 3], "0.00"),  # never below zero
        (q.WEIGHTED, [1, 2, 4], "3.00"),
    ],
)
def test_multiple_choice_partial_credit_rules(rule, chosen, earned):
    assert score(multiple(rule), Decimal(3), sorted(chosen)) == Decimal(earned)


def test_true_false():
    snapshot = {"kind": q.TRUE_FALSE, "correct": False}
    assert score(snapshot, Decimal(1), False) == 1
    assert score(snapshot, Decimal(1), True) == 0


def test_fill_in_blanks_earn_their_share_and_forgive_width_case_and_spaces():
    assert score(FILL, Decimal(2), ["１", "支部 大会"]) == Decimal(
        "2.00"
    )  # full-width digit, a space
    assert score(FILL, Decimal(2), ["一", "党委"]) == Decimal("1.00")
    assert score(FILL, Decimal(2), ["两", ""]) == 0


def test_short_answers_wait_for_a_person_unless_left_empty():
    snapshot = {"kind": q.SHORT_ANSWER}
    assert score(snapshot, Decimal(10), "我的入党动机是……") is None
    assert score(snapshot, Decimal(10), "") == 0
    assert score(snapshot, Decimal(10), None) == 0


@pytest.mark.parametrize(
    ("snapshot", "response"),
    [
        (SINGLE, 99),  # an option of another question
        (SINGLE, "1"),
        (SINGLE, True),
        (SINGLE, [1]),
        (multiple(q.PARTIAL), 1),
        (multiple(q.PARTIAL), [1, 99]),
        (multiple(q.PARTIAL), [True]),
        ({"kind": q.TRUE_FALSE, "correct": True}, "true"),
        ({"kind": q.TRUE_FALSE, "correct": True}, 1),
        (FILL, ["1"]),  # one blank short
        (FILL, "1, 支部大会"),
        (FILL, ["1", 2]),
        ({"kind": q.SHORT_ANSWER}, ["text"]),
        ({"kind": q.SHORT_ANSWER}, "字" * 5001),
    ],
)
def test_responses_of_the_wrong_shape_are_refused(snapshot, response):
    with pytest.raises(InvalidResponse):
        normalize_response(snapshot, response)


def test_responses_are_stored_in_a_canonical_form():
    assert normalize_response(multiple(q.PARTIAL), [2, 1, 2]) == [1, 2]
    assert normalize_response(FILL, [" 1 ", "支部大会 "]) == ["1", "支部大会"]
