"""An organizer, on a phone, publishes a public notice from the screening list and reads it on
the site."""

from django.utils import timezone
from selenium.webdriver.common.by import By

from accounts.models import User
from membership.models import PublicNotice
from membership.selectors import MISSING_ONLY_TRAINING, filter_people, people_visible_to
from tests.e2e.test_home import click_and_wait
from tests.e2e.test_learning import log_in


def press(phone, element):
    """Bring a button into the middle of the small screen (at once: the admin scrolls
    smoothly, and a click during the scroll lands elsewhere), then press it."""
    phone.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    click_and_wait(phone, element)


def test_an_organizer_publishes_a_notice_from_the_screening_list(phone, live_server, demo_school):
    organizer = User.objects.get(username="organizer")
    today = timezone.localdate()
    activists = people_visible_to(organizer).filter(stage="activist")
    [first, *_] = filter_people(activists, MISSING_ONLY_TRAINING, on=today)
    log_in(phone, live_server, "organizer")

    phone.get(
        f"{live_server.url}/admin/people/screening/"
        f"?which={MISSING_ONLY_TRAINING}&on={today.isoformat()}&stage=activist"
    )
    phone.find_element(
        By.CSS_SELECTOR, f"input[name=number][value='{first.user.username}']"
    ).click()
    click_and_wait(
        phone, phone.find_element(By.XPATH, "//button[contains(., '为勾选的人员发布公示')]")
    )

    # The form arrives with the ticked number, the organizer's college and today's date.
    numbers = phone.find_element(By.NAME, "numbers")
    assert numbers.get_attribute("value") == first.user.username
    phone.find_element(By.NAME, "feedback").send_keys("计算机学院组织员办公室；电话 027-8765 4321")
    press(phone, phone.find_element(By.XPATH, "//form[@method='post']//button[@type='submit']"))

    notice = PublicNotice.objects.get(people=first)
    assert f"/admin/notices/inspect/{notice.pk}/" in phone.current_url
    assert first.user.full_name in phone.page_source

    phone.get(live_server.url + notice.page.url)
    assert phone.find_element(By.TAG_NAME, "h1").text == notice.title
    assert first.user.full_name in phone.find_element(By.CSS_SELECTOR, ".table-scroll").text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 375
