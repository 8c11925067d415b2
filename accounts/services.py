import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from rest_framework import status
from wagtail.log_actions import log

from accounts import lockout, roles
from accounts.models import PasswordHistory, User
from school.exceptions import Conflict, DomainError, Forbidden

# The fields certificates, dossiers and public notices carry: changed only by staff, with a reason,
# through change_identity.
IDENTITY_FIELDS = ("full_name", "username")
IDENTITY_CHANGE_ACTION = "accounts.change_identity"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_detail = _("The number or the password is wrong.")


class IdentityError(DomainError):
    """A refused change of name or number. ``field`` names the input at fault, if one is."""

    field: str | None = None


class IdentityChangeForbidden(IdentityError, Forbidden):
    code = "identity_change_forbidden"
    default_detail = _("Only the school administrators may change a name or a number.")


class ReasonRequired(IdentityError):
    code = "reason_required"
    field = "reason"
    default_detail = _("Give the reason for changing the name or the number.")


class NumberTaken(IdentityError, Conflict):
    code = "number_taken"
    field = "username"
    default_detail = _("An account with this number already exists.")


class InvalidIdentity(IdentityError):
    code = "invalid_identity"

    def __init__(self, field: str, messages: list[str]):
        super().__init__(" ".join(messages), extra={"errors": {field: messages}})
        self.field = field


class LoginLocked(DomainError):
    """Too many failed log-ins for this account from this address (or from everywhere): the
    detail says until when (accounts.lockout)."""

    code = lockout.LOCKED_CODE
    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, ends_at: datetime | None):
        super().__init__(lockout.locked_message(ends_at))
        self.retry_after = lockout.retry_after(ends_at)


def authenticate_or_fail(request, *, username: str | None, password: str | None):
    """The active user with these credentials, or ``InvalidCredentials``; ``LoginLocked`` when
    the account is locked for this address, whatever the password (the try is not counted).

    The message never says which of the two was wrong, so it cannot be used to find out
    which numbers have accounts. A failure counts towards the lockout (axes records it).
    """
    username = (username or "").strip()
    user = authenticate(request, username=username, password=password or "")
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LoginLocked(lockout.lockout_ends_at(username, lockout.client_address(request)))
        raise InvalidCredentials()
    return user


def is_school_admin(user) -> bool:
    """党委组织部 (or a superuser): who may unlock accounts and reset second factors."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=roles.SCHOOL_ADMINS).exists())
    )


UNLOCK_ACTION = "accounts.unlock"


def lockouts_visible_to(user) -> QuerySet[AccessAttempt]:
    """The failed log-in records a user may see and clear: all for school admins, else none."""
    if is_school_admin(user):
        return AccessAttempt.objects.all()
    return AccessAttempt.objects.none()


@transaction.atomic
def unlock(username: str, *, actor: User, ip_address: str | None = None) -> int:
    """Clear the failed log-ins of ``username`` (from ``ip_address`` only, when given), so the
    account may log in again at once. Returns how many records were cleared; safe to repeat
    (0 the second time). Logged on the account's history (``accounts.unlock``) when the number
    is an account's. Raises ``Forbidden`` unless ``actor`` is a school admin."""
    if not is_school_admin(actor):
        raise Forbidden()
    rows = lockouts_visible_to(actor).filter(username=username)
    if ip_address:
        rows = rows.filter(ip_address=ip_address)
    failures = sum(rows.values_list("failures_since_start", flat=True))
    cleared, _deleted = rows.delete()
    account = User.objects.filter(username=username).first()
    if cleared and account is not None:
        log(
            instance=account,
            action=UNLOCK_ACTION,
            user=actor,
            data={"ip_address": ip_address or "", "failures": failures},
        )
    return cleared


# --- Passwords --------------------------------------------------------------------------------


def former_password_hashes(user: User, *, count: int) -> list[str]:
    """The hashes of ``user``'s last ``count`` passwords, the newest first."""
    return list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count]
    )


def record_password_change(user: User, *, keep: int) -> None:
    """After ``user`` was saved with a new password (Django's ``password_changed``, from any
    form, the reset or the shell): keep its hash in the history (the last ``keep``), note when,
    revoke the account's API tokens (they were got with the old password) and clear its failed
    log-ins (a password reset by e-mail is how a locked-out owner gets back in). Runs inside
    the save's transaction, if any. A hash upgrade at log-in is not a change and calls nothing."""
    now = timezone.now()
    PasswordHistory.objects.create(user=user, password=user.password, created_at=now)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    User.objects.filter(pk=user.pk).update(password_changed_at=now)
    user.password_changed_at = now
    revoke_tokens(user)
    AccessAttempt.objects.filter(username=user.username).delete()


