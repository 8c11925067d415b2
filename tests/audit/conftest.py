import pytest

from accounts import roles
from audit.models import AuditEvent
from tests.courses.conftest import bank, cohort, site_pages  # noqa: F401 - fixtures for these tests
from tests.factories import UserFactory
from tests.membership.conftest import activist, notice_section, sibling_branch  # noqa: F401


@pytest.fixture
def school_admin(db):
    """A 党委组织部 administrator who is not a superuser."""
    return UserFactory(username="T0001", full_name="吴组织", groups=[roles.SCHOOL_ADMINS])


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def last(action) -> AuditEvent:
    found = events(action)
    assert found, f"no {action} row"
    return found[-1]
