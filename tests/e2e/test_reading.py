from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from membership.models import PublicNotice
from tests.e2e.test_home import click_and_wait


def test_a_lesson_reads_comfortably_on_a_phone(phone, live_server, demo_school):
    phone.get(live_server.url + "/courses/activist-training/history/")

    assert phone.find_element(By.TAG_NAME, "h1").text == "党的光辉历程"
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    image = phone.find_element(By.CSS_SELECTOR, ".figure img")
    # The browser picked a rendition no wider than it needs, and it fits the screen.
    assert phone.execute_script("return arguments[0].getBoundingClientRect().width", image) <= 375
    # currentSrc is empty until the browser has picked a rendition: wait for it, read it once.
    chosen = WebDriverWait(phone, 10).until(lambda d: image.get_attribute("currentSrc"))
    assert "width-800" in chosen or "width-400" in chosen
    font_size = phone.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.article p')).fontSize)"
    )
    assert font_size >= 16


def test_searching_from_the_home_page_finds_the_lesson(phone, live_server, demo_school):
    phone.get(live_server.url + "/")
    phone.find_element(By.NAME, "q").send_keys("发展党员")
    click_and_wait(phone, phone.find_element(By.CSS_SELECTOR, ".search-form button"))

    titles = [element.text for element in phone.find_elements(By.CLASS_NAME, "item__title")]
    assert "发展党员的基本程序" in titles
    assert "如何写好思想汇报" not in titles


def test_a_public_notice_table_scrolls_inside_the_page_on_a_phone(phone, live_server, demo_school):
    """The notice's table of people is wider than a phone: it scrolls on its own, the page not."""
    notice = PublicNotice.objects.get()
    phone.get(live_server.url + notice.page.url)

    assert phone.find_element(By.TAG_NAME, "h1").text == notice.title
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
    box = phone.find_element(By.CSS_SELECTOR, ".table-scroll")
    widths = phone.execute_script(
        "return [arguments[0].clientWidth, arguments[0].scrollWidth]", box
    )
    assert widths[0] <= 375 < widths[1]  # seven columns do not fit; they scroll
    header = [cell.text for cell in box.find_elements(By.CSS_SELECTOR, "thead th")]
    assert header[:2] == ["姓名", "性别"]