def password_expired(user: User, *, now: datetime | None = None) -> bool:
    """Whether ``user`` must change their password before going on: only when
    ``PASSWORD_MAX_AGE_DAYS`` is set, for an account with a password, older than that."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return changed + timedelta(days=days) <= (now or timezone.now())


# --- API tokens -------------------------------------------------------------------------------


def issue_token(user: User) -> tuple[AuthToken, str]:
    """A new API token for ``user`` (django-rest-knox): the token and its key, which is shown
    once and stored only as a hash. It expires ``API_TOKEN_HOURS`` after it is issued. The
    account's expired tokens are deleted, and so are its oldest beyond
    ``API_TOKENS_PER_USER``, so each device or client keeps its own and the table stays small."""
    with transaction.atomic():
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        token, key = AuthToken.objects.create(user=user)
        oldest = (
            AuthToken.objects.filter(user=user)
            .order_by("-created", "-pk")
            .values_list("pk", flat=True)[settings.API_TOKENS_PER_USER :]
        )
        AuthToken.objects.filter(pk__in=list(oldest)).delete()
    return token, key


def revoke_tokens(user: User) -> int:
    """Revoke every API token of ``user`` (logging out anywhere, a new password). Returns how
    many there were; safe to repeat."""
    revoked, _deleted = AuthToken.objects.filter(user=user).delete()
    return revoked


# --- Name and number --------------------------------------------------------------------------

IdentityScope = Callable[[User], QuerySet[User]]

_identity_scope: IdentityScope | None = None


def set_identity_scope(scope: IdentityScope | None) -> None:
    """Register who else may change names and numbers: ``scope(actor)`` is the accounts that
    ``actor`` may change besides what the school administrators may (``None``: nobody else).
    An app that knows more about who keeps whose file (membership) registers it, so accounts
    imports no app of ours."""
    global _identity_scope
    _identity_scope = scope


def may_change_identity(actor: User, user: User) -> bool:
    """Whether ``actor`` may change ``user``'s full name or number: school administrators and
    whoever may change accounts in the admin (``accounts.change_user``), and those the
    registered scope allows; never on their own account, which someone else keeps."""
    if not actor.is_active or actor.pk == user.pk:
        return False
    if (
        actor.is_superuser
        or actor.has_perm("accounts.change_user")
        or actor.groups.filter(name=roles.SCHOOL_ADMINS).exists()
    ):
        return True
    return _identity_scope is not None and _identity_scope(actor).filter(pk=user.pk).exists()


@transaction.atomic
def change_identity(
    user: User,
    *,
    actor: User,
    full_name: str | None = None,
    username: str | None = None,
    reason: str,
) -> User:
    """Change ``user``'s full name and/or student or staff number, and record why.

    ``None`` leaves a field as it is; values are stripped and checked as the model checks them.
    Locks the account's row, so the "before" in the record is what was replaced. Writes one entry
    per changed field in Wagtail's audit log (action ``accounts.change_identity``, data
    ``{"field", "before", "after", "reason"}``, one shared uuid), in the same transaction, so it
    shows in the account's history in the admin. Safe to repeat: values already held change
    nothing and log nothing (and need no reason). Certificates already issued keep the name and
    number they were issued with.

    Raises ``IdentityChangeForbidden`` (403) unless ``may_change_identity(actor, user)``,
    ``ReasonRequired`` for an empty reason, ``InvalidIdentity`` for a value the model refuses
    and ``NumberTaken`` (409) when another account has the number (in any letter case).
    """
    if not may_change_identity(actor, user):
        raise IdentityChangeForbidden()
    locked = User.objects.select_for_update().get(pk=user.pk)
    wanted = {"full_name": full_name, "username": username}
    changes = {
        name: (getattr(locked, name), value.strip())
        for name, value in wanted.items()
        if value is not None and value.strip() != getattr(locked, name)
    }
    if not changes:
        return locked
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    for name, (_before, after) in changes.items():
        field = cast(models.CharField, User._meta.get_field(name))
        try:
            field.clean(after, locked)  # blank, length and the number's characters, as the model
        except ValidationError as error:
            raise InvalidIdentity(name, list(error.messages)) from None
    if "username" in changes:
        after = changes["username"][1]
        # Numbers that differ only in letter case would be told apart by the database but not
        # by the people reading a certificate or typing a number.
        if User.objects.filter(username__iexact=after).exclude(pk=locked.pk).exists():
            raise NumberTaken()
    for name, (_before, after) in changes.items():
        setattr(locked, name, after)
    try:
        with transaction.atomic():  # a savepoint: a concurrent taker of the number loses here
            locked.save(update_fields=list(changes))
    except IntegrityError:
        raise NumberTaken() from None
    group = uuid.uuid4()
    for name, (before, after) in changes.items():
        log(
            instance=locked,
            action=IDENTITY_CHANGE_ACTION,
            user=actor,
            uuid=group,
            content_changed=True,
            data={"field": name, "before": before, "after": after, "reason": reason},
        )
    return locked
