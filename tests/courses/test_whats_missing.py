"""What a learner is told is missing towards the certificate, and who has to act on it."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils.html import strip_tags

from courses.completion import INSTRUCTOR, LEARNER, ORGANIZER, Facts, Rules, evaluate
from courses.models import Cohort, CompletionPolicy, ReflectionEssay
from courses.services.certificates import essay_length, submit_essay
from school.exceptions import DomainError

D = Decimal
WEIGHTED = Rules(has_exam=True, weighted_grade=True, require_essay=True)


def waiting(facts: Facts, rules: Rules = WEIGHTED) -> dict[str, str]:
    return {c.code: c.waiting_on for c in evaluate(rules, facts).conditions}


def test_each_unmet_condition_names_who_acts():
    facts = Facts(lessons_done=6, lessons_total=6, exam_percent=D(80), exam_passed=True)
    assert waiting(facts) == {
        "lessons": "",
        "exam": "",
        "grade": ORGANIZER,  # the attendance mark is missing first
        "essay": LEARNER,  # not handed in
    }
    handed_in = Facts(**{**facts.__dict__, "essay_submitted": True, "attendance": D(90)})
    assert waiting(handed_in) == {
        "lessons": "",
        "exam": "",
        "grade": INSTRUCTOR,
        "essay": INSTRUCTOR,
    }


@pytest.mark.usefixtures("in_english")
def test_the_grade_says_which_marks_are_missing():
    facts = Facts(lessons_done=1, lessons_total=1, exam_awaiting_grading=True, essay_submitted=True)
    grade = next(c for c in evaluate(WEIGHTED, facts).conditions if c.code == "grade")
    assert grade.detail == (
        "waiting for: exam score, being graded; attendance mark, recorded by the organizer; "
        "essay grade, given by the instructor"
    )
    exam = next(c for c in evaluate(WEIGHTED, facts).conditions if c.code == "exam")
    assert exam.waiting_on == INSTRUCTOR and "being graded" in exam.detail


def test_a_sign_off_waits_for_the_organizer():
    (signoff,) = evaluate(Rules(require_lessons=False, require_signoff=True), Facts()).conditions
    assert signoff.waiting_on == ORGANIZER
    met = evaluate(Rules(require_lessons=False, require_signoff=True), Facts(signed_off=True))
    assert met.conditions[0].waiting_on == ""


# --- The essay's length ---------------------------------------------------------------------------


@pytest.fixture
def essay_policy(site_pages):
    return CompletionPolicy.objects.create(
        course=site_pages.course,
        require_essay=True,
        essay_prompt="谈谈你对党的性质的认识（不少于800字）。",
        essay_min_characters=800,
    )


def test_length_is_counted_without_spaces_and_line_breaks():
    assert essay_length("我 爱\n祖国\u3000!") == 5


def test_a_short_essay_is_refused_and_nothing_is_kept(enrolled, essay_policy):
    with pytest.raises(DomainError) as raised:
        submit_essay(enrolled, text="我对党的认识。" * 10)
    assert raised.value.code == "essay_too_short"
    assert "70" in str(raised.value.detail) and "800" in str(raised.value.detail)
    assert not ReflectionEssay.objects.exists()
    submit_essay(enrolled, text="我" * 800)
    assert ReflectionEssay.objects.get().text == "我" * 800


def test_rewriting_it_shorter_keeps_the_essay_handed_in(enrolled, essay_policy):
    submit_essay(enrolled, text="我" * 800)
    with pytest.raises(DomainError):
        submit_essay(enrolled, text="短")
    assert ReflectionEssay.objects.get().text == "我" * 800


def test_the_page_says_the_minimum_and_counts(client, learner, enrolled, essay_policy):
    client.force_login(learner)
    response = client.post(f"/learning/essays/{enrolled.pk}/", {"text": "太短了"}, follow=True)
    text = " ".join(strip_tags(response.content.decode()).split())
    assert "心得体会现有 3 字，至少需要 800 字。" in text
    assert "不少于 800 字（不计空格）。" in text
    assert 'data-min="800"' in response.content.decode()
    assert not ReflectionEssay.objects.exists()


def test_a_topic_that_states_its_minimum_gets_it_when_migrated(site_pages):
    migration = importlib.import_module("courses.migrations.0013_add_essay_minimum_length")
    stated = CompletionPolicy.objects.create(
        course=site_pages.course,
        require_essay=True,
        essay_prompt="谈谈你的认识（不少于 1500 字）。",
    )
    silent = CompletionPolicy.objects.create(
        course=site_pages.course,
        cohort=Cohort.objects.create(
            course=site_pages.course,
            name="第二期",
            starts_on=datetime.date(2026, 11, 1),
            ends_on=datetime.date(2026, 12, 1),
        ),
        require_essay=True,
        essay_prompt="谈谈你的认识。",
    )
    migration.read_stated_minimum(django_apps, None)
    stated.refresh_from_db()
    silent.refresh_from_db()
    assert (stated.essay_min_characters, silent.essay_min_characters) == (1500, 0)
