import uuid
from collections.abc import Callable
from typing import cast

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts import roles
from accounts.models import User
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


def authenticate_or_fail(request, *, username: str | None, password: str | None):
    """The active user with these credentials, or ``InvalidCredentials``.

    The message never says which of the two was wrong, so it cannot be used to find out
    which numbers have accounts.
    """
    user = authenticate(request, username=(username or "").strip(), password=password or "")
    if user is None:
        raise InvalidCredentials()
    return user


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
