"""What the engine knows of a person: plain values, gathered from the database by selectors."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

STAGES = ("applicant", "activist", "candidate", "probationary", "member")


@dataclass(frozen=True)
class RecordFact:
    kind: str  # membership.records kinds
    on: datetime.date
    details: Mapping = field(default_factory=dict)
    id: int | None = None  # the record's id, for evidence


@dataclass(frozen=True)
class TrainingFact:
    """A training the person completed: a certificate of this school, or a record of one elsewhere."""

    audience: str  # "activist" | "candidate": the stage the training trains for
    completed_on: datetime.date
    hours: Decimal = Decimal(0)
    days: int = 0  # days of concentrated training, when known
    grade: Decimal | None = None  # exam or final grade out of 100, when known
    title: str = ""
    serial: str = ""  # a certificate's serial; empty for an imported record
    record_id: int | None = None


@dataclass(frozen=True)
class PersonFacts:
    stage: str  # the current stage ("" before the application is on record)
    birth_date: datetime.date | None = None
    is_league_member: bool = False
    records: tuple[RecordFact, ...] = ()  # current records only: superseded ones are left out
    trainings: tuple[TrainingFact, ...] = ()

    def of_kind(self, kind: str) -> list[RecordFact]:
        return list(self._by_kind.get(kind, ()))

    @cached_property
    def _by_kind(self) -> dict[str, list[RecordFact]]:
        # Built once per person: every check asks for records by kind, oldest first.
        by_kind: dict[str, list[RecordFact]] = {}
        for record in sorted(self.records, key=lambda r: r.on):
            by_kind.setdefault(record.kind, []).append(record)
        return by_kind

    def latest(self, kind: str) -> RecordFact | None:
        found = self.of_kind(kind)
        return found[-1] if found else None
