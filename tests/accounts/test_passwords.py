"""The password policy, the history, the change page, the periodic change and the hash."""

import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import PasswordHistory, User
from tests.factories import PASSWORD, UserFactory

GOOD = "Kq8!party-school"


def refusals(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    "password, code",
    [
        ("Ab1!x", "password_too_short"),
        ("alllowercaseletters", "password_too_few_character_classes"),
        ("ALLCAPS-AND-SYMBOLS", "password_too_few_character_classes"),
        ("P@ssw0rd", "password_too_common"),
        ("jcujcujcu", "password_campus_pattern"),  # the school's initials, three times
        ("Jcu@2026jcu", "password_campus_pattern"),
        ("Dangxiao@2026", "password_campus_pattern"),
        ("Zhongguo123!", "password_campus_pattern"),
        ("Qwer1234!", "password_campus_pattern"),
        ("1qaz@WSX", "password_campus_pattern"),
        ("Ab1!Ab1!Ab1!", "password_campus_pattern"),
        ("Aa123456!", "password_campus_pattern"),
    ],
)
def test_weak_passwords_are_refused(db, password, code, in_english):
    assert code in refusals(password)


@pytest.mark.parametrize("password", [GOOD, "Tr0ub4dor&3", "Wo3ai!Beijing-Tian", "Jc#Dx7&Qm2"])
def test_passwords_that_follow_the_policy_are_accepted(db, password):
    assert refusals(password) == set()


def test_the_schools_own_initials_come_from_a_setting(db, settings):
    settings.PASSWORD_CAMPUS_WORDS = ["hgd"]
    assert "password_campus_pattern" in refusals("Hgd#2025hgd")
    assert "password_campus_pattern" not in refusals("Jcu#Mx7qT")


def test_the_accounts_own_number_does_not_make_a_password(db):
    user = UserFactory(username="2023010101")
    assert "password_campus_pattern" in refusals("2023010101Ab!", user)


def test_a_very_long_password_is_not_searched_for_patterns(db):
    assert refusals("Ab1!" + "x" * 5000) == set()


def test_the_policy_is_explained_in_chinese(db):
    try:
        validate_password("jcujcujcu")
    except ValidationError as error:
        messages = error.messages
    assert any("学校" in message for message in messages)
    assert any("类" in message for message in messages)


def test_the_last_five_passwords_are_refused(db, in_english):
    user = UserFactory(username="2023010150")
    used = [f"Kq{n}!party-school" for n in range(5)]
    for password in used:
        user.set_password(password)
        user.save()

    for password in used:
        assert "password_reused" in refusals(password, user)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    user.set_password("Zz9?another-one")
    user.save()
    # The oldest dropped out of the five remembered.
    assert "password_reused" not in refusals(used[0], user)
    assert "password_reused" in refusals(used[1], user)


def test_the_history_keeps_hashes_never_passwords(db):
    user = UserFactory(username="2023010151")
    user.set_password(GOOD)
    user.save()
    stored = PasswordHistory.objects.filter(user=user).first().password
    assert GOOD not in stored and identify_hasher(stored)


def test_a_hash_upgrade_at_log_in_is_not_a_change(client, db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory(username="2023010152")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    changed_at = User.objects.get(pk=user.pk).password_changed_at
    history = PasswordHistory.objects.filter(user=user).count()

    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    user.refresh_from_db()
    assert user.password.startswith("md5$")  # the test hasher
    assert user.password_changed_at == changed_at
    assert PasswordHistory.objects.filter(user=user).count() == history


# --- The change page ------------------------------------------------------------------------


def test_the_change_page_needs_a_signed_in_user(client, db):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_learner_changes_their_password(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert response.status_code == 302 and response["Location"] == "/learning/"
    learner.refresh_from_db()
    assert learner.check_password(GOOD)
    # Still signed in here.
    assert client.get("/learning/").status_code == 200


def test_the_change_page_refuses_a_weak_password_in_chinese(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "jcujcujcu", "new_password2": "jcujcujcu"},
    )
    assert response.status_code == 200
    assert "学校" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_the_change_page_refuses_the_current_password(client, learner, in_english):
    learner.set_password(GOOD)
    learner.save()
    client.force_login(learner)
    client.cookies["school_language"] = "en"
    response = client.post(
        "/accounts/password/", {"old_password": GOOD, "new_password1": GOOD, "new_password2": GOOD}
    )
    assert "You have used this password recently" in response.content.decode()


def test_the_change_page_is_linked_from_the_header_and_my_learning(client, learner):
    client.force_login(learner)
    page = client.get("/learning/").content.decode()
    assert page.count('href="/accounts/password/"') == 2


def test_changing_the_password_ends_the_other_sessions(client, learner):
    other = type(client)()
    other.force_login(learner)
    client.force_login(learner)
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert other.get("/learning/").status_code == 302


def test_the_admin_account_page_applies_the_same_policy(client, instructor):
    client.force_login(instructor)
    response = client.post(
        "/admin/account/",
        {
            "name_email-email": "",
            "name_email-phone": "",
            "locale-preferred_language": "zh-hans",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "password-old_password": PASSWORD,
            "password-new_password1": "jcujcujcu",
            "password-new_password2": "jcujcujcu",
        },
    )
    assert response.status_code == 200
    instructor.refresh_from_db()
    assert instructor.check_password(PASSWORD)


def test_the_users_admin_applies_the_same_policy(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/users/new/",
        {
            "username": "2025070002",
            "full_name": "司马光",
            "password1": "jcujcujcu",
            "password2": "jcujcujcu",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="2025070002").exists()


# --- Periodic change ------------------------------------------------------------------------


def test_by_default_passwords_never_expire(client, learner, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650)):
        client.force_login(learner)
        assert client.get("/learning/").status_code == 200


def test_an_old_password_sends_the_user_to_the_change_page(client, learner, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    client.force_login(learner)
    assert client.get("/learning/").status_code == 200

    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        client.force_login(learner)
        response = client.get("/learning/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/?next=%2Flearning%2F"
        assert client.get("/accounts/password/").status_code == 200
        # The API is left alone.
        assert client.get("/api/v1/me/").status_code == 200
        client.post(
            "/accounts/password/?next=/learning/",
            {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
        )
        assert client.get("/learning/").status_code == 200


# --- The hash -------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2id_as_measured(settings):
    from school import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password(GOOD)
    assert encoded.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert identify_hasher(encoded).verify(GOOD, encoded)


def test_an_older_hash_still_verifies_and_is_rehashed_at_log_in(client, db, settings):
    from school import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(username="2023010153")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
