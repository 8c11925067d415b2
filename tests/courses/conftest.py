import datetime

import pytest

from courses.models import Cohort, Enrollment
from courses.services.learning import enroll
from tests.exams import build_bank, build_exam
from tests.factories import PersonFactory
from tests.pages import build_site


@pytest.fixture
def site_pages(db):
    return build_site()


@pytest.fixture
def open_course(site_pages):
    """The test course, open for self-enrollment."""
    course = site_pages.course
    course.self_enrollment = True
    course.save_revision().publish()
    return course


@pytest.fixture
def cohort(site_pages, branch_organizer):
    cohort = Cohort.objects.create(
        course=site_pages.course,
        name="第一期培训班",
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2026, 12, 1),
    )
    cohort.managers.add(branch_organizer)
    return cohort


@pytest.fixture
def enrolled(open_course, learner):
    enrollment, _created = enroll(open_course, user=learner, actor=learner)
    return enrollment


@pytest.fixture
def bank(db):
    return build_bank()


@pytest.fixture
def exam(site_pages, bank):
    return build_exam(site_pages.course, bank)


@pytest.fixture
def candidate(site_pages, learner):
    """The learner, enrolled in the exam's course."""
    Enrollment.objects.create(user=learner, course=site_pages.course)
    return learner


@pytest.fixture
def learner_of_branch(learner, branch):
    """The learner with a development file in the organizer's branch: one of the organizer's
    people, whom they may enroll."""
    PersonFactory(user=learner, organization=branch)
    return learner
