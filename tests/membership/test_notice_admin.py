"""The organizers' public-notice pages: publish from the screening list, see who is on a notice,
record what it drew — within their own organizations."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from membership import records
from membership.models import DevelopmentRecord, PublicNotice
from tests.membership.conftest import FEEDBACK, history, person_in, publish_for

D = datetime.date


@pytest.fixture
def organizer_client(client, branch_organizer):
    client.force_login(branch_organizer)
    return client


def test_an_organizer_publishes_a_notice_from_the_form(
    organizer_client, notice_section, branch, activist
):
    page = organizer_client.get(
        reverse("notices:publish") + "?number=2023010201&kind=candidate_notice"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "2023010201" in text and "发布公示" in text
    assert "拟确定发展对象公示 7 天" in text  # the school pack's period, said before publishing
    # The date picker gets today as YYYY-MM-DD (in the language's format it would show empty).
    assert f'type="date" name="starts_on" value="{timezone.localdate().isoformat()}"' in text

    response = organizer_client.post(
        reverse("notices:publish"),
        {
            "kind": "candidate_notice",
            "organization": branch.pk,
            "numbers": "2023010201",
            "starts_on": "2026-03-02",
            "feedback": FEEDBACK,
            "on_site": "on",
        },
    )
    notice = PublicNotice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("notices:inspect", args=[notice.pk])
    assert notice.ends_on == D(2026, 3, 8) and notice.page.live

    shown = organizer_client.get(response.url).content.decode()
    assert "张小明" in shown and "登记公示结果" in shown and "打开网站上的公示页面" in shown
    listing = organizer_client.get(reverse("notices:index")).content.decode()
    assert notice.title in listing


def test_a_number_outside_the_organizers_reach_is_refused_and_nothing_is_published(
    organizer_client, notice_section, branch, other_branch, activist
):
    stranger = person_in(other_branch, "2024020999", "郑洁")
    history(stranger, (records.ACTIVIST_DECISION, D(2025, 1, 1), {}))
    response = organizer_client.post(
        reverse("notices:publish"),
        {
            "kind": "candidate_notice",
            "organization": branch.pk,
            "numbers": "2023010201、2024020999，9999",
            "starts_on": "2026-03-02",
            "feedback": FEEDBACK,
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "没有学号/工号为 2024020999、9999 的人员" in text
    assert not PublicNotice.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_form(
    organizer_client, notice_section, branch, activist
):
    response = organizer_client.post(
        reverse("notices:publish"),
        {
            "kind": "admission_notice",
            "organization": branch.pk,
            "numbers": "2023010201",
            "starts_on": "2026-03-02",
            "feedback": FEEDBACK,
        },
    )
    assert response.status_code == 200
    assert "本公示仅限发展对象：张小明 不是" in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_the_outcome_is_recorded_from_the_notice_page(
    organizer_client, notice_section, branch, branch_organizer, activist
):
    notice = publish_for(branch_organizer, branch, [activist])
    entry = notice.entries.get()
    url = reverse("notices:outcome", args=[notice.pk, entry.pk])
    refused = organizer_client.post(url, {"outcome": "objection_unresolved", "note": ""})
    assert refused.status_code == 200 and "请说明反映的问题" in refused.content.decode()
    assert not DevelopmentRecord.objects.filter(supersedes=entry.record).exists()

    done = organizer_client.post(url, {"outcome": "objection_unresolved", "note": "正在核实"})
    assert done.status_code == 302
    corrected = DevelopmentRecord.objects.get(supersedes=entry.record)
    assert corrected.details["outcome"] == "objection_unresolved"
    shown = organizer_client.get(reverse("notices:inspect", args=[notice.pk])).content.decode()
    assert "正在核实" in shown
    # The person's file lists the notice with what it drew.
    file_page = organizer_client.get(reverse("people:inspect", args=[activist.pk])).content.decode()
    assert notice.title in file_page and "有异议，未查清" in file_page


def test_another_branchs_organizer_sees_none_of_it(
    client, notice_section, branch, branch_organizer, other_branch_organizer, activist
):
    notice = publish_for(branch_organizer, branch, [activist])
    entry = notice.entries.get()
    client.force_login(other_branch_organizer)
    assert client.get(reverse("notices:inspect", args=[notice.pk])).status_code == 404
    url = reverse("notices:outcome", args=[notice.pk, entry.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "no_objection"}).status_code == 404
    assert notice.title not in client.get(reverse("notices:index")).content.decode()
    assert not DevelopmentRecord.objects.filter(supersedes=entry.record).exists()


def test_the_screening_list_offers_a_notice_for_the_ticked_people(organizer_client, activist):
    page = organizer_client.get(
        reverse("people:screening") + "?which=missing_only_training&on=2026-03-20&stage=activist"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="number" value="2023010201"' in text
    assert reverse("notices:publish") in text and "为勾选的人员发布公示" in text
    from_candidates = organizer_client.get(
        reverse("people:screening") + "?which=eligible&on=2026-03-20&stage=candidate"
    )
    assert from_candidates.context["notice_kind"] == PublicNotice.Kind.ADMISSION


def test_the_projects_own_admin_pages_are_headed_with_their_title(organizer_client):
    """Not with Wagtail's bare "Home" breadcrumb."""
    for url, title in (
        (reverse("people:screening"), "条件筛查"),
        (reverse("notices:publish"), "发布公示"),
        (reverse("people:roster"), "导入台账"),
    ):
        html = organizer_client.get(url).content.decode()
        headings = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert [re.sub(r"<[^>]+>|\s+", "", h) for h in headings] == [title], url
