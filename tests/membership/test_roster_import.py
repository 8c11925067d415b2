"""Importing a roster: all or nothing, every error by row and column, re-import changes nothing."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from membership import records
from membership.models import DevelopmentRecord, Person, Stage
from membership.roster import HEADERS
from membership.services.roster import import_roster

pytestmark = pytest.mark.usefixtures("in_english")

ROWS = [
    {
        "学号": "2023990001",
        "姓名": "林一",
        "性别": "女",
        "出生日期": "2005-03-01",
        "所在党支部": "测试学院本科生2023级党支部",
        "是否团员": "是",
        "申请入党日期": "2023/10/8",
        "推优日期": "2024年3月1日",
        "确定积极分子日期": "2024-05-10",
        "培养联系人": "王立新、赵海燕",
        "考察日期": "2024-11-05；2025-05-06",
        "积极分子培训结业日期": "2024-12-20",
        "确定发展对象日期": "2025-06-20",
        "入党介绍人": "王立新;赵海燕",
        "政审日期": "2025-07-10",
    },
    {
        "学号": "2023990002",
        "姓名": "林二",
        "性别": "男",
        "出生日期": "2005-06-01",
        "所在党支部": "测试学院本科生2023级党支部",
        "是否团员": "否",
        "申请入党日期": "2025-09-01",
    },
]


def csv_bytes(rows, encoding="utf-8") -> bytes:
    lines = [",".join(HEADERS)]
    for row in rows:
        lines.append(",".join(f'"{row.get(h, "")}"' for h in HEADERS))
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    headers = list(reversed(HEADERS))  # any order
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) or None for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_roster_creates_people_with_their_records(branch, branch_organizer):
    result = import_roster("roster.xlsx", xlsx_bytes(ROWS), actor=branch_organizer)
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    lin = Person.objects.get(user__username="2023990001")
    assert lin.stage == Stage.CANDIDATE and lin.user.full_name == "林一" and lin.is_league_member
    kinds = list(lin.records.order_by("occurred_on", "pk").values_list("kind", flat=True))
    for kind in [
        records.APPLICATION,
        records.LEAGUE_RECOMMENDATION,
        records.ACTIVIST_DECISION,
        records.MENTORS,
        records.ASSESSMENT,
        records.TRAINING,
        records.CANDIDATE_DECISION,
        records.INTRODUCERS,
        records.POLITICAL_REVIEW,
    ]:
        assert kind in kinds
    assert lin.records.filter(kind=records.ASSESSMENT).count() == 2
    assert set(lin.records.values_list("source", flat=True)) == {DevelopmentRecord.Source.IMPORTED}
    assert lin.stage_changes.filter(override_reason__icontains="roster").count() == 3


def test_re_importing_the_same_file_changes_nothing(branch, branch_organizer):
    import_roster("roster.xlsx", xlsx_bytes(ROWS), actor=branch_organizer)
    before = DevelopmentRecord.objects.count()
    again = import_roster("roster.xlsx", xlsx_bytes(ROWS), actor=branch_organizer)
    assert (again.created, again.updated, again.errors) == (0, 0, [])
    assert DevelopmentRecord.objects.count() == before


def test_a_later_roster_adds_what_is_new_and_counts_the_person_as_updated(branch, branch_organizer):
    import_roster("roster.xlsx", xlsx_bytes(ROWS), actor=branch_organizer)
    later = [dict(ROWS[1], **{"推优日期": "2025-10-20"})]
    result = import_roster("roster.xlsx", xlsx_bytes(later), actor=branch_organizer)
    assert (result.created, result.updated) == (0, 1)
    assert (
        Person.objects.get(user__username="2023990002")
        .records.filter(kind=records.LEAGUE_RECOMMENDATION)
        .exists()
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030(branch, branch_organizer, encoding):
    result = import_roster("roster.csv", csv_bytes(ROWS, encoding), actor=branch_organizer)
    assert result.errors == [] and result.created == 2


def test_a_dry_run_saves_nothing_but_says_what_would_happen(branch, branch_organizer):
    result = import_roster("roster.csv", csv_bytes(ROWS), actor=branch_organizer, dry_run=True)
    assert (result.created, result.updated) == (2, 0)
    assert not Person.objects.exists() and not DevelopmentRecord.objects.exists()


def test_any_error_imports_nothing_and_every_error_has_its_row_and_column(
    branch, branch_organizer, sibling_branch
):
    rows = [
        ROWS[0],
        dict(ROWS[1], **{"所在党支部": "不存在的支部"}),
        {
            "学号": "2023990003",
            "姓名": "林三",
            "所在党支部": "测试学院本科生2024级党支部",
            "申请入党日期": "2999-01-01",
        },
        {
            "学号": "2023990004",
            "姓名": "林四",
            "所在党支部": "测试学院本科生2023级党支部",
            "申请入党日期": "2024-13-45",
        },
    ]
    result = import_roster("roster.csv", csv_bytes(rows), actor=branch_organizer)
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "所在党支部") in found  # no such branch
    assert (4, "所在党支部") in found  # a branch the organizer does not manage
    assert (4, "申请入党日期") in found  # in the future
    assert (5, "申请入党日期") in found  # not a date
    assert not Person.objects.exists()


def test_a_date_that_contradicts_the_file_is_an_error_not_an_overwrite(branch, branch_organizer):
    import_roster("roster.csv", csv_bytes(ROWS), actor=branch_organizer)
    changed = [dict(ROWS[1], **{"申请入党日期": "2025-09-15"})]
    result = import_roster("roster.csv", csv_bytes(changed), actor=branch_organizer)
    assert [(e.row, e.column) for e in result.errors] == [(2, "申请入党日期")]
    assert (
        Person.objects.get(user__username="2023990002")
        .records.get(kind=records.APPLICATION)
        .occurred_on.day
        == 1
    )


def test_unknown_columns_are_reported(branch, branch_organizer):
    data = csv_bytes(ROWS).replace("学号,".encode(), "学号,备注,".encode(), 1)
    result = import_roster("roster.csv", data, actor=branch_organizer, dry_run=True)
    assert "备注" in result.unknown_columns


def test_the_import_api(api_client, branch, branch_organizer):
    api_client.force_authenticate(branch_organizer)
    upload = io.BytesIO(csv_bytes(ROWS))
    upload.name = "roster.csv"
    response = api_client.post(
        "/api/v1/people/import/", {"file": upload, "dry_run": "true"}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json() == {"created": 2, "updated": 0, "errors": [], "unknown_columns": []}
    assert not Person.objects.exists()

    bad = io.BytesIO(csv_bytes([dict(ROWS[0], **{"出生日期": "昨天"})]))
    bad.name = "roster.csv"
    body = api_client.post("/api/v1/people/import/", {"file": bad}, format="multipart").json()
    assert (
        body["errors"]
        and body["errors"][0]["row"] == 2
        and body["errors"][0]["column"] == "出生日期"
    )


def test_the_import_command(tmp_path, branch, admin):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(ROWS))
    call_command("import_roster", str(path), "--dry-run", "--as", "admin", verbosity=0)
    assert not Person.objects.exists()
    call_command("import_roster", str(path), "--as", "admin", verbosity=0)
    assert Person.objects.count() == 2
    path.write_bytes(csv_bytes([dict(ROWS[0], **{"所在党支部": "无"})]))
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--as", "admin", verbosity=0)
