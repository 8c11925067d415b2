"""Validation of a branch general meeting's record (pure: no database)."""

import pytest

from membership.eligibility.engine import meeting_problems

VALID = {"entitled": 20, "present": 15, "votes_for": 12, "votes_against": 2, "abstentions": 1}


def test_a_valid_meeting_has_no_problems():
    assert meeting_problems(VALID) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        # Present: more than half of those entitled.
        (
            {"present": 10, "votes_for": 10, "votes_against": 0, "abstentions": 0},
            "有表决权的到会人数（10）未超过应到会有表决权人数（20）的半数",
        ),
        ({"present": 11, "votes_for": 11, "votes_against": 0, "abstentions": 0}, None),
        # In favour: more than half of those entitled, not of those present.
        (
            {"present": 11, "votes_for": 10, "votes_against": 1, "abstentions": 0},
            "赞成票（10）未超过应到会有表决权的正式党员人数（20）的半数",
        ),
        (
            {
                "entitled": 21,
                "present": 11,
                "votes_for": 10,
                "votes_against": 0,
                "abstentions": 0,
                "written_opinions": 1,
            },
            "赞成票（10）未超过",
        ),
        # Absentees' written opinions count as votes.
        (
            {
                "present": 11,
                "votes_for": 13,
                "votes_against": 0,
                "abstentions": 0,
                "written_opinions": 2,
            },
            None,
        ),
        (
            {"present": 11, "votes_for": 13, "votes_against": 0, "abstentions": 0},
            "赞成、反对、弃权票合计（13）多于到会人数与书面意见数之和（11）",
        ),
        ({"written_opinions": 6}, "书面意见数（6）多于未到会人数（5）"),
        ({"present": 21}, "实到人数（21）多于应到人数（20）"),
    ],
)
def test_meeting_counts(changes, problem):
    problems = meeting_problems({**VALID, **changes})
    if problem is None:
        assert problems == []
    else:
        assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize(
    ("details", "problem"),
    [
        ({}, "未填写应到会有表决权的正式党员人数"),
        ({"entitled": 20, "present": 15}, "未填写赞成票数"),
        ({**VALID, "present": "15"}, "实到会有表决权的正式党员人数应为不小于 0 的整数"),
        ({**VALID, "abstentions": -1}, "弃权票数应为不小于 0 的整数"),
        ({**VALID, "votes_for": True}, "赞成票数应为不小于 0 的整数"),
        (
            {
                **VALID,
                "entitled": 0,
                "present": 0,
                "votes_for": 0,
                "votes_against": 0,
                "abstentions": 0,
            },
            "应到会有表决权的正式党员人数应大于 0",
        ),
    ],
)
def test_missing_or_malformed_counts_are_named(details, problem):
    assert problem in meeting_problems(details)
