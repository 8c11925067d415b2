"""The Content-Security-Policy in Chromium: the site's pages, the exam and lesson pages, the
API docs and the Wagtail admin's editors run without a single violation."""

import time

import pytest
from django.core.management import call_command
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from courses.models import Exam, LessonPage, Question
from tests.e2e.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _live_database(django_db_serialized_rollback, transactional_db):
    """The live server runs in another thread, so the test commits for real (as in tests/e2e)."""


@pytest.fixture
def browser():
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--lang=zh-CN")
    options.add_argument("--window-size=1280,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def violations(driver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"]
        or "Content-Security-Policy" in entry["message"]
    ]


def visit(driver, url: str) -> list[str]:
    driver.get(url)
    time.sleep(1.0)  # scripts that run after load (editors, Swagger UI) report too
    return violations(driver)


def log_in(driver, base: str, username: str) -> None:
    driver.get(base + "/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys("dangxiao2026")
    driver.find_element(By.CSS_SELECTOR, "button.button[type=submit]").click()
    time.sleep(0.5)


def test_the_site_runs_under_its_policy(browser, live_server):
    call_command("seed_demo", "--learners", "1", verbosity=0)
    base = live_server.url
    exam = Exam.objects.get()
    lesson = LessonPage.objects.live().first()
    found = {}
    for url in ["/", "/accounts/login/", "/verify/", "/search/?q=党章", "/api/docs/"]:
        found[url] = visit(browser, base + url)
    # Swagger UI starts (its script is a file under the policy, not inline).
    assert browser.find_elements(By.CSS_SELECTOR, "#swagger-ui .information-container")

    log_in(browser, base, "learner0001")
    for url in ["/learning/", lesson.url, "/accounts/password/", f"/learning/exams/{exam.pk}/"]:
        found[url] = visit(browser, base + url)
    # Start the exam through the confirmation (now a script file, not an onsubmit attribute).
    browser.execute_script("window.confirm = () => true")
    browser.find_element(By.CSS_SELECTOR, "form[data-confirm] button").click()
    time.sleep(1.5)
    assert "/learning/attempts/" in browser.current_url
    found["attempt"] = visit(browser, browser.current_url)
    # The lesson page's study bar is set by its script, under the policy.
    assert {url: v for url, v in found.items() if v} == {}


def test_the_admin_runs_under_its_policy(browser, live_server):
    call_command("seed_demo", verbosity=0)
    base = live_server.url
    exam = Exam.objects.first()
    lesson = LessonPage.objects.first()
    question = Question.objects.filter(kind="single").first()
    log_in(browser, base, "admin")
    found = {}
    for url in [
        "/",  # the site with Wagtail's user bar, which staff see
        lesson.url,
        "/admin/",
        f"/admin/pages/{lesson.pk}/edit/",
        f"/admin/exams/edit/{exam.pk}/",
        f"/admin/questions/edit/{question.pk}/",
        "/admin/people/",
        "/admin/account/",
        "/admin/two-factor/",
        "/admin/lockouts/",
    ]:
        found[url] = visit(browser, base + url)
    assert {url: v for url, v in found.items() if v} == {}
