import datetime
import time

from django.core.management import call_command
from django.utils import timezone
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from courses.models import Answer, Attempt, Exam
from tests.e2e.test_learning import log_in


def saved_states(phone) -> list[str]:
    return [
        f.get_attribute("data-state")
        for f in phone.find_elements(By.CSS_SELECTOR, "[data-question]")
    ]


def wait_until(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def start_the_exam(phone, live_server) -> Attempt:
    """Log the demo learner in, open the demo exam and start it (clicking), on the paper."""
    call_command("seed_demo", "--learners", "1", verbosity=0)
    exam = Exam.objects.get()
    log_in(phone, live_server, "learner0001")
    phone.get(f"{live_server.url}/learning/exams/{exam.pk}/")
    phone.execute_script("window.confirm = () => true")
    phone.find_element(By.CSS_SELECTOR, "form button.button").click()
    assert wait_until(lambda: "/learning/attempts/" in phone.current_url)
    return Attempt.objects.get()


def set_offline(phone, offline: bool) -> None:
    throughput = 0 if offline else 1_000_000
    phone.set_network_conditions(
        offline=offline, latency=0, download_throughput=throughput, upload_throughput=throughput
    )


def confirm_the_submit(phone) -> None:
    """The page asks in a <dialog>; press its Submit."""
    assert wait_until(lambda: phone.execute_script("return document.querySelector('dialog').open"))
    phone.find_element(By.CSS_SELECTOR, "[data-submit-confirm]").click()


def test_sitting_the_exam_on_a_phone_with_a_dropped_connection(phone, live_server, demo_school):
    attempt = start_the_exam(phone, live_server)

    # Answer the first question: saved at once, as the option's key for this attempt.
    first = phone.find_elements(By.CSS_SELECTOR, "[data-question] input[type=radio]")[0]
    first.click()
    assert wait_until(lambda: saved_states(phone)[0] == "saved")
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 1
    assert Answer.objects.get(attempt_question__attempt=attempt).response == first.get_attribute(
        "value"
    )

    # The connection drops: the second answer waits on the phone, then goes when it is back.
    set_offline(phone, True)
    phone.find_elements(By.CSS_SELECTOR, "[data-question]")[1].find_elements(
        By.CSS_SELECTOR, "input"
    )[1].click()
    assert wait_until(lambda: saved_states(phone)[1] == "waiting")
    kept = phone.execute_script(f"return localStorage.getItem('exam-attempt-{attempt.pk}')")
    assert kept and len(kept) > 2
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 1
    set_offline(phone, False)
    assert wait_until(lambda: saved_states(phone)[1] == "saved", seconds=20)
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 2

    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    phone.find_element(By.CSS_SELECTOR, "[data-submit]").click()
    confirm_the_submit(phone)
    assert wait_until(lambda: Attempt.objects.get().status != Attempt.Status.OPEN)
    assert wait_until(lambda: phone.find_elements(By.CSS_SELECTOR, ".result"))


def label(phone, name: str) -> str:
    """A message the page shows, as the template handed it to the script (in the page's
    language, whether or not the catalogue has it in Chinese yet)."""
    return phone.find_element(By.CSS_SELECTOR, "[data-exam]").get_attribute(f"data-l-{name}")


def test_submitting_offline_says_why_not_and_keeps_the_answers(phone, live_server, demo_school):
    attempt = start_the_exam(phone, live_server)
    questions = phone.find_elements(By.CSS_SELECTOR, "[data-question]")
    questions[0].find_elements(By.CSS_SELECTOR, "input")[0].click()
    assert wait_until(lambda: saved_states(phone)[0] == "saved")

    set_offline(phone, True)
    banner = phone.find_element(By.CSS_SELECTOR, "[data-offline]")
    assert wait_until(banner.is_displayed)
    # Not "联网后自动提交": answers are saved when the connection returns, never handed in.
    assert banner.text and "自动提交" not in banner.text
    second = questions[1].find_elements(By.CSS_SELECTOR, "input")[1]
    second.click()
    assert wait_until(lambda: saved_states(phone)[1] == "waiting")

    button = phone.find_element(By.CSS_SELECTOR, "[data-submit]")
    button.click()
    message = phone.find_element(By.CSS_SELECTOR, "[data-submit-message]")
    assert wait_until(message.is_displayed)
    assert message.text == label(phone, "offline-submit")
    assert message.get_attribute("role") == "alert"
    assert phone.switch_to.active_element == message
    assert not phone.execute_script("return document.querySelector('dialog').open")
    # Nothing was handed in and nothing was lost: the answer waits on the phone.
    assert Attempt.objects.get().status == Attempt.Status.OPEN
    kept = phone.execute_script(f"return localStorage.getItem('exam-attempt-{attempt.pk}')")
    assert second.get_attribute("value") in kept
    assert second.is_selected()

    set_offline(phone, False)
    assert wait_until(lambda: saved_states(phone)[1] == "saved", seconds=20)
    assert wait_until(lambda: message.text == label(phone, "back-online"))
    assert message.is_displayed() and not banner.is_displayed()
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 2

    button.click()
    confirm_the_submit(phone)
    assert wait_until(lambda: phone.find_elements(By.CSS_SELECTOR, ".result__score"))
    score = phone.find_element(By.CSS_SELECTOR, ".result__score")
    assert score.is_displayed() and "/ 100" in score.text
    assert Attempt.objects.get().close_reason == Attempt.CloseReason.SUBMITTED
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 2


def press(phone, *keys) -> None:
    ActionChains(phone).send_keys(*keys).perform()


FOCUSED = """
const el = document.activeElement, style = getComputedStyle(el);
const bar = document.querySelector('[data-exam]').getBoundingClientRect();
const box = el.getBoundingClientRect();
return {
  tag: el.tagName.toLowerCase(), type: el.type || '', value: el.value || '',
  question: el.closest('[data-question]') ? el.closest('[data-question]').dataset.question : null,
  kind: el.closest('[data-question]') ? el.closest('[data-question]').dataset.kind : null,
  submit: el.matches('[data-submit]'),
  ring: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
  clear: box.top >= bar.bottom - 1 && box.top + 20 <= window.innerHeight,
};
"""


def test_the_whole_exam_by_keyboard_alone(phone, live_server, demo_school):
    call_command("seed_demo", "--learners", "1", verbosity=0)
    exam = Exam.objects.get()
    log_in(phone, live_server, "learner0001")
    phone.get(f"{live_server.url}/learning/exams/{exam.pk}/")

    # Start: Tab to the button, Enter; the browser's own confirm is accepted as Enter would.
    for _ in range(40):
        press(phone, Keys.TAB)
        if phone.execute_script("return document.activeElement.matches('form[data-confirm] *')"):
            break
    press(phone, Keys.ENTER)
    phone.switch_to.alert.accept()
    assert wait_until(lambda: "/learning/attempts/" in phone.current_url)
    attempt = Attempt.objects.get()

    # Answer every question on the way to Submit: Space, arrows and typing, never a click.
    answered: set[str] = set()
    for _ in range(200):
        press(phone, Keys.TAB)
        focused = phone.execute_script(FOCUSED)
        if focused["submit"]:
            break
        if focused["question"] is None:
            continue
        assert focused["ring"], focused  # the focus can be seen
        assert focused["clear"], str(focused)  # and is not under the sticky bar, nor below
        if focused["question"] in answered:
            continue
        answered.add(focused["question"])
        if focused["kind"] == "single":
            press(phone, Keys.SPACE, Keys.ARROW_DOWN)  # picks the first option, then the second
        elif focused["kind"] == "true_false":
            press(phone, Keys.ARROW_RIGHT)  # moves to 错误 and picks it
        elif focused["kind"] == "multiple":
            press(phone, Keys.SPACE)
        elif focused["kind"] == "fill_in":
            press(phone, "1935", Keys.ENTER)  # Enter in a blank does not send the paper
        else:
            press(phone, "为人民服务")
    assert focused["submit"] and focused["ring"]
    questions = attempt.questions.count()
    assert len(answered) == questions
    assert wait_until(lambda: saved_states(phone) == ["saved"] * questions, seconds=20)

    # The answers are what the keys chose.
    single = phone.find_element(By.CSS_SELECTOR, '[data-question][data-kind="single"]')
    second_option = single.find_elements(By.CSS_SELECTOR, "input")[1]
    assert second_option.is_selected()
    answers = {
        a.attempt_question.question_id: a.response
        for a in Answer.objects.filter(attempt_question__attempt=attempt).select_related(
            "attempt_question"
        )
    }
    assert answers[int(single.get_attribute("data-question"))] == second_option.get_attribute(
        "value"
    )
    assert False in answers.values()
    assert any(isinstance(r, list) and r[:1] == ["1935"] for r in answers.values())

    # Submit opens a dialog with the focus in it; Tab to its Submit, Enter.
    press(phone, Keys.ENTER)
    assert wait_until(lambda: phone.execute_script("return document.querySelector('dialog').open"))
    assert phone.execute_script("return !!document.activeElement.closest('dialog')")
    press(phone, Keys.TAB)
    assert phone.execute_script("return document.activeElement.matches('[data-submit-confirm]')")
    press(phone, Keys.ENTER)

    # The focus lands on the result (to be completed by the grader: a short answer was given).
    assert wait_until(lambda: phone.find_elements(By.CSS_SELECTOR, "[data-result]"))
    assert wait_until(lambda: phone.execute_script("return document.activeElement.id") == "result")
    assert phone.find_element(By.CSS_SELECTOR, "[data-result]").is_displayed()
    closed = Attempt.objects.get()
    assert closed.close_reason == Attempt.CloseReason.SUBMITTED
    assert closed.status == Attempt.Status.PENDING_REVIEW
    assert len(answers) == questions


def test_the_page_never_hands_the_paper_in_when_the_time_is_up(phone, live_server, demo_school):
    attempt = start_the_exam(phone, live_server)
    phone.find_elements(By.CSS_SELECTOR, "[data-question] input")[0].click()
    assert wait_until(lambda: saved_states(phone)[0] == "saved")
    Exam.objects.update(grace_seconds=6)
    deadline = timezone.now() + datetime.timedelta(seconds=3)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    phone.refresh()

    note = phone.find_element(By.CSS_SELECTOR, "[data-time-up]")
    assert wait_until(note.is_displayed)
    assert note.text == label(phone, "time-up") and note.get_attribute("role") == "alert"
    assert not phone.find_element(By.CSS_SELECTOR, "[data-question] input").is_enabled()
    # In the grace period the attempt is still open: only the server closes it, at its deadline.
    while timezone.now() < deadline + datetime.timedelta(seconds=4):
        time.sleep(0.2)
    assert Attempt.objects.get().status == Attempt.Status.OPEN

    assert wait_until(lambda: phone.find_elements(By.CSS_SELECTOR, ".result"), seconds=20)
    closed = Attempt.objects.get()
    assert closed.status != Attempt.Status.OPEN
    assert closed.close_reason == Attempt.CloseReason.TIME_UP
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 1
