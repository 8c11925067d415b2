"""Names and numbers: on certificates and files, so changed only by staff, with a reason."""

import pytest
from wagtail.models import ModelLogEntry

from accounts import roles, services
from accounts.models import User
from accounts.services import (
    IDENTITY_CHANGE_ACTION,
    IdentityChangeForbidden,
    InvalidIdentity,
    NumberTaken,
    ReasonRequired,
    change_identity,
    set_identity_scope,
)
from tests.factories import UserFactory


def identity_log(user):
    return list(
        ModelLogEntry.objects.for_instance(user)
        .filter(action=IDENTITY_CHANGE_ACTION)
        .order_by("id")
    )


# --- The service -------------------------------------------------------------------------------


def test_a_change_is_saved_with_one_record_per_field(admin, learner):
    change_identity(
        learner, actor=admin, full_name="林晓宇", username="2023010199", reason="学籍更正"
    )

    learner.refresh_from_db()
    assert (learner.full_name, learner.username) == ("林晓宇", "2023010199")
    entries = identity_log(learner)
    assert sorted((e.data["field"], e.data["before"], e.data["after"]) for e in entries) == [
        ("full_name", "林晓雨", "林晓宇"),
        ("username", "2023010101", "2023010199"),
    ]
    assert {e.data["reason"] for e in entries} == {"学籍更正"}
    assert {e.user_id for e in entries} == {admin.pk}
    assert len({e.uuid for e in entries}) == 1  # one change, shown together


def test_repeating_a_change_records_nothing_more(admin, learner):
    change_identity(learner, actor=admin, full_name="林晓宇", reason="学籍更正")
    change_identity(learner, actor=admin, full_name=" 林晓宇 ", reason="")
    assert len(identity_log(learner)) == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_change_without_a_reason_is_refused(admin, learner, reason):
    with pytest.raises(ReasonRequired):
        change_identity(learner, actor=admin, full_name="林晓宇", reason=reason)
    learner.refresh_from_db()
    assert learner.full_name == "林晓雨"
    assert identity_log(learner) == []


@pytest.mark.parametrize("number", ["T1001", "t1001"])
def test_a_number_in_use_is_refused_in_any_letter_case(admin, learner, instructor, number):
    with pytest.raises(NumberTaken) as error:
        change_identity(learner, actor=admin, username=number, reason="学籍更正")
    assert error.value.status_code == 409
    learner.refresh_from_db()
    assert learner.username == "2023010101"
    assert identity_log(learner) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"username": "学号 1"}, "username"), ({"full_name": "   "}, "full_name")],
)
def test_values_the_model_refuses_are_refused_by_field(admin, learner, fields, field):
    with pytest.raises(InvalidIdentity) as error:
        change_identity(learner, actor=admin, reason="学籍更正", **fields)
    assert error.value.field == field
    assert set(error.value.extra["errors"]) == {field}


def test_nobody_changes_their_own_name_not_even_an_administrator(admin):
    with pytest.raises(IdentityChangeForbidden):
        change_identity(admin, actor=admin, full_name="王建民", reason="改名")
    admin.refresh_from_db()
    assert admin.full_name == "王建国"


def test_learners_instructors_and_organizers_may_not_change_names(
    learner, instructor, branch_organizer
):
    other = UserFactory(username="2023010102", full_name="周一")
    for actor in (learner, instructor, branch_organizer):
        with pytest.raises(IdentityChangeForbidden):
            change_identity(other, actor=actor, full_name="周二", reason="改名")
    other.refresh_from_db()
    assert other.full_name == "周一"


def test_school_administrators_without_superuser_may_change_names(learner):
    school_admin = UserFactory(username="T0001", groups=[roles.SCHOOL_ADMINS])
    change_identity(learner, actor=school_admin, full_name="林晓宇", reason="学籍更正")
    learner.refresh_from_db()
    assert learner.full_name == "林晓宇"


@pytest.fixture
def organizers_keep_their_learners(learner):
    registered = services._identity_scope  # membership's, put back afterwards
    set_identity_scope(
        lambda actor: (
            User.objects.filter(pk=learner.pk)
            if actor.groups.filter(name=roles.ORGANIZERS).exists()
            else User.objects.none()
        )
    )
    yield
    set_identity_scope(registered)


def test_a_registered_scope_lets_others_change_the_accounts_in_it(
    organizers_keep_their_learners, learner, branch_organizer, other_branch_organizer
):
    change_identity(learner, actor=branch_organizer, full_name="林晓宇", reason="学籍更正")
    with pytest.raises(IdentityChangeForbidden):
        change_identity(branch_organizer, actor=other_branch_organizer, full_name="x", reason="y")


