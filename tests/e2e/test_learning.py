import time

from selenium.webdriver.common.by import By

from courses.models import Enrollment, LessonProgress
from tests.e2e.test_home import click_and_wait


def log_in(phone, live_server, username: str) -> None:
    phone.get(live_server.url + "/accounts/login/")
    phone.find_element(By.NAME, "username").send_keys(username)
    phone.find_element(By.NAME, "password").send_keys("dangxiao2026")
    click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button.button[type=submit]"))


def test_an_open_lesson_page_earns_study_time(phone, live_server, demo_school, settings):
    settings.STUDY_HEARTBEAT_SECONDS = 1  # the page beats every second in this test
    log_in(phone, live_server, "activist")
    opened = time.monotonic()
    phone.get(live_server.url + "/courses/activist-training/motivation/")
    phone.execute_script("window.focus()")

    def studied_ms() -> int:
        progress = LessonProgress.objects.filter(
            user__username="activist", lesson__slug="motivation"
        ).first()
        return progress.studied_ms if progress else 0

    deadline = time.monotonic() + 30
    while studied_ms() < 3_000 and time.monotonic() < deadline:
        time.sleep(0.5)
    # The page earned time while it was open, and never more than the wall time since then.
    assert 3_000 <= studied_ms() <= (time.monotonic() - opened) * 1000

    assert phone.find_element(By.CSS_SELECTOR, ".study .progress span").get_attribute("style")


def test_my_learning_lists_the_activist_course(phone, live_server, demo_school):
    log_in(phone, live_server, "activist")
    phone.get(live_server.url + "/learning/")
    assert "入党积极分子培训" in phone.find_element(By.CSS_SELECTOR, ".enrollment").text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    assert Enrollment.objects.filter(user__username="activist").exists()


def test_a_lesson_says_it_is_complete_only_once_it_is(phone, live_server, demo_school, settings):
    """What the learner sees, not what the page holds: the badge is hidden until the study
    time is reached, then shown without a reload."""
    from courses.models import LessonPage

    settings.STUDY_HEARTBEAT_SECONDS = 1
    lesson = LessonPage.objects.get(slug="motivation")
    user = Enrollment.objects.filter(user__username="activist").first().user
    required = lesson.min_study_minutes * 60_000
    LessonProgress.objects.update_or_create(
        user=user, lesson=lesson, defaults={"studied_ms": required - 3_000, "completed_at": None}
    )
    log_in(phone, live_server, "activist")
    phone.get(live_server.url + "/courses/activist-training/motivation/")
    phone.execute_script("window.focus()")
    badge = phone.find_element(By.CSS_SELECTOR, "[data-study-done]")
    assert not badge.is_displayed()

    deadline = time.monotonic() + 30
    while not badge.is_displayed() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert badge.is_displayed()
    assert LessonProgress.objects.get(user=user, lesson=lesson).completed_at is not None
