"""Demo accounts for `manage.py seed_demo`. Every demo account shares one password (README).

An account is the demo's own when its number and its full name are the ones the demo gives
it: a number somebody else holds (another name) is theirs, and the demo never touches it.
"""

import re
from collections.abc import Mapping

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from accounts import roles
from accounts.models import User

DEMO_PASSWORD = "dangxiao2026"

STAFF_ACCOUNTS = [
    # username, full name, groups, superuser
    ("admin", "王建国", [roles.SCHOOL_ADMINS], True),
    ("instructor", "李文华", [roles.INSTRUCTORS, roles.REVIEWERS], False),
    ("organizer", "陈志刚", [roles.ORGANIZERS], False),
]

# Load-test accounts: learner0001 … with the name 测试学员0001 ….
LEARNER_USERNAME = re.compile(r"learner(\d{4,})")


class AccountTaken(Exception):
    """A number the demo needs is held by an account that is not the demo's."""


class DemoPassword:
    """Hashes the demo password once: hashing is deliberately slow, and seeding makes thousands."""

    def __init__(self) -> None:
        self._hash: str | None = None

    @property
    def hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash


def staff_names() -> dict[str, str]:
    """The demo's staff accounts: number → full name."""
    return {username: full_name for username, full_name, _groups, _su in STAFF_ACCOUNTS}


def learner_name(username: str) -> str | None:
    """The name the demo gives a load-test account, or None for a number that is not one."""
    match = LEARNER_USERNAME.fullmatch(username)
    return f"测试学员{match.group(1)}" if match else None


def is_demo_account(username: str, full_name: str, names: Mapping[str, str]) -> bool:
    """Whether (number, name) is one of the demo's accounts: ``names`` or a load-test learner."""
    expected = names.get(username) or learner_name(username)
    return expected is not None and expected == full_name


def accounts_named(names: Mapping[str, str]) -> QuerySet[User]:
    """The accounts that hold these numbers under these names: the demo's own, nobody else's."""
    if not names:
        return User.objects.none()
    match = Q()
    for username, full_name in names.items():
        match |= Q(username=username, full_name=full_name)
    return User.objects.filter(match)


def ensure_account(username: str, full_name: str, password: DemoPassword, **fields) -> User | None:
    """The demo's account with this number, created with the demo password if nobody holds it.

    An existing demo account is left as it is, so re-seeding never undoes what someone changed.
    None when the number belongs to somebody else's account (another name): that account is
    not the demo's, and the demo leaves it alone.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, password=password.hash, **fields)
        user.save()
        return user
    return user if user.full_name == full_name else None


def seed_staff(password: DemoPassword) -> dict[str, User]:
    """The admin, instructor and organizer accounts with their roles. Raises ``AccountTaken``
    when one of their numbers is somebody else's account."""
    accounts = {}
    for username, full_name, group_names, superuser in STAFF_ACCOUNTS:
        user = ensure_account(
            username,
            full_name,
            password,
            is_superuser=superuser,
            is_staff=superuser,
            email=f"{username}@jcu.example",
        )
        if user is None:
            raise AccountTaken(username)
        user.groups.add(*Group.objects.filter(name__in=group_names))
        accounts[username] = user
    return accounts


def learner_usernames(count: int) -> list[str]:
    return [f"learner{number:04d}" for number in range(1, count + 1)]


def seed_learners(count: int, password: DemoPassword) -> int:
    """Accounts learner0001 … learnerNNNN for load tests. Returns how many were new; a number
    somebody else holds is left to them."""
    wanted = learner_usernames(count)
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = [
        User(username=name, full_name=learner_name(name), password=password.hash)
        for name in wanted
        if name not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    return len(new)


def demo_learners(count: int) -> list[User]:
    """The demo's load-test accounts learner0001 … learnerNNNN, by number."""
    wanted = learner_usernames(count)
    return [
        user
        for user in User.objects.filter(username__in=wanted).order_by("username")
        if user.full_name == learner_name(user.username)
    ]
