"""The exam pages learners use, and the instructors' admin screens for exams."""

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.models import Answer, Attempt, Exam, Question
from courses.questions import types as q
from courses.services.exams import save_answer, start_attempt, submit_attempt
from tests.exams import build_exam
from tests.factories import UserFactory


def test_the_exam_page_offers_to_start(client, exam, candidate):
    client.force_login(candidate)
    html = client.get(reverse("learning:exam", args=[exam.pk])).content.decode()
    assert (
        "入党积极分子培训结业考试" in html
        and reverse("learning:exam-start", args=[exam.pk]) in html
    )


def test_the_exam_page_says_why_one_cannot_start(client, exam, candidate):
    exam.requires_lessons_complete = True
    exam.save()
    client.force_login(candidate)
    html = client.get(reverse("learning:exam", args=[exam.pk])).content.decode()
    assert "请先完成课程的全部课时" in html
    assert reverse("learning:exam-start", args=[exam.pk]) not in html


def test_starting_from_the_page_opens_the_paper(client, exam, candidate):
    client.force_login(candidate)
    response = client.post(reverse("learning:exam-start", args=[exam.pk]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("learning:attempt", args=[attempt.pk])
    html = client.get(response["Location"]).content.decode()
    assert html.count("data-question=") == attempt.questions.count()
    assert "data-deadline" in html and "exam.js" in html
    assert "fraction" not in html and "explanation" not in html


def test_saved_answers_are_shown_when_the_paper_is_reopened(client, exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    row = attempt.questions.get(position=1)
    chosen = row.snapshot["options"][2]["key"]
    save_answer(attempt, question_id=row.question_id, response=chosen)
    client.force_login(candidate)
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert f'value="{chosen}" checked' in html


def test_a_graded_attempt_shows_the_score_and_explanations(client, site_pages, bank, candidate):
    exam = build_exam(site_pages.course, bank, short_answers=0)
    Question.objects.update(explanation="解析：见党章总纲。")
    attempt, _ = start_attempt(exam, user=candidate)
    submit_attempt(attempt)
    client.force_login(candidate)
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "0 / 8" in html and "解析：见党章总纲。" in html and "option--right" in html


def test_the_review_needs_no_colon_after_its_labels(client, site_pages, bank, candidate):
    """A full-width colon after "Score" reads wrong in English: the review is a list of terms."""
    exam = build_exam(
        site_pages.course, bank, short_answers=0, review=Exam.Review.AFTER_EACH_ATTEMPT
    )
    Question.objects.update(explanation="See the Party Constitution.")
    attempt, _ = start_attempt(exam, user=candidate)
    submit_attempt(attempt)
    client.force_login(candidate)
    client.cookies["school_language"] = "en"
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    for term in ("Score", "Accepted answers", "Explanation"):
        assert f"<dt>{term}</dt>" in html and f"{term}：" not in html


def test_the_paper_says_offline_answers_wait_and_the_learner_still_submits(client, exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    client.force_login(candidate)
    url = reverse("learning:attempt", args=[attempt.pk])
    assert "联网后自动提交" not in client.get(url).content.decode()
    client.cookies["school_language"] = "en"
    html = client.get(url).content.decode()
    assert "will be saved when the connection returns" in html
    assert "You still need to press Submit yourself" in html
    # What the script shows when Submit cannot reach the server, and where.
    assert "the paper cannot be handed in yet" in html
    assert 'data-submit-message role="alert"' in html
    # Submitting asks in a dialog the keyboard reaches; its first button keeps the paper open.
    assert "<dialog" in html and 'value="cancel" autofocus' in html


def test_another_learners_attempt_page_is_not_found(client, exam, candidate):
    attempt, _ = start_attempt(exam, user=candidate)
    client.force_login(UserFactory(username="2023010166"))
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 404


def test_my_learning_lists_the_exam_with_the_result(client, site_pages, bank, candidate):
    exam = build_exam(site_pages.course, bank, short_answers=0)
    submit_attempt(start_attempt(exam, user=candidate)[0])
    client.force_login(candidate)
    html = client.get("/learning/").content.decode()
    assert exam.title in html and "0/8" in html


# --- Instructors ---------------------------------------------------------------------------------


def test_grading_queue_gives_the_attempt_its_final_score(client, exam, candidate, instructor):
    attempt, _ = start_attempt(exam, user=candidate)
    essay = attempt.questions.get(snapshot__kind=q.SHORT_ANSWER)
    save_answer(attempt, question_id=essay.question_id, response="为人民服务。")
    submit_attempt(attempt)
    answer = Answer.objects.get(attempt_question=essay)

    client.force_login(instructor)
    page = client.get(reverse("grading_queue")).content.decode()
    assert "为人民服务。" in page
    response = client.post(
        reverse("grading_queue"),
        {
            "answer_id": answer.pk,
            f"{answer.pk}-answer": answer.pk,
            f"{answer.pk}-score": "8",
            f"{answer.pk}-feedback": "好",
        },
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.score == Decimal("8")
    assert "为人民服务。" not in client.get(reverse("grading_queue")).content.decode()


def test_learners_cannot_see_the_grading_queue(client, learner):
    client.force_login(learner)
    assert client.get(reverse("grading_queue")).status_code in (302, 403)


def test_the_question_form_refuses_a_single_choice_without_a_right_option(client, instructor, bank):
    client.force_login(instructor)
    response = client.post(
        reverse("questions:add"),
        nested_form_data(
            {
                "bank": bank.pk,
                "kind": q.SINGLE,
                "text": "没有正确选项的题",
                "points": "1",
                "category": "",
                "difficulty": q.MEDIUM,
                "multiple_scoring": q.ALL_OR_NOTHING,
                "correct_answer": "",
                "reference_answer": "",
                "explanation": "",
                "title": "",
                "is_active": "on",
                "options": inline_formset(
                    [{"text": "甲", "fraction": "0"}, {"text": "乙", "fraction": "0"}]
                ),
                "blanks": inline_formset([]),
            }
        ),
    )
    assert response.status_code == 200
    assert "单选题必须有且只有一个正确选项" in response.content.decode()
    assert not Question.objects.filter(text="没有正确选项的题").exists()


def test_the_exam_form_refuses_a_paper_the_bank_cannot_fill(client, instructor, bank, site_pages):
    client.force_login(instructor)
    response = client.post(
        reverse("exams:add"),
        nested_form_data(
            {
                "course": site_pages.course.pk,
                "cohort": "",
                "title": "题量不够的考试",
                "instructions": "",
                "opens_at": "2026-12-01 08:00",
                "closes_at": "2026-12-02 08:00",
                "time_limit_minutes": 60,
                "grace_seconds": 60,
                "max_attempts": 1,
                "pass_score": 60,
                "requires_lessons_complete": "on",
                "shuffle_options": "on",
                "rules": inline_formset(
                    [
                        {
                            "bank": bank.pk,
                            "kind": q.SINGLE,
                            "category": "",
                            "difficulty": "",
                            "count": 50,
                            "points_each": "",
                        }
                    ]
                ),
            }
        ),
    )
    assert response.status_code == 200
    assert not Exam.objects.filter(title="题量不够的考试").exists()
    assert "50" in response.content.decode()


@pytest.mark.parametrize(
    "url_name", ["question_banks:index", "questions:index", "exams:index", "attempts:index"]
)
def test_instructors_reach_the_exam_admin(client, instructor, exam, url_name):
    client.force_login(instructor)
    assert client.get(reverse(url_name)).status_code == 200
