"""The public-notice API: publish, list, record outcomes — scoped like the people they are about."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from membership import records
from membership.models import DevelopmentRecord, PublicNotice
from membership.services.notices import record_notice_outcome
from tests.membership.conftest import FEEDBACK, history, person_in, publish_for

URL = "/api/v1/notices/"


def payload(branch, **changes):
    return {
        "kind": "candidate_notice",
        "organization": branch.pk,
        "student_numbers": ["2023010201"],
        "starts_on": "2026-03-02",
        "feedback": FEEDBACK,
        **changes,
    }


def test_an_organizer_publishes_a_notice(
    api_client, notice_section, branch, branch_organizer, activist
):
    api_client.force_authenticate(branch_organizer)
    response = api_client.post(URL, payload(branch), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "candidate_notice" and body["organization"] == branch.pk
    assert (body["starts_on"], body["ends_on"]) == ("2026-03-02", "2026-03-08")
    assert body["page_url"].startswith("http://testserver/notices/notice-")
    [entry] = body["entries"]
    assert entry["student_number"] == "2023010201" and entry["name"] == "张小明"
    assert entry["outcome"] is None
    listed = api_client.get(URL).json()["results"]
    assert [notice["id"] for notice in listed] == [body["id"]]


@pytest.mark.parametrize(
    "changes, code, words",
    [
        ({"student_numbers": ["2023010201", "0000000"]}, "unknown_people", "0000000"),
        ({"ends_on": "2026-03-04"}, "notice_refused", "不少于 7 天"),
        ({"kind": "admission_notice"}, "notice_refused", "仅限发展对象"),
        ({"student_numbers": []}, "empty", "student_numbers"),
        ({"starts_on": "3月2日"}, "invalid", "starts_on"),
    ],
)
def test_bad_input_is_a_400_in_chinese_and_changes_nothing(
    api_client, notice_section, branch, branch_organizer, activist, changes, code, words
):
    api_client.force_authenticate(branch_organizer)
    before = DevelopmentRecord.objects.count()
    response = api_client.post(
        URL, payload(branch, **changes), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert words in body["detail"] or words in str(body.get("errors", ""))
    assert not PublicNotice.objects.exists() and DevelopmentRecord.objects.count() == before


def test_an_organizer_cannot_publish_for_another_organization(
    api_client, notice_section, other_branch, branch_organizer, activist
):
    api_client.force_authenticate(branch_organizer)
    response = api_client.post(URL, payload(other_branch), format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_parameter"
    assert not PublicNotice.objects.exists()


def test_a_learner_may_not_publish_and_sees_only_the_notices_they_are_on(
    api_client, notice_section, branch, branch_organizer, activist, learner
):
    notice = publish_for(branch_organizer, branch, [activist])
    api_client.force_authenticate(learner)
    assert api_client.post(URL, payload(branch), format="json").status_code == 403
    assert api_client.get(URL).json()["results"] == []
    assert api_client.get(f"{URL}{notice.pk}/").status_code == 404
    api_client.force_authenticate(activist.user)
    assert [n["id"] for n in api_client.get(URL).json()["results"]] == [notice.pk]


def test_the_outcome_is_recorded_through_the_api(
    api_client, notice_section, branch, branch_organizer, other_branch_organizer, activist
):
    notice = publish_for(branch_organizer, branch, [activist])
    url = f"{URL}{notice.pk}/outcomes/"
    api_client.force_authenticate(other_branch_organizer)
    assert (
        api_client.post(
            url, {"student_number": "2023010201", "outcome": "no_objection"}
        ).status_code
        == 404
    )

    api_client.force_authenticate(branch_organizer)
    no_note = api_client.post(
        url, {"student_number": "2023010201", "outcome": "objection_unresolved"}, format="json"
    )
    assert no_note.status_code == 400 and no_note.json()["code"] == "notice_refused"
    not_on_it = api_client.post(
        url, {"student_number": "2023019999", "outcome": "no_objection"}, format="json"
    )
    assert not_on_it.status_code == 400
    done = api_client.post(
        url,
        {"student_number": "2023010201", "outcome": "objection_unresolved", "note": "正在核实"},
        format="json",
    )
    assert done.status_code == 200
    [entry] = done.json()["entries"]
    assert entry["outcome"] == "objection_unresolved"
    assert entry["record"] != notice.entries.get().record_id  # the correction, not the first


def test_a_person_of_another_branch_is_refused_on_a_branchs_notice(
    api_client, notice_section, branch, other_branch, admin, activist
):
    stranger = person_in(other_branch, "2024020999", "郑洁")
    history(stranger, (records.ACTIVIST_DECISION, datetime.date(2025, 1, 1), {}))
    api_client.force_authenticate(admin)
    response = api_client.post(
        URL,
        payload(branch, student_numbers=["2023010201", "2024020999"]),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400 and "郑洁" in response.json()["detail"]
    assert not PublicNotice.objects.exists()


def test_listing_notices_reads_a_fixed_number_of_queries(
    api_client, notice_section, branch, branch_organizer, activist
):
    api_client.force_authenticate(branch_organizer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(URL).status_code == 200
        return len(captured)

    first = publish_for(branch_organizer, branch, [activist])
    one = queries()
    for n in range(3):
        person = person_in(branch, f"20230105{n:02d}", f"测试{n}")
        history(person, (records.ACTIVIST_DECISION, datetime.date(2025, 1, 1), {}))
        notice = publish_for(branch_organizer, branch, [person])
        record_notice_outcome(
            notice.entries.get(), outcome="no_objection", note="", actor=branch_organizer
        )
    record_notice_outcome(
        first.entries.get(), outcome="objection_unresolved", note="核实中", actor=branch_organizer
    )
    assert len(api_client.get(URL).json()["results"]) == 4
    assert queries() <= one + 1  # one more generation of corrections, not one per notice
