import re
from decimal import Decimal

import pytest

from courses.questions import types as q
from courses.scoring import InvalidResponse, normalize_response, right_keys, score

SINGLE = {
    "kind": q.SINGLE,
    "options": [{"key": "k1", "fraction": "1"}, {"key": "k2", "fraction": "0"}],
}


def multiple(rule):
    return {
        "kind": q.MULTIPLE,
        "scoring": rule,
        "options": [
            {"key": "k1", "fraction": "0.5"},
            {"key": "k2", "fraction": "0.5"},
            {"key": "k3", "fraction": "-1" if rule == q.WEIGHTED else "0"},
            {"key": "k4", "fraction": "0"},
        ],
    }


FILL = {"kind": q.FILL_IN, "blanks": [["1", "一"], ["支部大会"]]}


def test_single_choice():
    assert score(SINGLE, Decimal(2), "k1") == Decimal("2.00")
    assert score(SINGLE, Decimal(2), "k2") == 0
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
    assert score(multiple(rule), Decimal(3), sorted(f"k{n}" for n in chosen)) == Decimal(earned)


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
        (SINGLE, "k99"),  # an option of another question
        (SINGLE, 1),  # a number, as the bank's option pks were
        (SINGLE, True),
        (SINGLE, ["k1"]),
        (SINGLE, None),
        (multiple(q.PARTIAL), "k1"),
        (multiple(q.PARTIAL), ["k1", "k99"]),
        (multiple(q.PARTIAL), ["k1", 2]),
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
    assert normalize_response(multiple(q.PARTIAL), ["k2", "k1", "k2"]) == ["k1", "k2"]
    assert normalize_response(SINGLE, "k2") == "k2"
    assert normalize_response(FILL, [" 1 ", "支部大会 "]) == ["1", "支部大会"]


@pytest.mark.parametrize(
    ("snapshot", "response", "message"),
    [
        (SINGLE, 1, "Send the id of one option (a string)."),
        (SINGLE, "k9", "Choose one of this question's options."),
        (multiple(q.PARTIAL), [1], "Send a list of option ids (strings)."),
        (multiple(q.PARTIAL), ["k9"], "Choose only from this question's options."),
    ],
)
def test_refusals_of_choice_answers_say_what_is_expected(snapshot, response, message, in_english):
    with pytest.raises(InvalidResponse, match=re.escape(message)):
        normalize_response(snapshot, response)


def test_the_right_keys_are_those_worth_points_in_the_order_shown():
    assert right_keys(multiple(q.WEIGHTED)) == ["k1", "k2"]
    assert right_keys(SINGLE) == ["k1"]
