"""Organizers see only their own subtree; learners only themselves; everyone else gets 404."""

import pytest
from django.urls import reverse

from accounts import roles
from membership.selectors import people_visible_to
from tests.factories import UserFactory
from tests.membership.conftest import person_in


@pytest.fixture
def people(branch, sibling_branch, other_branch):
    return {
        "own": person_in(branch, "2023000001", "本支部"),
        "sibling": person_in(sibling_branch, "2024000001", "兄弟支部"),
        "other": person_in(other_branch, "2024000002", "外学院"),
    }


def visible(user) -> set[str]:
    return set(people_visible_to(user).values_list("user__full_name", flat=True))


def test_a_branch_organizer_sees_their_branch_only(people, branch_organizer):
    assert visible(branch_organizer) == {"本支部"}


def test_a_college_organizer_sees_every_branch_under_the_college(people, college):
    organizer = UserFactory(username="T2010", groups=[roles.ORGANIZERS])
    college.organizers.add(organizer)
    assert visible(organizer) == {"本支部", "兄弟支部"}


def test_the_party_committee_sees_everyone(people, admin):
    assert visible(admin) == {"本支部", "兄弟支部", "外学院"}


def test_a_learner_sees_only_themselves(people):
    assert visible(people["own"].user) == {"本支部"}
    assert visible(UserFactory(username="2099000001")) == set()


@pytest.mark.parametrize(("who", "status"), [("own", 200), ("sibling", 404), ("other", 404)])
def test_the_api_answers_404_outside_the_subtree(api_client, people, branch_organizer, who, status):
    api_client.force_authenticate(branch_organizer)
    person = people[who]
    assert api_client.get(f"/api/v1/people/{person.pk}/").status_code == status
    assert api_client.get(f"/api/v1/people/{person.pk}/eligibility/").status_code == status


def test_the_api_lists_and_finds_by_student_number_within_the_subtree(
    api_client, people, branch_organizer
):
    api_client.force_authenticate(branch_organizer)
    assert [p["name"] for p in api_client.get("/api/v1/people/").json()["results"]] == ["本支部"]
    assert api_client.get("/api/v1/people/?student_number=2024000001").json()["results"] == []
    found = api_client.get("/api/v1/people/?student_number=2023000001").json()["results"]
    assert [p["student_number"] for p in found] == ["2023000001"]


def test_a_learner_reads_their_own_eligibility(api_client, people):
    person = people["own"]
    api_client.force_authenticate(person.user)
    assert api_client.get(f"/api/v1/people/{person.pk}/eligibility/").status_code == 200
    assert api_client.get(f"/api/v1/people/{people['sibling'].pk}/eligibility/").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("own", 200), ("sibling", 404)])
def test_the_admin_file_is_404_outside_the_subtree(client, people, branch_organizer, who, status):
    client.force_login(branch_organizer)
    assert client.get(reverse("people:inspect", args=[people[who].pk])).status_code == status
    assert (
        client.get(reverse("people:dossier", args=[people[who].pk, "xlsx"])).status_code == status
    )
