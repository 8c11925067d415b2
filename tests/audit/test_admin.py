"""The audit log in the admin: school administrators only, read-only, searchable, exportable."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder

from audit.context import request_context
from audit.models import Action, AuditEvent
from audit.services import record
from school import scoping
from tests.audit.conftest import last
from tests.factories import UserFactory


@pytest.fixture
def log(learner, branch_organizer):
    with request_context("10.1.2.3", method="GET", path="/admin/people/inspect/1/"):
        opened = record(Action.PERSON_READ, actor=branch_organizer, target=learner)
    with request_context("198.51.100.9"):
        failed = record(Action.LOGIN_FAILED, actor=None, actor_label="2023999999")
    old = AuditEvent.objects.create(
        action=Action.LOGIN,
        actor=learner,
        actor_label=learner.username,
        at=timezone.now() - datetime.timedelta(days=40),
    )
    return {"opened": opened, "failed": failed, "old": old}


def listed(client, query="") -> set[int]:
    response = client.get(reverse("audit:index") + query)
    assert response.status_code == 200
    return {row.pk for row in response.context["object_list"]}


@pytest.mark.parametrize("who", ["admin", "school_admin"])
def test_school_admins_see_and_search_the_log(client, log, who, request):
    client.force_login(request.getfixturevalue(who))
    everything = {row.pk for row in log.values()}
    assert everything <= listed(client)
    assert listed(client, "?actor=T2001") == {log["opened"].pk}
    assert listed(client, "?actor=2023999") == {log["failed"].pk}
    assert listed(client, "?action=login.failed") == {log["failed"].pk}
    assert listed(client, "?object=林晓雨") == {log["opened"].pk}
    by_type = listed(client, "?object_type=accounts.user")  # the log-ins are about accounts too
    assert log["opened"].pk in by_type and log["failed"].pk not in by_type
    assert listed(client, "?address=10.1.") == {log["opened"].pk}
    assert listed(client, "?address=198.51.100.9") == {log["failed"].pk}
    day = (timezone.localdate() - datetime.timedelta(days=40)).isoformat()
    assert log["old"].pk in listed(client, f"?at_from={day}&at_to={day}")
    assert log["opened"].pk not in listed(client, f"?at_from={day}&at_to={day}")
    inspect = client.get(reverse("audit:inspect", args=[log["opened"].pk]))
    assert inspect.status_code == 200 and "10.1.2.3" in inspect.content.decode()


def test_the_export_is_an_excel_file_and_is_itself_recorded(client, log, admin):
    client.force_login(admin)
    response = client.get(reverse("audit:index") + "?action=person.read&export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and "T2001" in rows[1] and "10.1.2.3" in rows[1]
    exported = last(Action.EXPORT)
    assert exported.object_type == "audit.auditevent" and exported.details["ids"] == [
        log["opened"].pk
    ]
    # No CSV: only the workbook keeps text such as "=…" as text.
    csv = client.get(reverse("audit:index") + "?export=csv")
    assert csv["Content-Type"].startswith("text/html")
    page = client.get(reverse("audit:index")).content.decode()
    assert "export=xlsx" in page and "export=csv" not in page


@pytest.mark.parametrize(
    "who", ["branch_organizer", "other_branch_organizer", "instructor", "learner"]
)
def test_nobody_else_reaches_the_log(client, log, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    index = client.get(reverse("audit:index"))
    assert index.status_code in (302, 403)  # the admin's "permission denied", or its log-in
    for name in ("inspect", "edit", "delete"):
        response = client.get(reverse(f"audit:{name}", args=[log["opened"].pk]))
        assert response.status_code in (302, 404), name
    assert not scoping.reach(AuditEvent, user).exists()
    assert AdminURLFinder(user).get_edit_url(log["opened"]) is None


def test_not_even_a_school_admin_changes_or_deletes_a_row(client, log, admin):
    client.force_login(admin)
    row = log["opened"]
    client.post(reverse("audit:delete", args=[row.pk]))
    client.post(reverse("audit:edit", args=[row.pk]), {"action": "login"})
    client.post(reverse("audit:add"), {"action": "login"})
    row.refresh_from_db()
    assert row.action == Action.PERSON_READ and AuditEvent.objects.filter(pk=row.pk).exists()
    assert not AuditEvent.objects.filter(path=reverse("audit:add"), action=Action.LOGIN).exists()


def test_the_menu_shows_the_log_to_school_admins_only(client, admin, branch_organizer):
    client.force_login(admin)
    assert reverse("audit:index") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(branch_organizer)
    assert reverse("audit:index") not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_deleted_account_leaves_its_rows_as_they_were(db):
    user = UserFactory(username="2023077777")
    row = record(Action.LOGIN, actor=user, target=user)
    user.delete()
    row = AuditEvent.objects.get(pk=row.pk)
    assert row.actor_label == "2023077777" and row.actor_id is not None