# --- The API: one's own account ----------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("full_name", "新名字"), ("username", "hijack")])
def test_a_learner_cannot_change_their_name_or_number_and_is_told_so(
    api_client, learner, field, value
):
    api_client.force_authenticate(learner)
    response = api_client.patch(
        "/api/v1/me/",
        {"phone": "13800138000", field: value},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "identity_read_only"
    assert set(body["errors"]) == {field}
    assert "only the school administrators change them" in body["detail"]
    learner.refresh_from_db()
    assert (learner.full_name, learner.username, learner.phone) == ("林晓雨", "2023010101", "")


def test_staff_cannot_change_their_own_name_through_the_api_either(api_client, admin):
    api_client.force_authenticate(admin)
    response = api_client.patch("/api/v1/me/", {"full_name": "王建民"}, format="json")
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.full_name == "王建国"


def test_a_learner_changes_phone_and_email(api_client, learner):
    api_client.force_authenticate(learner)
    response = api_client.patch(
        "/api/v1/me/", {"phone": "13800138000", "email": "lin@example.edu.cn"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["full_name"] == "林晓雨"
    learner.refresh_from_db()
    assert (learner.phone, learner.email) == ("13800138000", "lin@example.edu.cn")


def test_sending_back_what_was_read_is_accepted(api_client, learner):
    api_client.force_authenticate(learner)
    me = api_client.get("/api/v1/me/").json()
    response = api_client.patch("/api/v1/me/", {**me, "phone": "13800138000"}, format="json")
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.phone == "13800138000"


# --- The admin: an administrator edits an account -----------------------------------------------


def edit_form(user, **changes):
    return {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "is_active": "on",
        "password1": "",
        "password2": "",
        **changes,
    }


def test_admin_changes_a_name_with_a_reason_and_the_history_shows_it(client, admin, learner):
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{learner.pk}/",
        edit_form(learner, full_name="林晓宇", reason="身份证姓名为林晓宇"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    learner.refresh_from_db()
    assert learner.full_name == "林晓宇"
    [entry] = identity_log(learner)
    assert entry.data == {
        "field": "full_name",
        "before": "林晓雨",
        "after": "林晓宇",
        "reason": "身份证姓名为林晓宇",
    }
    assert entry.user == admin

    history = client.get(f"/admin/users/history/{learner.pk}/").content.decode()
    assert "林晓雨" in history and "林晓宇" in history and "身份证姓名为林晓宇" in history


def test_admin_must_give_a_reason_for_a_new_number(client, admin, learner):
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{learner.pk}/", edit_form(learner, username="2023010199")
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    learner.refresh_from_db()
    assert learner.username == "2023010101"
    assert identity_log(learner) == []


def test_admin_is_told_when_the_number_is_taken(client, admin, learner, instructor):
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{learner.pk}/",
        edit_form(learner, username="T1001", full_name="林晓宇", reason="学籍更正"),
    )

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    learner.refresh_from_db()
    assert (learner.username, learner.full_name) == ("2023010101", "林晓雨")
    assert identity_log(learner) == []


def test_admin_changes_contact_details_without_a_reason(client, admin, learner):
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{learner.pk}/", edit_form(learner, phone="13800138000")
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.phone == "13800138000"
    assert identity_log(learner) == []


def test_admin_editing_their_own_account_cannot_change_their_name(client, admin):
    client.force_login(admin)
    response = client.post(
        f"/admin/users/edit/{admin.pk}/",
        edit_form(admin, full_name="王建民", username="boss", reason="改名"),
    )

    assert response.status_code == 302
    admin.refresh_from_db()
    assert (admin.full_name, admin.username) == ("王建国", "admin")
    assert identity_log(admin) == []


# --- The admin: one's own account page ------------------------------------------------------------


def test_account_page_shows_the_name_but_does_not_change_it(client, instructor):
    client.force_login(instructor)
    page = client.get("/admin/account/")
    [name_field] = [
        line for line in page.content.decode().splitlines() if 'name="name_email-full_name"' in line
    ]
    assert "disabled" in name_field and "李文华" in name_field

    response = client.post(
        "/admin/account/",
        {
            "name_email-full_name": "李武华",
            "name_email-phone": "13800138000",
            "name_email-email": "li@example.edu.cn",
            "locale-preferred_language": "",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
            "theme-keyboard_shortcuts": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    instructor.refresh_from_db()
    assert instructor.full_name == "李文华"
    assert (instructor.phone, instructor.email) == ("13800138000", "li@example.edu.cn")
