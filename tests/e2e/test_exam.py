import time

from django.core.management import call_command
from selenium.webdriver.common.by import By

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


def test_sitting_the_exam_on_a_phone_with_a_dropped_connection(phone, live_server, demo_school):
    call_command("seed_demo", "--learners", "1", verbosity=0)
    exam = Exam.objects.get()
    log_in(phone, live_server, "learner0001")
    phone.get(f"{live_server.url}/learning/exams/{exam.pk}/")
    phone.execute_script("window.confirm = () => true; window.alert = () => {}")
    phone.find_element(By.CSS_SELECTOR, "form button.button").click()
    assert wait_until(lambda: "/learning/attempts/" in phone.current_url)
    phone.execute_script("window.confirm = () => true; window.alert = () => {}")
    attempt = Attempt.objects.get()

    # Answer the first question: saved at once, as the option's key for this attempt.
    first = phone.find_elements(By.CSS_SELECTOR, "[data-question] input[type=radio]")[0]
    first.click()
    assert wait_until(lambda: saved_states(phone)[0] == "saved")
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 1
    assert Answer.objects.get(attempt_question__attempt=attempt).response == first.get_attribute(
        "value"
    )

    # The connection drops: the second answer waits on the phone, then goes when it is back.
    phone.set_network_conditions(
        offline=True, latency=0, download_throughput=0, upload_throughput=0
    )
    phone.find_elements(By.CSS_SELECTOR, "[data-question]")[1].find_elements(
        By.CSS_SELECTOR, "input"
    )[1].click()
    assert wait_until(lambda: saved_states(phone)[1] == "waiting")
    kept = phone.execute_script(f"return localStorage.getItem('exam-attempt-{attempt.pk}')")
    assert kept and len(kept) > 2
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 1
    phone.set_network_conditions(
        offline=False, latency=0, download_throughput=1_000_000, upload_throughput=1_000_000
    )
    assert wait_until(lambda: saved_states(phone)[1] == "saved", seconds=20)
    assert Answer.objects.filter(attempt_question__attempt=attempt).count() == 2

    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    phone.find_element(By.CSS_SELECTOR, "[data-submit]").click()
    assert wait_until(lambda: Attempt.objects.get().status != Attempt.Status.OPEN)
    assert wait_until(lambda: phone.find_elements(By.CSS_SELECTOR, ".result"))
