"""Demo accounts for `manage.py seed_demo`. Every demo account shares one password (README)."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User

DEMO_PASSWORD = "dangxiao2026"

STAFF_ACCOUNTS = [
    # username, full name, groups, superuser
    ("admin", "王建国", [roles.SCHOOL_ADMINS], True),
    ("instructor", "李文华", [roles.INSTRUCTORS, roles.REVIEWERS], False),
    ("organizer", "陈志刚", [roles.ORGANIZERS], False),
]


class DemoPassword:
    """Hashes the demo password once: hashing is deliberately slow, and seeding makes thousands."""

    def __init__(self) -> None:
        self._hash: str | None = None

    @property
    def hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash


def ensure_account(username: str, full_name: str, password: DemoPassword, **fields) -> User:
    """The account with this number, created with the demo password if it does not exist yet.

    An existing account is left as it is, so re-seeding never undoes what someone changed.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, password=password.hash, **fields)
        user.save()
    return user


def seed_staff(password: DemoPassword) -> dict[str, User]:
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
        user.groups.add(*Group.objects.filter(name__in=group_names))
        accounts[username] = user
    return accounts


def seed_learners(count: int, password: DemoPassword) -> int:
    """Accounts learner0001 … learnerNNNN for load tests. Returns how many were new."""
    wanted = [f"learner{number:04d}" for number in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = [
        User(username=name, full_name=f"测试学员{name[-4:]}", password=password.hash)
        for name in wanted
        if name not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    return len(new)
