"""我的发展: the learner's own file, the next stage's checks and who acts on each."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import Action, AuditEvent
from membership import records
from membership.models import DevelopmentRecord
from membership.services import correct_record
from tests.membership.conftest import history, person_in
from tests.membership.test_eligibility_api import certificate_for
from tests.pages import build_site

URL = "/learning/development/"
D = datetime.date


def page_text(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def test_the_training_check_is_met_by_the_certificate_and_links_to_it(client, activist):
    site = build_site()
    certificate = certificate_for(activist.user, site.course, completed_on=D(2025, 7, 1))
    client.force_login(activist.user)
    html = client.get(URL).content.decode()
    assert f'href="/verify/{certificate.serial}/"' in html
    text = page_text(client)
    assert "下一阶段：发展对象" in text
    assert f"结业证书 {certificate.serial}" in text


def test_without_the_training_the_learner_is_sent_to_study(client, activist):
    client.force_login(activist.user)
    html = client.get(URL).content.decode()
    training = html[html.index('data-code="activist_training"') :]
    training = training[: training.index("</li>")]
    assert "未满足" in training
    assert "需要你完成" in training and 'href="/learning/"' in training


def test_a_waiting_period_says_the_day_it_is_met(client, branch):
    person = person_in(branch, "2025010301", "李四", birth_date=D(2005, 1, 1))
    decided = timezone.localdate() - datetime.timedelta(days=30)
    history(
        person,
        (records.APPLICATION, decided - datetime.timedelta(days=200), {}),
        (records.ACTIVIST_DECISION, decided, {}),
    )
    client.force_login(person.user)
    text = page_text(client)
    ends = decided.replace(year=decided.year + 1)
    assert f"将于 {ends:%Y-%m-%d} 自动满足" in text
    # Records the branch must make name the branch.
    assert f"由你所在的党组织（{branch.name}）办理" in text


def test_the_timeline_shows_corrections_as_corrections_and_no_notes(client, activist, admin):
    assessment = activist.records.filter(kind=records.ASSESSMENT).first()
    correct_record(
        assessment,
        occurred_on=assessment.occurred_on,
        details={"note": "政审材料：其父亲的情况另行核实"},
        actor=admin,
        reason="日期登记有误",
    )
    client.force_login(activist.user)
    html = client.get(URL).content.decode()
    assert html.count("timeline__item--corrected") == 1
    assert "更正理由：日期登记有误" in html
    # The branch's working notes stay with the branch.
    assert "政审材料" not in html
    assert "王立新、赵海燕" in html  # the mentors' names are the learner's to know


def test_a_learner_sees_only_their_own_file(client, activist, branch):
    other = person_in(branch, "2023010299", "王五", birth_date=D(2004, 1, 1))
    history(other, (records.APPLICATION, D(2026, 1, 5), {"note": ""}))
    client.force_login(other.user)
    text = page_text(client)
    assert "2026-01-05" in text
    assert "王立新" not in text and "张小明" not in text
    # There is no id to change: any query string still shows the signed-in person's own file.
    assert "王立新" not in strip_tags(
        client.get(URL, {"person": activist.pk, "pk": activist.pk}).content.decode()
    )


def test_someone_without_a_file_is_told_how_one_begins(client, learner):
    client.force_login(learner)
    assert "你还没有发展档案" in page_text(client)


def test_the_page_asks_for_a_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_opening_it_is_in_the_audit_log(client, activist):
    client.force_login(activist.user)
    client.get(URL)
    event = AuditEvent.objects.get(action=Action.PERSON_READ)
    assert event.actor == activist.user and event.details["view"] == "own"


def test_the_page_reads_the_file_in_a_bounded_number_of_queries(
    client, activist, django_assert_max_num_queries
):
    for day in range(1, 29):
        DevelopmentRecord.objects.create(
            person=activist, kind=records.THOUGHT_REPORT, occurred_on=D(2024, 2, day)
        )
    client.force_login(activist.user)
    client.get(URL)
    with django_assert_max_num_queries(20):
        client.get(URL)


@pytest.mark.usefixtures("in_english")
def test_in_english_the_page_speaks_english(client, activist):
    client.cookies["school_language"] = "en"
    client.force_login(activist.user)
    text = page_text(client)
    assert "Towards the next stage: Development candidate" in text
    assert "Up to you:" in text and "下一阶段" not in text
