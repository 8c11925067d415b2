"""End-to-end tests: Debian's Chromium, driven through its ChromeDriver, against a live server."""

import os
import shutil

import pytest
from django.core.management import call_command
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _live_database(django_db_serialized_rollback, transactional_db):
    """The live server runs in another thread, so tests commit for real. The database is
    emptied afterwards and what migrations put there (Wagtail's root page, the role groups)
    is restored for the tests that follow."""


@pytest.fixture(scope="session")
def _chromium():
    if CHROMIUM is None or CHROMEDRIVER is None:
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium or its driver is missing; scripts/ensure-system-packages installs them."
            )
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    return CHROMIUM, CHROMEDRIVER


def chromium_options(binary: str) -> webdriver.ChromeOptions:
    """Headless Debian Chromium in Chinese; each fixture adds its screen."""
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--lang=zh-CN")
    return options


@pytest.fixture
def phone(_chromium):
    """Chromium the size of a 375 px wide phone, in Chinese."""
    binary, driver_path = _chromium
    options = chromium_options(binary)
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": 375, "height": 740, "pixelRatio": 2.0}}
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def demo_school():
    call_command("seed_demo", verbosity=0)
