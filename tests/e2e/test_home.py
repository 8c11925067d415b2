from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import PASSWORD


def html_lang(driver) -> str:
    return driver.execute_script("return document.documentElement.lang")


def click_and_wait(driver, element):
    """Click something that loads a new page, and wait until the new page has loaded."""
    driver.execute_script("window.__previousPage = true")
    element.click()
    # While the page changes, the driver may answer with odd errors; they mean "not yet".
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return !window.__previousPage && document.readyState === 'complete'"
        )
    )


def test_home_page_fits_a_phone_screen(phone, live_server, demo_school):
    phone.get(live_server.url + "/")

    assert phone.find_element(By.TAG_NAME, "h1").text == "江城大学网上党校"
    assert html_lang(phone) == "zh-hans"
    assert phone.execute_script("return window.innerWidth") == 375
    # Nothing sticks out sideways on a 375 px screen.
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375


def test_switching_to_english_and_back(phone, live_server, demo_school):
    phone.get(live_server.url + "/")
    click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button[value=en]"))
    assert html_lang(phone) == "en"
    assert phone.find_element(By.LINK_TEXT, "Log in").is_displayed()

    click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button[value=zh-hans]"))
    assert html_lang(phone) == "zh-hans"


def test_a_learner_logs_in_from_the_phone(phone, live_server, demo_school, learner):
    phone.get(live_server.url + "/accounts/login/")
    phone.find_element(By.NAME, "username").send_keys("2023010101")
    phone.find_element(By.NAME, "password").send_keys(PASSWORD)
    click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, "button.button[type=submit]"))
    assert phone.find_element(By.CLASS_NAME, "whoami").text == "林晓雨"
