"""Public notices (公示): publishing writes the notice, each person's record and the page; bad
input changes nothing; what the notice drew is recorded by correcting the person's record."""

import datetime

import pytest
from django.utils import timezone, translation

from cms.models import NoticePage
from membership import records
from membership.models import DevelopmentRecord, NoticeEntry, PublicNotice, Stage
from membership.selectors import current_record, eligibility_of
from membership.services.notices import (
    NoticeRefused,
    default_end,
    record_notice_outcome,
)
from tests.membership.conftest import FEEDBACK, history, person_in, publish_for

D = datetime.date


@pytest.fixture
def second_activist(branch):
    person = person_in(
        branch, "2023010202", "李红", birth_date=D(2004, 11, 3), gender="female", ethnicity="回族"
    )
    history(
        person,
        (records.APPLICATION, D(2024, 5, 20), {}),
        (records.ACTIVIST_DECISION, D(2025, 2, 28), {}),
    )
    return person


@pytest.fixture
def candidate(branch):
    """A development candidate with introducers, ready for the notice before admission."""
    person = person_in(branch, "2022010301", "周立", birth_date=D(2003, 1, 9), gender="male")
    history(
        person,
        (records.APPLICATION, D(2023, 9, 20), {}),
        (records.ACTIVIST_DECISION, D(2024, 3, 1), {}),
        (records.CANDIDATE_DECISION, D(2025, 4, 1), {}),
        (records.INTRODUCERS, D(2025, 4, 2), {"names": ["王立新", "赵海燕"]}),
    )
    assert person.stage == Stage.CANDIDATE
    return person


def counts():
    return (
        PublicNotice.objects.count(),
        NoticeEntry.objects.count(),
        DevelopmentRecord.objects.count(),
        NoticePage.objects.count(),
    )


def test_a_notice_writes_a_record_in_each_file_and_a_page_on_the_site(
    notice_section, branch, branch_organizer, activist, second_activist, client
):
    notice = publish_for(branch_organizer, branch, [activist, second_activist])

    # The school pack asks for seven calendar days before someone becomes a candidate.
    assert (notice.starts_on, notice.ends_on) == (D(2026, 3, 2), D(2026, 3, 8))
    assert notice.title == "测试学院本科生2023级党支部关于拟确定张小明等2名同志为发展对象的公示"
    for person in (activist, second_activist):
        record = NoticeEntry.objects.get(notice=notice, person=person).record
        assert (record.kind, record.occurred_on) == (records.CANDIDATE_NOTICE, D(2026, 3, 2))
        assert record.details == {"ends_on": "2026-03-08", "note": notice.title}
        assert record.recorded_by == branch_organizer

    page = notice.page
    assert page.live and page.get_parent().specific == notice_section
    assert (page.starts_on, page.ends_on, page.feedback) == (
        notice.starts_on,
        notice.ends_on,
        FEEDBACK,
    )
    html = client.get(page.url).content.decode()
    assert "拟确定以下2名同志为发展对象" in html and "（7天）" in html
    assert '<th scope="col"' in html and "出生年月" in html and "申请入党时间" in html
    # 张小明: born 2004-05, applied 2024-06, activist 2025-03; 李红 is 女, 回族.
    assert "2004.05" in html and "2024.06" in html and "2025.03" in html
    assert "李红" in html and "回族" in html and "女" in html
    assert FEEDBACK in html


def test_the_admission_notice_counts_five_working_days_by_the_holiday_calendar(
    notice_section, branch, branch_organizer, candidate, client
):
    # From Wednesday 30 September 2026: 30 Sep, (1–7 Oct holiday) 8, 9, 10 (a working
    # Saturday), and Monday 12 October.
    assert default_end(PublicNotice.Kind.ADMISSION, D(2026, 9, 30)) == D(2026, 10, 12)
    notice = publish_for(
        branch_organizer,
        branch,
        [candidate],
        kind=PublicNotice.Kind.ADMISSION,
        starts_on=D(2026, 9, 30),
    )
    assert notice.ends_on == D(2026, 10, 12)
    assert notice.title == "测试学院本科生2023级党支部关于拟接收周立同志为中共预备党员的公示"
    html = client.get(notice.page.url).content.decode()
    assert "拟接收以下同志为中共预备党员" in html and "（5个工作日）" in html
    assert "入党介绍人" in html and "王立新、赵海燕" in html and "2025.04" in html


