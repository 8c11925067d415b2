"""The activist's whole journey in the browser, once in Chinese and once in English: log in,
finish a lesson, sit the exam through a reload and an offline spell, hand in the essay, get the
certificate and see it count in 我的发展. Each key screen is checked with axe-core and kept as a
phone and a desktop screenshot under artifacts/journey/ (CI keeps them; git does not)."""

import base64
import json
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from accounts.models import User
from courses.models import (
    Attempt,
    Certificate,
    Enrollment,
    Exam,
    LessonPage,
    LessonProgress,
    ReflectionEssay,
)
from courses.questions import types as q
from courses.services.certificates import grade_essay, record_attendance
from courses.services.exams import grade_answer, save_answer
from tests.courses.test_exam_services import right_response
from tests.e2e.conftest import chromium_options
from tests.e2e.test_exam import wait_until
from tests.e2e.test_home import click_and_wait

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "journey"
PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}

# What the learner reads, in each language (the product's own words, not content).
WORDS = {
    "zh-hans": {
        "complete": "本课时已完成",
        "organizer": "等待组织员登记",
        "instructor": "等待教师评阅",
        "you": "需要你完成",
        "met": "已满足",
        "mine": "我的学习",
        "development": "我的发展",
    },
    "en": {
        "complete": "Lesson complete",
        "organizer": "Waiting for the class organizer to record it",
        "instructor": "Waiting for the instructor to grade it",
        "you": "Up to you",
        "met": "Met",
        "mine": "My learning",
        "development": "My development",
    },
}


@pytest.fixture
def browser(_chromium):
    """Chromium whose screen size the test sets (phone while it acts, desktop for a shot)."""
    binary, driver_path = _chromium
    options = chromium_options(binary)
    options.add_argument("--window-size=1280,900")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.implicitly_wait(3)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield driver
    driver.quit()


def visible_text(driver, selector: str) -> str:
    """The text of the matching elements a person can see (hidden ones give nothing)."""
    return " ".join(
        e.text for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()
    )


class Journey:
    def __init__(self, driver, live_server, language: str):
        self.driver, self.base, self.language = driver, live_server.url, language
        self.words = WORDS[language]
        self.shots = ARTIFACTS / language
        self.shots.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def screen(self, name: str) -> None:
        """Check the page with axe-core, then keep it at phone and desktop size."""
        check_accessibility(self.driver, name)
        self.count += 1
        for size_name, metrics in (("desktop", DESKTOP), ("phone", PHONE)):
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            time.sleep(0.2)
            # A page longer than a screen is kept whole, up to 6,000 px.
            height = min(
                self.driver.execute_script("return document.documentElement.scrollHeight"), 6000
            )
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "captureBeyondViewport": True,
                    "clip": {
                        "x": 0,
                        "y": 0,
                        "width": metrics["width"],
                        "height": height,
                        "scale": 1,
                    },
                },
            )
            path = self.shots / f"{self.count:02d}-{name}-{size_name}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
        # Back at phone size, where the journey goes on; nothing sticks out sideways.
        assert self.driver.execute_script("return document.documentElement.scrollWidth") <= 375, (
            name
        )


def check_accessibility(driver, name: str) -> None:
    """axe-core's WCAG 2.1 A/AA rules on the page as shown: no serious or critical violation."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: make test runs npm ci (package.json)")
        pytest.skip("axe-core is not installed (npm ci)")
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
           .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
           .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
        """
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: {json.dumps(serious, ensure_ascii=False, indent=1)}"


