"""Log-ins, failed log-ins, log-outs and lock-outs, from the signals Django (and the lock-out
library, when it is installed) send."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from audit.models import Action
from audit.services import record

#: Which credential holds the number a person tried to log in with.
USERNAME_FIELDS = ("username", get_user_model().USERNAME_FIELD)


def logged_in(sender, request, user, **kwargs) -> None:
    record(Action.LOGIN, actor=user, target=user)


def logged_out(sender, request, user, **kwargs) -> None:
    # Django sends this for a log-out by someone who was not logged in too (user None).
    if user is not None:
        record(Action.LOGOUT, actor=user, target=user)


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    """The number tried, never the password: Django hides it in ``credentials`` already, and
    nothing but the number is read here. The account, if the number is one, is the object, so
    a search for the account finds the attempts on it."""
    number = next((str(credentials[f]) for f in USERNAME_FIELDS if credentials.get(f)), "")
    number = number.strip()[:150]
    account = get_user_model().objects.filter(username=number).first() if number else None
    record(Action.LOGIN_FAILED, actor=None, actor_label=number, target=account)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """django-axes's ``user_locked_out``: the account (or address) is refused for a while."""
    number = (username or "").strip()[:150]
    account = get_user_model().objects.filter(username=number).first() if number else None
    record(Action.LOCKOUT, actor=None, actor_label=number, target=account, address=ip_address)


def connect_receivers() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="audit.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    # The lock-out library is the accounts app's choice; its signal module imports its models,
    # which exist only when it is an installed app, hence the import here and only then.
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
