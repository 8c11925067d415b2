"""Rule packs: the versioned TOML files of `membership/rulepacks/`, loaded and validated.

A pack file:

    id = "cpc-2026.05"            # the file's name without .toml
    title = "…"                   # Chinese, for people
    extends = "cpc-2014"          # optional: start from another pack's checks
    calendar = "holidays"         # optional: the holiday calendar file (inherited when extending)
    source = "…"                  # optional: where the rules come from
    remove = ["code", …]          # optional, extending packs only: drop inherited checks

    [[checks]]                    # a new check (its code must not be inherited)
    code = "activist_one_year"
    stage = "candidate"           # the stage the gate leads to (facts.STAGES)
    type = "waiting_period"       # a key of engine.CHECK_TYPES
    label = "经过一年以上培养教育和考察"
    severity = "blocking"         # or "warning": warnings never block
    article = "第十三条"          # required; "" for local practice
    certain = true                # optional (true): false where the rule or article is unconfirmed
    note = "…"                    # optional: sources, why it is uncertain
    changed = "…"                 # optional: what a revision changed
    since = "activist_decision"   # … and the type's parameters
    months = 12

    [[override]]                  # extending packs only: change keys of an inherited check
    code = "candidate_notice"
    period = 7
    unit = "days"

In an extending pack, `remove` applies first, then `override`, then `checks`. Every mistake is
a PackError naming the file and the check: an unknown key, type or record kind, a missing or
wrongly typed parameter, an override or removal of a code the parent does not have, a cycle
of `extends`. A file with a top-level `years` array is a holiday calendar, not a pack.

Packs are cached per process: they are read once and never change while the site runs.
"""

import datetime
import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from membership.eligibility.dates import EMPTY_CALENDAR, WorkCalendar
from membership.eligibility.engine import (
    CHECK_TYPES,
    ENTRY_KEYS,
    PARAM_KINDS,
    SEVERITIES,
    CheckSpec,
    RulePack,
)
from membership.eligibility.facts import STAGES

__all__ = ["PackError", "RulePack", "UnknownPack", "available_packs", "load_calendar", "load_pack"]

RULEPACKS_DIR = Path(__file__).resolve().parent.parent / "rulepacks"

PACK_KEYS = {"id", "title", "extends", "calendar", "source", "remove", "checks", "override"}
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")  # pack and calendar names: no paths
CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class PackError(Exception):
    """A rule pack or calendar file is invalid."""


class UnknownPack(PackError):
    """No rule pack (or calendar) of that name."""


def load_pack(pack_id: str, *, directory: Path | None = None) -> RulePack:
    """The pack `pack_id`, with the packs it extends merged in and its calendar loaded.

    Raises UnknownPack when there is no such file, PackError when it (or a pack it extends, or
    its calendar) is invalid. Cached: the same RulePack (immutable) is returned every time.
    """
    return _load_cached(pack_id, (directory or RULEPACKS_DIR).resolve())


def available_packs(*, directory: Path | None = None) -> list[RulePack]:
    """Every rule pack of the directory, by id. An invalid pack raises rather than hides."""
    folder = (directory or RULEPACKS_DIR).resolve()
    found = []
    for path in sorted(folder.glob("*.toml")):
        if "years" not in _read(path):  # a holiday calendar
            found.append(load_pack(path.stem, directory=folder))
    return found


def load_calendar(name: str, *, directory: Path | None = None) -> WorkCalendar:
    """The holiday calendar `name` (e.g. "holidays"). Cached like the packs."""
    return _calendar_cached(name, (directory or RULEPACKS_DIR).resolve())


# --- Files --------------------------------------------------------------------------------------


def _path(name: str, directory: Path, what: str) -> Path:
    if not isinstance(name, str) or not NAME.match(name):
        raise UnknownPack(f"Not a {what} name: {name!r}")
    path = directory / f"{name}.toml"
    if not path.is_file():
        raise UnknownPack(f"Unknown {what} {name!r}: there is no {path}")
    return path


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"{path}: not valid TOML: {error}") from error


