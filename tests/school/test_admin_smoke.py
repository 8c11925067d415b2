"""The admin as each role finds it: every page of the menu opens, and every form of ours saves
valid data and refuses invalid data in Chinese, changing nothing.

The menu is read the way Wagtail builds it for the user, so a page that a role is shown is a
page that role can open. The valid submissions are the permission matrix's (a write the
table marks with ``+`` changes the database); here the same forms are also sent empty.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from wagtail.admin.menu import SubmenuMenuItem, admin_menu

from tests.matrix import ROLES, build_world, fingerprint
from tests.matrix_urls import patterns, url_of
from tests.matrix_writes import WRITES

STAFF = [role for role in ROLES if role not in ("anonymous", "learner", "other_learner")]
CJK = re.compile(r"[\u4e00-\u9fff]")

# Who may use each form of ours, and so sees it refuse invalid input.
FORMS = {
    "people:add": "organizer",
    "people:edit": "organizer",
    "people:add_record": "organizer",
    "people:correct_record": "organizer",
    "people:stage_change": "admin",  # an organizer may not override the unmet checks
    "people:roster": "organizer",
    "notices:publish": "organizer",
    "notices:outcome": "organizer",
    "organizations:add": "admin",
    "organizations:edit": "admin",
    "cohorts:add": "organizer",
    "cohorts:edit": "organizer",
    "cohorts:copy": "organizer",
    "cohorts:enroll": "organizer",
    "enrollments:withdraw": "organizer",
    "certificates:revoke": "admin",
    "certificates:reissue": "admin",
    "certificates:issue": "organizer",
    "certificates:bulk_verify": "organizer",
    "question_banks:add": "instructor",
    "question_banks:edit": "instructor",
    "question_banks:copy": "instructor",
    "question_banks:import": "instructor",
    "questions:add": "instructor",
    "questions:edit": "instructor",
    "questions:copy": "instructor",
    "exams:add": "instructor",
    "exams:edit": "instructor",
    "exams:copy": "instructor",
    "completion_policies:add": "instructor",
    "completion_policies:edit": "instructor",
    "completion_policies:copy": "instructor",
}


def menu_urls(user) -> list[tuple[str, str]]:
    # The viewsets add their menu items when the admin's URLs load; load them first.
    get_resolver().url_patterns  # noqa: B018
    request = RequestFactory().get("/admin/")
    request.user = user
    found = []

    def walk(items, trail):
        for item in items:
            label = f"{trail} › {item.label}" if trail else str(item.label)
            if isinstance(item, SubmenuMenuItem):
                walk(item.menu.menu_items_for_request(request), label)
            elif item.url and item.url.startswith("/admin/"):
                found.append((label, item.url))

    walk(admin_menu.menu_items_for_request(request), "")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF)
def test_every_page_of_the_menu_opens_for_the_role_it_is_shown_to(role):
    world = build_world()
    client = world.client(role)
    pages = menu_urls(world.users[role])
    assert pages, f"{role} sees an empty menu"
    failures = []
    refusals = {reverse("wagtailadmin_home"), reverse("wagtailadmin_login")}
    for label, url in pages:
        response = client.get(url, follow=True)
        # A page may move on (the page explorer to the site's root); not to a refusal.
        landed = response.redirect_chain[-1][0].split("?")[0] if response.redirect_chain else url
        if response.status_code != 200 or (landed in refusals and landed != url):
            failures.append(f"{label} ({url}): {response.status_code} {response.redirect_chain}")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


def test_every_form_of_ours_is_tried():
    assert set(FORMS) <= set(WRITES), "a form without a valid submission in WRITES"


def _errors_in_chinese(html: str) -> list[str]:
    """The texts of the page's error messages (field errors, form errors, the admin's banner)."""
    html = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    blocks = re.findall(
        r'class="[^"]*(?:error-message|errorlist|w-field__errors|help-critical)[^"]*"[^>]*>'
        r"(.*?)</(?:p|ul|div|li)>",
        html,
        re.S,
    )
    texts = [re.sub(r"<[^>]+>", " ", block).strip() for block in blocks]
    return [text for text in texts if CJK.search(text)]


@pytest.mark.django_db
def test_every_form_refuses_empty_input_in_chinese_and_saves_nothing():
    world = build_world()
    clean = fingerprint()
    by_key = {pattern.key: pattern for pattern in patterns()}
    failures = []
    for key, role in FORMS.items():
        url = url_of(by_key[key], world)
        with transaction.atomic():
            response = world.client(role).post(url, {})
            changed = fingerprint() != clean
            transaction.set_rollback(True)
        html = response.content.decode()
        if response.status_code != 200:
            failures.append(f"{key}: {response.status_code}")
        elif changed:
            failures.append(f"{key}: an empty form changed the database")
        elif not _errors_in_chinese(html):
            failures.append(f"{key}: no error message in Chinese")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_every_form_saves_valid_input():
    world = build_world()
    clean = fingerprint()
    by_key = {pattern.key: pattern for pattern in patterns()}
    failures = []
    for key, role in FORMS.items():
        if key in ("people:roster", "question_banks:import"):
            continue  # a preview: nothing is saved until the second step
        url = url_of(by_key[key], world)
        with transaction.atomic():
            response = WRITES[key].send(world.client(role), url, world)
            changed = fingerprint() != clean
            transaction.set_rollback(True)
        if response.status_code >= 400 or not changed:
            failures.append(f"{key}: {response.status_code}, saved {changed}")
    assert not failures, "\n".join(failures)


class _FormValues(HTMLParser):
    """What a browser would send back for the page's main form, untouched: every named input,
    select and textarea with the value the page shows (checked boxes only)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._selected: list[str] = []
        self._textarea: str | None = None
        self._text = ""
        self._templates = 0  # inside <template>: the blank rows inline panels copy, not sent

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "template":
            self._templates += 1
        if self._templates:
            return
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._selected = name, []
        elif tag == "option" and self._select and "selected" in a:
            self._selected.append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._templates -= 1
        if tag == "select" and self._select:
            self.values += [(self._select, value) for value in self._selected]
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


EDIT_FORMS = {key: role for key, role in FORMS.items() if key.endswith(":edit")}


@pytest.mark.django_db
def test_every_edit_form_saves_what_it_shows():
    """A form sent back as the page showed it saves: the values each widget writes (dates in
    the admin's format, the chosen options, inline panels) are values its field reads."""
    world = build_world()
    by_key = {pattern.key: pattern for pattern in patterns()}
    failures = []
    for key, role in EDIT_FORMS.items():
        url = url_of(by_key[key], world)
        client = world.client(role)
        page = client.get(url).content.decode()
        form = page[page.index("<form") : page.index("</form>", page.index('type="submit"'))]
        parser = _FormValues()
        parser.feed(form)
        data: dict[str, list[str]] = {}
        for name, value in parser.values:
            data.setdefault(name, []).append(value)
        if key == "people:edit":
            data["name_change_reason"] = [""]
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        if response.status_code != 302:
            errors = _errors_in_chinese(response.content.decode())
            failures.append(f"{key}: {response.status_code} {errors}")
    assert not failures, "\n".join(failures)