def test_an_organizer_may_publish_without_the_page(branch, branch_organizer, activist):
    notice = publish_for(branch_organizer, branch, [activist], on_site=False)
    assert notice.page is None and NoticePage.objects.count() == 0
    assert notice.entries.count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ends_on": D(2026, 3, 7)}, "不少于 7 天，本次为 6 天"),
        ({"ends_on": D(2026, 3, 1)}, "结束日期不能早于开始日期"),
        ({"feedback": "  "}, "反映问题的方式"),
        ({"people": []}, "至少选择一人"),
        ({"starts_on": timezone.localdate() + datetime.timedelta(days=1)}, "不能晚于今天"),
        ({"kind": PublicNotice.Kind.ADMISSION}, "仅限发展对象：张小明 不是"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_changes_nothing(
    notice_section, branch, branch_organizer, activist, change, message
):
    before = counts()
    change = dict(change)
    people = change.pop("people", [activist])
    with translation.override("zh-hans"), pytest.raises(NoticeRefused) as refused:
        publish_for(branch_organizer, branch, people, **change)
    assert message in str(refused.value.detail)
    assert counts() == before


def test_people_outside_the_organization_or_the_organizers_reach_are_refused(
    notice_section, branch, sibling_branch, other_branch, branch_organizer, admin, activist
):
    neighbour = person_in(sibling_branch, "2024010999", "吴桐")
    history(neighbour, (records.ACTIVIST_DECISION, D(2025, 1, 1), {}))
    stranger = person_in(other_branch, "2024020999", "郑洁")
    history(stranger, (records.ACTIVIST_DECISION, D(2025, 1, 1), {}))
    before = counts()
    with translation.override("zh-hans"):
        # Even a school administrator cannot publish, for a branch, someone of another branch.
        with pytest.raises(NoticeRefused) as outside:
            publish_for(admin, branch, [activist, neighbour])
        assert "吴桐" in str(outside.value.detail)
        # An organizer of one branch reaches neither other branches nor their organizations.
        with pytest.raises(NoticeRefused):
            publish_for(branch_organizer, branch, [activist, stranger])
        with pytest.raises(NoticeRefused):
            publish_for(branch_organizer, sibling_branch, [neighbour])
    assert counts() == before


def test_a_person_on_a_running_notice_is_not_put_on_another(
    notice_section, branch, college, branch_organizer, admin, activist, second_activist
):
    publish_for(branch_organizer, branch, [activist])
    before = counts()
    with translation.override("zh-hans"), pytest.raises(NoticeRefused) as refused:
        publish_for(admin, college, [second_activist, activist], starts_on=D(2026, 3, 5))
    assert "张小明 已在" in str(refused.value.detail) and "2026-03-08" in str(refused.value.detail)
    assert counts() == before
    # Once that notice has ended, a new one may list the person again.
    again = publish_for(admin, college, [second_activist, activist], starts_on=D(2026, 3, 9))
    assert again.entries.count() == 2


def test_without_a_notices_section_on_the_site_nothing_is_published(
    branch, branch_organizer, activist
):
    before = counts()
    with translation.override("zh-hans"), pytest.raises(NoticeRefused) as refused:
        publish_for(branch_organizer, branch, [activist])
    assert "公示栏目" in str(refused.value.detail)
    assert counts() == before


def admission_check(person, on):
    result = eligibility_of(person, on=on, pack_id="cpc-2014")
    return next(check for check in result.checks if check.code == "admission_notice")


def test_what_the_notice_drew_decides_the_admission_gate(
    notice_section, branch, branch_organizer, candidate
):
    notice = publish_for(
        branch_organizer,
        branch,
        [candidate],
        kind=PublicNotice.Kind.ADMISSION,
        starts_on=D(2026, 3, 2),
    )
    entry = notice.entries.get()
    assert notice.ends_on == D(2026, 3, 6)  # Monday to Friday
    running = admission_check(candidate, D(2026, 3, 6))
    assert not running.met and running.due_on == D(2026, 3, 7)
    assert admission_check(candidate, D(2026, 3, 7)).met  # no objection on file: none was made

    record_notice_outcome(
        entry,
        outcome="objection_unresolved",
        note="有群众反映其学业问题，正在核实",
        actor=branch_organizer,
    )
    held = admission_check(candidate, D(2026, 3, 9))
    assert not held.met and "有异议，尚未解决" in held.evidence

    resolved = record_notice_outcome(
        entry, outcome="objection_resolved", note="经核实，反映问题不属实", actor=branch_organizer
    )
    assert admission_check(candidate, D(2026, 3, 9)).met
    # Every step stays in the file: the first record, corrected twice.
    chain = DevelopmentRecord.objects.filter(person=candidate, kind=records.ADMISSION_NOTICE)
    assert chain.count() == 3
    assert current_record(entry) == resolved
    assert resolved.details["outcome"] == "objection_resolved"
    assert resolved.correction_reason == "有异议，已查清：经核实，反映问题不属实"
    assert resolved.supersedes.details["outcome"] == "objection_unresolved"


def test_an_objection_is_recorded_with_what_was_raised(
    notice_section, branch, branch_organizer, activist
):
    entry = publish_for(branch_organizer, branch, [activist]).entries.get()
    with translation.override("zh-hans"):
        with pytest.raises(NoticeRefused) as refused:
            record_notice_outcome(
                entry, outcome="objection_unresolved", note=" ", actor=branch_organizer
            )
        assert "反映" in str(refused.value.detail)
        with pytest.raises(NoticeRefused):
            record_notice_outcome(entry, outcome="maybe", note="", actor=branch_organizer)
    assert current_record(entry) == entry.record
    plain = record_notice_outcome(entry, outcome="no_objection", note="", actor=branch_organizer)
    assert plain.details["outcome"] == "no_objection"
