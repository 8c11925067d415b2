"""The organizers' pages in the Wagtail admin: the file, records, stage changes, roster, lists."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from membership import records
from membership.models import DevelopmentRecord, Person, Stage, StageChange
from membership.services import add_record
from tests.membership.conftest import history, person_in
from tests.membership.test_roster_import import ROWS, csv_bytes

D = datetime.date


@pytest.fixture
def organizer_client(client, branch_organizer):
    client.force_login(branch_organizer)
    return client


def test_the_file_shows_the_records_and_the_next_gate_in_chinese(organizer_client, activist):
    page = organizer_client.get(reverse("people:inspect", args=[activist.pk]) + "?on=2026-03-20")
    text = page.content.decode()
    assert page.status_code == 200
    assert "张小明" in text and "确定为入党积极分子" in text and "2025-08-30" in text
    # The school pack asks for the party-school training, which is not on file.
    assert "入党积极分子培训" in text and "尚不具备条件" in text
    assert "下一阶段: 发展对象" in text
    assert "王立新、赵海燕" in text and "至 2026-03-10；无异议" in text  # details, for people


def test_an_organizer_adds_a_record_and_bad_input_changes_nothing(organizer_client, activist):
    url = reverse("people:add_record", args=[activist.pk])
    before = DevelopmentRecord.objects.count()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    refused = organizer_client.post(url, {"kind": records.THOUGHT_REPORT, "occurred_on": future})
    assert refused.status_code == 200 and "晚于今天" in refused.content.decode()
    assert DevelopmentRecord.objects.count() == before
    done = organizer_client.post(
        url, {"kind": records.THOUGHT_REPORT, "occurred_on": "2026-05-15", "title": "学习体会"}
    )
    assert done.status_code == 302
    report = DevelopmentRecord.objects.get(person=activist, occurred_on=D(2026, 5, 15))
    assert report.details == {"title": "学习体会"}


def test_a_correction_needs_a_reason_and_keeps_the_old_record(organizer_client, activist):
    old = DevelopmentRecord.objects.get(
        person=activist, kind=records.ASSESSMENT, occurred_on=D(2025, 8, 30)
    )
    url = reverse("people:correct_record", args=[activist.pk, old.pk])
    no_reason = organizer_client.post(url, {"kind": old.kind, "occurred_on": "2025-08-29"})
    assert (
        no_reason.status_code == 200
        and not DevelopmentRecord.objects.filter(supersedes=old).exists()
    )
    organizer_client.post(
        url, {"kind": old.kind, "occurred_on": "2025-08-29", "reason": "会议记录日期有误"}
    )
    new = DevelopmentRecord.objects.get(supersedes=old)
    assert (new.occurred_on, new.correction_reason) == (D(2025, 8, 29), "会议记录日期有误")
    assert DevelopmentRecord.objects.filter(pk=old.pk).exists()


def test_the_move_is_refused_with_the_unmet_checks_and_an_organizer_cannot_override(
    organizer_client, activist
):
    url = reverse("people:stage_change", args=[activist.pk])
    page = organizer_client.post(url, {"effective_on": "2026-03-20", "override_reason": "特殊情况"})
    assert page.status_code == 200
    assert "入党积极分子培训" in page.content.decode()
    assert not StageChange.objects.filter(person=activist, to_stage=Stage.CANDIDATE).exists()


def test_with_the_training_on_record_the_move_is_made(organizer_client, activist, admin):
    add_record(
        activist,
        kind=records.TRAINING,
        occurred_on=D(2025, 7, 1),
        details={"audience": "activist", "hours": "32", "grade": "80"},
        actor=admin,
    )
    response = organizer_client.post(
        reverse("people:stage_change", args=[activist.pk]),
        {"effective_on": "2026-03-20", "basis": "支部委员会会议"},
    )
    assert response.status_code == 302
    activist.refresh_from_db()
    assert activist.stage == Stage.CANDIDATE


def test_the_roster_preview_lists_the_errors_and_importing_needs_a_clean_file(
    organizer_client, branch
):
    url = reverse("people:roster")
    bad = csv_bytes([dict(ROWS[0], **{"申请入党日期": "2024-13-45"})])
    preview = organizer_client.post(url, {"file": _upload("roster.csv", bad)})
    assert "2024-13-45" in preview.content.decode() and not Person.objects.exists()
    good = organizer_client.post(url, {"file": _upload("roster.csv", csv_bytes(ROWS))})
    assert good.status_code == 200 and not Person.objects.exists()  # a preview saves nothing
    token = good.context["token"]
    organizer_client.post(url, {"token": token})
    assert Person.objects.count() == len(ROWS)
    # The preview's file is gone once imported: posting the token again imports nothing more.
    again = organizer_client.post(url, {"token": token})
    assert again.status_code == 302 and Person.objects.count() == len(ROWS)


def test_the_roster_template_downloads_with_the_contract_headers(organizer_client, branch):
    response = organizer_client.get(reverse("people:roster_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["学号", "姓名", "性别"] and "转正日期" in headers


def test_the_screening_lists_only_the_organizers_people(
    client, organizer_client, activist, other_branch, admin
):
    # Someone in another branch with the very same file is on the same list — for the committee.
    outsider = person_in(
        other_branch,
        "2023999999",
        "外支部人员",
        birth_date=activist.birth_date,
        is_league_member=True,
    )
    history(
        outsider,
        *[
            (r.kind, r.occurred_on, r.details)
            for r in activist.records.order_by("occurred_on", "pk")
        ],
    )
    query = {"which": "missing_only_training", "on": "2026-03-20"}
    text = organizer_client.get(reverse("people:screening"), query).content.decode()
    assert "张小明" in text and "外支部人员" not in text
    assert "入党积极分子培训" in text  # the unmet check is named
    client.force_login(admin)
    text = client.get(reverse("people:screening"), query).content.decode()
    assert "张小明" in text and "外支部人员" in text


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_the_dossier_downloads(organizer_client, activist, kind):
    response = organizer_client.get(reverse("people:dossier", args=[activist.pk, kind]))
    assert response.status_code == 200
    assert response.content[:4] in (b"PK\x03\x04", b"%PDF")


def test_an_unknown_dossier_format_is_404(organizer_client, activist):
    assert (
        organizer_client.get(reverse("people:dossier", args=[activist.pk, "doc"])).status_code
        == 404
    )


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")
