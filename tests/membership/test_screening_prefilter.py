"""The screening lists skip, in SQL, the people still inside a waiting period; what the lists
contain must not change."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from membership import records
from membership.eligibility.packs import load_pack
from membership.models import Person
from membership.selectors import (
    ELIGIBLE,
    MISSING_ONLY_TRAINING,
    could_be_ready,
    filter_people,
    people_visible_to,
)
from tests.membership.conftest import history, person_in

D = datetime.date


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize("pack_id", ["cpc-2014", "cpc-2026.05", "school"])
def test_the_lists_are_the_same_with_and_without_the_sql_prefilter(demo, admin, pack_id):
    people = people_visible_to(admin)
    today = timezone.localdate()
    skipped = 0
    for offset in range(-420, 421, 70):
        on = today + datetime.timedelta(days=offset)
        for which in (ELIGIBLE, MISSING_ONLY_TRAINING):
            fast = filter_people(people, which, on=on, pack_id=pack_id)
            slow = filter_people(people, which, on=on, pack_id=pack_id, prefilter=False)
            assert [p.pk for p in fast] == [p.pk for p in slow], (which, on)
        skipped += (
            Person.objects.count()
            - Person.objects.filter(could_be_ready(load_pack(pack_id), on)).count()
        )
    assert skipped > 0  # the prefilter does leave people out


def test_a_waiting_period_ending_on_a_clamped_month_end_is_not_cut_short(branch):
    # Applied on 31 August 2025: six months are over on 28 February 2026 (school pack).
    person = person_in(branch, "2025010101", "段超")
    history(person, (records.APPLICATION, D(2025, 8, 31), {}))
    pack = load_pack("school")
    ready = Person.objects.filter(could_be_ready(pack, D(2026, 2, 28)))
    assert person in ready
    assert person not in Person.objects.filter(could_be_ready(pack, D(2026, 2, 24)))