# --- Packs --------------------------------------------------------------------------------------


@functools.cache
def _load_cached(pack_id: str, directory: Path) -> RulePack:
    return _build(pack_id, directory, chain=())


def _build(pack_id: str, directory: Path, chain: tuple[str, ...]) -> RulePack:
    if pack_id in chain:
        raise PackError(f"Rule packs extend each other in a cycle: {' → '.join([*chain, pack_id])}")
    path = _path(pack_id, directory, "rule pack")
    data = _read(path)
    if "years" in data:
        raise PackError(f"{path}: this is a holiday calendar, not a rule pack")
    unknown = set(data) - PACK_KEYS
    if unknown:
        raise PackError(f"{path}: unknown keys {sorted(unknown)}; allowed: {sorted(PACK_KEYS)}")
    if data.get("id") != pack_id:
        raise PackError(f"{path}: id must be {pack_id!r} (the file's name), not {data.get('id')!r}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PackError(f"{path}: title is required")
    source = data.get("source", "")
    if not isinstance(source, str):
        raise PackError(f"{path}: source must be text")

    parent_id = data.get("extends", "")
    if parent_id:
        parent = _build(parent_id, directory, (*chain, pack_id))
        entries = {spec.code: spec.entry() for spec in parent.checks}
        calendar = parent.calendar
    else:
        if "remove" in data or "override" in data:
            raise PackError(f"{path}: remove and override need a pack to extend")
        entries = {}
        calendar = EMPTY_CALENDAR
    if "calendar" in data:
        calendar = load_calendar(_text(data, "calendar", path), directory=directory)

    removals = data.get("remove", [])
    if not isinstance(removals, list) or not all(isinstance(c, str) for c in removals):
        raise PackError(f"{path}: remove must be a list of check codes")
    for code in removals:
        if code not in entries:
            raise PackError(f"{path}: cannot remove {code!r}: {parent_id} has no such check")
        del entries[code]

    for override in _tables(data, "override", path):
        code = override.get("code")
        if not isinstance(code, str) or code not in entries:
            raise PackError(f"{path}: cannot override {code!r}: {parent_id} has no such check")
        entries[code] = {**entries[code], **override}

    for entry in _tables(data, "checks", path):
        code = entry.get("code")
        if not isinstance(code, str):
            raise PackError(f"{path}: every check needs a code")
        if code in entries:
            raise PackError(
                f"{path}: check {code!r} already exists; change it with [[override]] instead"
            )
        entries[code] = dict(entry)

    checks = tuple(_spec(entry, f"{path}: check {code!r}") for code, entry in entries.items())
    return RulePack(
        id=pack_id,
        title=title.strip(),
        checks=checks,
        calendar=calendar,
        extends=parent_id,
        source=source,
    )


def _text(data: Mapping[str, Any], key: str, path: Path) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise PackError(f"{path}: {key} must be a non-empty text")
    return value


def _tables(data: Mapping[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    tables = data.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise PackError(f"{path}: {key} must be an array of tables ([[{key}]])")
    return tables


def _spec(entry: Mapping[str, Any], where: str) -> CheckSpec:
    """A validated CheckSpec from a merged pack entry."""
    code = entry.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise PackError(f"{where}: code must be lower_case_with_underscores")
    for key in ("stage", "type", "label", "severity", "article"):
        if key not in entry:
            raise PackError(f'{where}: {key} is required (article may be "" for local practice)')
        if not isinstance(entry[key], str):
            raise PackError(f"{where}: {key} must be text")
    if entry["stage"] not in STAGES:
        raise PackError(f"{where}: stage must be one of {', '.join(STAGES)}")
    if entry["severity"] not in SEVERITIES:
        raise PackError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    if not entry["label"].strip():
        raise PackError(f"{where}: label is required")
    certain = entry.get("certain", True)
    if not isinstance(certain, bool):
        raise PackError(f"{where}: certain must be true or false")
    for key in ("note", "changed"):
        if not isinstance(entry.get(key, ""), str):
            raise PackError(f"{where}: {key} must be text")
    check_type = CHECK_TYPES.get(entry["type"])
    if check_type is None:
        raise PackError(
            f"{where}: unknown type {entry['type']!r}; known: {', '.join(sorted(CHECK_TYPES))}"
        )

    params = {key: value for key, value in entry.items() if key not in ENTRY_KEYS}
    allowed = {**check_type.required, **check_type.optional}
    unknown = set(params) - set(allowed)
    if unknown:
        raise PackError(
            f"{where}: unknown parameters {sorted(unknown)} for type {entry['type']!r}; "
            f"allowed: {sorted(allowed)}"
        )
    missing = set(check_type.required) - set(params)
    if missing:
        raise PackError(f"{where}: missing parameters {sorted(missing)}")
    for key, value in params.items():
        is_valid, description = PARAM_KINDS[allowed[key]]
        if not is_valid(value):
            raise PackError(f"{where}: {key} must be {description}, not {value!r}")
    for low, high in (("min", "max"), ("min_months", "max_months")):
        if low in params and high in params and params[low] > params[high]:
            raise PackError(f"{where}: {low} is greater than {high}")

    return CheckSpec(
        code=code,
        stage=entry["stage"],
        type=entry["type"],
        label=entry["label"].strip(),
        severity=entry["severity"],
        article=entry["article"].strip(),
        certain=certain,
        # Read-only, and lists as tuples: a cached pack is shared by every request.
        params=MappingProxyType(
            {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
        ),
        note=entry.get("note", ""),
        changed=entry.get("changed", ""),
    )


# --- Holiday calendars --------------------------------------------------------------------------

YEAR_KEYS = {"year", "source", "holidays", "workdays"}


def _is_date(value: Any) -> TypeGuard[datetime.date]:
    # tomllib reads 2025-01-01 as a date and 2025-01-01T00:00 as a datetime (a date subclass).
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


@functools.cache
def _calendar_cached(name: str, directory: Path) -> WorkCalendar:
    path = _path(name, directory, "holiday calendar")
    data = _read(path)
    years = data.get("years")
    if set(data) - {"years"} or not isinstance(years, list):
        raise PackError(f"{path}: a holiday calendar holds only [[years]] tables")
    holidays: set[datetime.date] = set()
    workdays: set[datetime.date] = set()
    covered: set[int] = set()
    for table in years:
        year = table.get("year") if isinstance(table, dict) else None
        where = f"{path}: year {year}"
        if not isinstance(table, dict) or not isinstance(year, int) or isinstance(year, bool):
            raise PackError(f"{path}: every [[years]] table needs a year")
        if set(table) - YEAR_KEYS:
            raise PackError(f"{where}: unknown keys {sorted(set(table) - YEAR_KEYS)}")
        if year in covered:
            raise PackError(f"{where}: listed twice")
        covered.add(year)
        for holiday in table.get("holidays", []):
            if not isinstance(holiday, dict):
                raise PackError(f"{where}: a holiday is a table {{ name, from, to }}: {holiday!r}")
            first, last = holiday.get("from"), holiday.get("to", holiday.get("from"))
            if not _is_date(first) or not _is_date(last) or first > last:
                raise PackError(f"{where}: a holiday needs dates from <= to: {holiday!r}")
            if year not in (first.year, last.year):
                raise PackError(f"{where}: holiday {first}–{last} is not in {year}")
            day = first
            while day <= last:
                holidays.add(day)
                day += datetime.timedelta(days=1)
        for day in table.get("workdays", []):
            # Only weekend days are made working days; anything else is a typing mistake.
            if not _is_date(day) or day.weekday() < 5:
                raise PackError(f"{where}: {day!r} is not a weekend date")
            workdays.add(day)
    both = holidays & workdays
    if both:
        raise PackError(f"{path}: both holiday and working day: {sorted(both)}")
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(covered))
