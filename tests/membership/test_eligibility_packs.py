"""Loading and validating rule packs and holiday calendars (pure: files in a temporary folder)."""

import datetime
import textwrap

import pytest

from membership.eligibility.engine import BLOCKING, WARNING
from membership.eligibility.packs import (
    PackError,
    UnknownPack,
    available_packs,
    load_calendar,
    load_pack,
)

BASE = """\
id = "base"
title = "基础规则"

[[checks]]
code = "min_age"
stage = "applicant"
type = "min_age"
label = "年满十八周岁"
severity = "blocking"
article = "第五条"
years = 18

[[checks]]
code = "activist_one_year"
stage = "candidate"
type = "waiting_period"
label = "经过一年以上培养教育和考察"
severity = "blocking"
article = "第十三条"
since = "activist_decision"
months = 12

[[checks]]
code = "talk_within_month"
stage = "activist"
type = "deadline"
label = "一个月内谈话"
severity = "warning"
article = "第七条"
since = "application"
record = "talk"
months = 1
"""

CHILD = """\
id = "child"
title = "本地规则"
extends = "base"
remove = ["talk_within_month"]

[[override]]
code = "min_age"
years = 19
label = "年满十九周岁"
certain = false
note = "测试"

[[checks]]
code = "application_six_months"
stage = "activist"
type = "waiting_period"
label = "递交入党申请书满六个月"
severity = "warning"
article = ""
since = "application"
months = 6
"""

HOLIDAYS = """\
[[years]]
year = 2025
holidays = [{ name = "劳动节", from = 2025-05-01, to = 2025-05-05 }]
workdays = [2025-04-27]
"""


