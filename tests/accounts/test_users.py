import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import PASSWORD


def test_people_log_in_with_their_number(client, learner):
    response = client.post("/accounts/login/", {"username": "2023010101", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "2023010101"


def test_a_failed_login_explains_in_chinese(client, learner):
    response = client.post("/accounts/login/", {"username": "2023010101", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_one_full_name_is_the_display_name(db):
    user = User.objects.create_user("2023010102", "pw", full_name="欧阳明月")
    assert user.get_full_name() == user.get_short_name() == "欧阳明月"
    assert str(user) == "欧阳明月 (2023010102)"


@pytest.mark.parametrize("number", ["学号123", "2023 0101", "-leading"])
def test_numbers_with_other_characters_are_refused(db, number):
    user = User(username=number, full_name="张三")
    user.set_password("x")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "username" in error.value.message_dict


def test_admin_creates_an_account_with_a_full_name_and_no_first_or_last_name(client, admin):
    client.force_login(admin)
    form = client.get("/admin/users/new/").content.decode()
    assert 'name="full_name"' in form and 'name="first_name"' not in form

    response = client.post(
        "/admin/users/new/",
        {
            "username": "2025070001",
            "full_name": "司马相如",
            "phone": "13912345678",
            "email": "",
            "password1": "Kq8!party-school",
            "password2": "Kq8!party-school",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="2025070001")
    assert (created.full_name, created.phone) == ("司马相如", "13912345678")


def test_admin_account_page_shows_the_full_name(client, instructor):
    client.force_login(instructor)
    page = client.get("/admin/account/")
    assert page.status_code == 200
    assert 'name="name_email-full_name"' in page.content.decode()