def prepare_the_activist(lesson: LessonPage) -> User:
    """The demo's activist has studied every lesson of the course but ``lesson``, which is
    three seconds short of its study time."""
    user = User.objects.get(username="activist")
    enrollment = Enrollment.objects.get(user=user, course__slug="activist-training")
    for other in LessonPage.objects.child_of(enrollment.course).live():
        required = other.min_study_minutes * 60_000
        short = other.pk == lesson.pk
        LessonProgress.objects.update_or_create(
            user=user,
            lesson=other,
            defaults={
                "studied_ms": required - 3_000 if short else required,
                "video_watched_ms": 0 if short else 10**9,
                "video_reached_end": not short,
                "completed_at": None if short else timezone.now(),
            },
        )
    return user


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_activist_journey(browser, live_server, demo_school, settings, language):
    settings.STUDY_HEARTBEAT_SECONDS = 1
    words = WORDS[language]
    journey = Journey(browser, live_server, language)
    lesson = LessonPage.objects.get(slug="motivation")
    user = prepare_the_activist(lesson)
    exam = Exam.objects.get(course__slug="activist-training")

    # Log in from the home page, switching language first for the English run.
    journey.open("/")
    if language == "en":
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".language-switch button"))
    assert browser.execute_script("return document.documentElement.lang") == language
    journey.screen("home")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".login-link"))
    browser.find_element(By.NAME, "username").send_keys("activist")
    browser.find_element(By.NAME, "password").send_keys("dangxiao2026")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button.button[type=submit]"))
    # Lands on 我的学习, not on the home page it came from.
    assert browser.current_url.endswith("/learning/")
    assert browser.find_element(By.TAG_NAME, "h1").text == words["mine"]
    journey.screen("my-learning")

    # The menu on a phone: folded, every item one tap away.
    menu = browser.find_element(By.ID, "site-menu")
    assert not menu.is_displayed()
    browser.find_element(By.CSS_SELECTOR, ".menu-toggle").click()
    assert menu.is_displayed()
    items = [a for a in menu.find_elements(By.TAG_NAME, "a")]
    assert [a.text for a in items][-2:] == [words["mine"], words["development"]]
    for item in items:
        box = item.rect
        assert item.is_displayed() and box["x"] >= 0 and box["x"] + box["width"] <= 375, item.text

    # The lesson: not complete while time is short, complete once the page has earned it.
    journey.open(lesson.url)
    browser.execute_script("window.focus()")
    assert words["complete"] not in visible_text(browser, ".study")
    assert wait_until(lambda: words["complete"] in visible_text(browser, ".study"))
    journey.screen("lesson-complete")

    # The exam: the first answer by tapping, kept through a reload.
    journey.open(f"/learning/exams/{exam.pk}/")
    journey.screen("exam-front")
    browser.execute_script("window.confirm = () => true")  # 开始考试 asks to be sure
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button.button"))
    attempt = Attempt.objects.get(user=user, exam=exam)
    rows = list(attempt.questions.order_by("position"))
    choice_rows = [r for r in rows if r.snapshot["kind"] in (q.SINGLE, q.TRUE_FALSE)][:2]

    def tap(row) -> None:
        response = right_response(row)
        value = response if row.snapshot["kind"] == q.SINGLE else ("true" if response else "false")
        field = browser.find_element(By.CSS_SELECTOR, f'[data-question="{row.question_id}"]')
        field.find_element(By.CSS_SELECTOR, f'input[value="{value}"]').click()

    def state(row) -> str:
        return browser.find_element(
            By.CSS_SELECTOR, f'[data-question="{row.question_id}"]'
        ).get_attribute("data-state")

    tap(choice_rows[0])
    assert wait_until(lambda: state(choice_rows[0]) == "saved")
    browser.refresh()
    field = browser.find_element(By.CSS_SELECTOR, f'[data-question="{choice_rows[0].question_id}"]')
    assert [i for i in field.find_elements(By.TAG_NAME, "input") if i.is_selected()]

    # Offline: the answer waits on the phone, the banner says so, and it is saved once back.
    browser.set_network_conditions(
        offline=True, latency=0, download_throughput=0, upload_throughput=0
    )
    tap(choice_rows[1])
    assert wait_until(lambda: state(choice_rows[1]) == "waiting")
    assert wait_until(lambda: visible_text(browser, ".exam-bar__offline"))
    journey.screen("exam-offline")
    browser.set_network_conditions(
        offline=False, latency=0, download_throughput=1_000_000, upload_throughput=1_000_000
    )
    assert wait_until(lambda: state(choice_rows[1]) == "saved", seconds=30)

    # The rest of the paper is answered as the page would send it (36 questions by hand would
    # only make the test long), then the learner hands it in from the page.
    for row in rows:
        if row not in choice_rows:
            save_answer(
                attempt, question_id=row.question_id, response=right_response(row), user=user
            )
    browser.refresh()
    browser.find_element(By.CSS_SELECTOR, "[data-submit]").click()
    # The page asks to be sure in a dialog of its own.
    dialog = browser.find_element(By.CSS_SELECTOR, "[data-submit-dialog]")
    assert wait_until(lambda: dialog.is_displayed())
    click_and_wait(browser, dialog.find_element(By.CSS_SELECTOR, 'button[value="submit"]'))
    assert wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, ".result"))
    attempt.refresh_from_db()
    if attempt.status == Attempt.Status.PENDING_REVIEW:
        # Short answers: the learner is told the instructor grades them; then the instructor does.
        journey.open("/learning/")
        assert words["instructor"] in visible_text(browser, '[data-condition="exam"]')
        instructor = User.objects.get(username="instructor")
        for row in attempt.questions.select_related("answer"):
            if row.snapshot["kind"] == q.SHORT_ANSWER:
                grade_answer(row.answer, actor=instructor, score=row.points)
        journey.open(f"/learning/attempts/{attempt.pk}/")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.passed
    assert f"{attempt.score:.0f}" in visible_text(browser, ".result")
    journey.screen("exam-result")

    # 我的学习 names what is missing and who acts: the essay is the learner's, the mark the organizer's.
    journey.open("/learning/")
    assert words["you"] in visible_text(browser, '[data-condition="essay"]')
    assert words["organizer"] in visible_text(browser, '[data-condition="grade"]')
    box = browser.find_element(By.CSS_SELECTOR, ".essay-form textarea")
    box.send_keys("短文")
    count = browser.find_element(By.CSS_SELECTOR, ".essay-form__count")
    assert "800" in count.text and count.is_displayed()
    # A short essay is not sent: the browser holds it back, and the server would refuse it.
    browser.find_element(By.CSS_SELECTOR, ".essay-form button").click()
    assert not ReflectionEssay.objects.filter(enrollment__user=user).exists()
    browser.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
        box,
        "我对党的性质和宗旨的认识。" * 70,
    )
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".essay-form button"))
    assert ReflectionEssay.objects.filter(enrollment__user=user).exists()
    assert words["instructor"] in visible_text(browser, '[data-condition="essay"]')
    journey.screen("towards-the-certificate")

    # The instructor grades the essay and the organizer marks attendance: the certificate comes.
    enrollment = Enrollment.objects.get(user=user, course=exam.course)
    grade_essay(enrollment.essay, actor=User.objects.get(username="instructor"), score=Decimal(85))
    record_attendance(enrollment, actor=User.objects.get(username="organizer"), score=Decimal(95))
    assert wait_until(lambda: Certificate.objects.filter(enrollment=enrollment).exists())
    certificate = Certificate.objects.get(enrollment=enrollment)
    journey.open("/learning/")
    assert certificate.serial in visible_text(browser, ".certificate-card")
    journey.screen("certificate")
    # The PDF link downloads the certificate (fetched as the page would, with its session).
    pdf = browser.find_element(By.CSS_SELECTOR, ".certificate-card a[href$='.pdf']")
    status, head = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0].href).then(async r => {
            const bytes = new Uint8Array(await r.arrayBuffer());
            done([r.status, String.fromCharCode(...bytes.slice(0, 4))]);
        }).catch(e => done([0, String(e)]));
        """,
        pdf,
    )
    assert (status, head) == (200, "%PDF")

    # 我的发展: the training check is met, by this certificate's serial.
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".certificate-card__more"))
    assert browser.find_element(By.TAG_NAME, "h1").text == words["development"]
    training = browser.find_element(By.CSS_SELECTOR, '.check[data-code="activist_training"]')
    assert "check--met" in training.get_attribute("class")
    assert words["met"] in training.text and certificate.serial in training.text
    link = training.find_element(By.CSS_SELECTOR, ".check__certificate a")
    assert link.get_attribute("href").endswith(f"/verify/{certificate.serial}/")
    journey.screen("my-development")
    assert timezone.localdate().isoformat() in visible_text(browser, ".development-next")