def write(folder, name: str, text: str) -> None:
    (folder / f"{name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def folder(tmp_path):
    """A pack folder of its own per test (the loader caches per folder)."""
    write(tmp_path, "base", BASE)
    write(tmp_path, "child", CHILD)
    return tmp_path


def test_a_pack_loads_its_checks_in_order(folder):
    pack = load_pack("base", directory=folder)
    assert (pack.id, pack.title, pack.extends) == ("base", "基础规则", "")
    assert [c.code for c in pack.checks] == ["min_age", "activist_one_year", "talk_within_month"]
    year = pack.check("activist_one_year")
    assert (year.stage, year.type, year.severity, year.article, year.certain) == (
        "candidate",
        "waiting_period",
        BLOCKING,
        "第十三条",
        True,
    )
    assert dict(year.params) == {"since": "activist_decision", "months": 12}


def test_an_extending_pack_overrides_adds_and_removes_checks(folder):
    pack = load_pack("child", directory=folder)
    assert pack.extends == "base"
    assert [c.code for c in pack.checks] == [
        "min_age",
        "activist_one_year",
        "application_six_months",
    ]
    age = pack.check("min_age")
    assert (age.label, age.params["years"], age.certain, age.note) == (
        "年满十九周岁",
        19,
        False,
        "测试",
    )
    assert age.article == "第五条"  # kept from the parent
    assert pack.check("application_six_months").severity == WARNING
    assert [c.code for c in pack.checks_for("activist")] == ["application_six_months"]
    # The parent is unchanged.
    assert load_pack("base", directory=folder).check("min_age").params["years"] == 18


def test_packs_are_cached_and_read_only(folder):
    pack = load_pack("base", directory=folder)
    assert load_pack("base", directory=folder) is pack
    with pytest.raises(TypeError):
        pack.checks[0].params["years"] = 1  # type: ignore[index]


def test_available_packs_lists_packs_but_not_calendars(folder):
    write(folder, "holidays", HOLIDAYS)
    assert [p.id for p in available_packs(directory=folder)] == ["base", "child"]


@pytest.mark.parametrize("name", ["nothing-here", "../base", "", "Base"])
def test_an_unknown_pack_is_a_clear_error(folder, name):
    with pytest.raises(UnknownPack):
        load_pack(name, directory=folder)


def test_the_shipped_packs_load():
    assert [p.id for p in available_packs()] == ["cpc-2014", "cpc-2026.05", "school"]
    assert load_pack("school").extends == "cpc-2026.05"
    assert load_pack("cpc-2026.05").extends == "cpc-2014"


def test_the_shipped_holiday_calendar_loads():
    calendar = load_calendar("holidays")
    assert calendar.years
    assert all(day.weekday() >= 5 for day in calendar.workdays)
    assert not calendar.holidays & calendar.workdays


# --- Invalid packs ------------------------------------------------------------------------------


def entry(**changes) -> str:
    """A check entry of the base pack's shape, with keys changed or (None) left out."""
    fields = {
        "code": '"min_age"',
        "stage": '"applicant"',
        "type": '"min_age"',
        "label": '"年满十八周岁"',
        "severity": '"blocking"',
        "article": '"第五条"',
        "years": "18",
        **changes,
    }
    lines = [f"{key} = {value}" for key, value in fields.items() if value is not None]
    return "[[checks]]\n" + "\n".join(lines) + "\n"


BROKEN = {
    "not TOML": ('id = "broken"\ntitle = "坏"\n[[checks]\n', "not valid TOML"),
    "unknown key": ('id = "broken"\ntitle = "坏"\nchecks_ = []\n', "unknown keys"),
    "id mismatch": ('id = "other"\ntitle = "坏"\n', "id must be 'broken'"),
    "no title": ('id = "broken"\n', "title is required"),
    "unknown type": (entry(type='"astrology"'), "unknown type 'astrology'"),
    "no article": (entry(article=None), "article is required"),
    "bad stage": (entry(stage='"leader"'), "stage must be one of"),
    "bad severity": (entry(severity='"fatal"'), "severity must be one of"),
    "empty label": (entry(label='" "'), "label is required"),
    "missing parameter": (entry(years=None), "missing parameters ['years']"),
    "unknown parameter": (entry(yeras="18"), "unknown parameters ['yeras']"),
    "wrong parameter type": (entry(years='"18"'), "years must be a whole number"),
    "boolean is not a number": (entry(years="true"), "years must be a whole number"),
    "unknown record kind": (
        entry(type='"waiting_period"', years=None, since='"birthday"', months="12"),
        "since must be a record kind",
    ),
    "min above max": (
        entry(type='"names_count"', years=None, record='"mentors"', min="3", max="2"),
        "min is greater than max",
    ),
    "bad certain": (entry(certain='"yes"'), "certain must be true or false"),
    "bad code": (entry(code='"Min Age"'), "code must be lower_case"),
    "override without extends": (
        '\n[[override]]\ncode = "min_age"\nyears = 19\n',
        "need a pack to extend",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_an_invalid_pack_is_a_clear_error(folder, case):
    text, message = BROKEN[case]
    if not text.startswith("id ="):
        text = 'id = "broken"\ntitle = "坏"\n' + text
    write(folder, "broken", text)
    with pytest.raises(PackError, match=r"broken\.toml") as error:
        load_pack("broken", directory=folder)
    assert message in str(error.value)


EXTENDING = 'id = "broken"\ntitle = "坏"\nextends = "base"\n'

BROKEN_EXTENSIONS = {
    "override of a missing code": (
        '[[override]]\ncode = "nothing"\nyears = 1\n',
        "cannot override 'nothing'",
    ),
    "removal of a missing code": ('remove = ["nothing"]\n', "cannot remove 'nothing'"),
    "new check with an inherited code": (entry(), "'min_age' already exists"),
    "override making the entry invalid": (
        '[[override]]\ncode = "min_age"\ntype = "waiting_period"\n',
        "unknown parameters ['years']",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_EXTENSIONS))
def test_an_invalid_extension_is_a_clear_error(folder, case):
    text, message = BROKEN_EXTENSIONS[case]
    # `remove` is a top-level key: it must come before any table.
    write(folder, "broken", EXTENDING + text)
    with pytest.raises(PackError, match=r"broken\.toml") as error:
        load_pack("broken", directory=folder)
    assert message in str(error.value)


def test_a_removed_check_can_be_added_again(folder):
    write(
        folder,
        "again",
        'id = "again"\ntitle = "再"\nextends = "base"\nremove = ["min_age"]\n' + entry(years="20"),
    )
    pack = load_pack("again", directory=folder)
    assert pack.check("min_age").params["years"] == 20


def test_extending_an_unknown_pack_is_an_error(folder):
    write(folder, "orphan", 'id = "orphan"\ntitle = "孤"\nextends = "nothing"\n')
    with pytest.raises(UnknownPack, match="nothing"):
        load_pack("orphan", directory=folder)


def test_a_cycle_of_extends_is_an_error(folder):
    write(folder, "one", 'id = "one"\ntitle = "一"\nextends = "two"\n')
    write(folder, "two", 'id = "two"\ntitle = "二"\nextends = "one"\n')
    with pytest.raises(PackError, match="cycle: one → two → one"):
        load_pack("one", directory=folder)


# --- Calendars ----------------------------------------------------------------------------------


def test_a_pack_names_its_calendar_and_extending_packs_inherit_it(folder):
    write(folder, "holidays", HOLIDAYS)
    write(folder, "dated", 'id = "dated"\ntitle = "日历"\ncalendar = "holidays"\n')
    write(folder, "inherits", 'id = "inherits"\ntitle = "继承"\nextends = "dated"\n')
    for pack_id in ("dated", "inherits"):
        calendar = load_pack(pack_id, directory=folder).calendar
        assert calendar.years == {2025}
        assert not calendar.is_working_day(datetime.date(2025, 5, 2))
        assert calendar.is_working_day(datetime.date(2025, 4, 27))
    assert load_pack("base", directory=folder).calendar.years == frozenset()  # none named


def test_a_calendar_is_not_a_pack(folder):
    write(folder, "holidays", HOLIDAYS)
    with pytest.raises(PackError, match="holiday calendar, not a rule pack"):
        load_pack("holidays", directory=folder)


BROKEN_CALENDARS = {
    "workday on a weekday": (
        "[[years]]\nyear = 2025\nworkdays = [2025-04-28]\n",
        "not a weekend date",
    ),
    "holiday and workday": (
        '[[years]]\nyear = 2025\nholidays = [{ name = "x", from = 2025-04-26, to = 2025-04-27 }]\n'
        "workdays = [2025-04-27]\n",
        "both holiday and working day",
    ),
    "range backwards": (
        '[[years]]\nyear = 2025\nholidays = [{ name = "x", from = 2025-05-05, to = 2025-05-01 }]\n',
        "from <= to",
    ),
    "holiday in another year": (
        '[[years]]\nyear = 2025\nholidays = [{ name = "x", from = 2026-05-01, to = 2026-05-01 }]\n',
        "is not in 2025",
    ),
    "year twice": ("[[years]]\nyear = 2025\n[[years]]\nyear = 2025\n", "listed twice"),
    "unknown key": ("[[years]]\nyear = 2025\nholiday = []\n", "unknown keys"),
}


@pytest.mark.parametrize("case", list(BROKEN_CALENDARS))
def test_an_invalid_calendar_is_a_clear_error(folder, case):
    text, message = BROKEN_CALENDARS[case]
    write(folder, "broken", text)
    with pytest.raises(PackError, match=r"broken\.toml") as error:
        load_calendar("broken", directory=folder)
    assert message in str(error.value)


def test_an_empty_calendar_file_counts_plain_weekdays(folder):
    write(folder, "empty", "years = []\n")
    calendar = load_calendar("empty", directory=folder)
    assert calendar.is_working_day(datetime.date(2025, 5, 1))
    assert not calendar.is_working_day(datetime.date(2025, 4, 27))
