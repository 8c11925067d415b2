from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from school.exceptions import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_detail = _("The number or the password is wrong.")


def authenticate_or_fail(request, *, username: str | None, password: str | None):
    """The active user with these credentials, or ``InvalidCredentials``.

    The message never says which of the two was wrong, so it cannot be used to find out
    which numbers have accounts.
    """
    user = authenticate(request, username=(username or "").strip(), password=password or "")
    if user is None:
        raise InvalidCredentials()
    return user
