"""Gathering a person's file into the plain dossier the exports draw (membership/dossier.py)."""

import datetime

from django.utils import timezone

from cms.models import SchoolSettings
from membership import records
from membership.dossier import Dossier, DossierCheck, DossierRecord, DossierTraining
from membership.models import Person, Stage
from membership.selectors import eligibility_of, person_facts


def build_dossier(person: Person, *, generated_by, on: datetime.date) -> Dossier:
    site_settings = SchoolSettings.objects.first()
    file_records = person.records.select_related("recorded_by", "supersedes").order_by(
        "occurred_on", "recorded_at"
    )
    superseded = set(file_records.filter(superseded_by__isnull=False).values_list("pk", flat=True))
    result = eligibility_of(person, on=on)
    organization = person.organization
    path = (
        " / ".join(o.name for o in [*organization.get_ancestors(), organization][1:])
        or organization.name
    )
    return Dossier(
        school=(site_settings.committee_name if site_settings else "") or "网上党校",
        generated_at=timezone.now(),
        generated_by=str(generated_by),
        name=person.user.full_name,
        number=person.user.username,
        gender=str(person.get_gender_display()),
        ethnicity=person.ethnicity,
        birth_date=person.birth_date,
        organization=path,
        college=person.college,
        grade=person.grade,
        class_name=person.class_name,
        league_member=person.is_league_member,
        stage=str(Stage(person.stage).label),
        records=tuple(
            DossierRecord(
                on=record.occurred_on,
                kind_label=str(records.KINDS.get(record.kind, record.kind)),
                details=records.summary(record.details),
                recorded_by=str(record.recorded_by or "—"),
                recorded_at=record.recorded_at,
                superseded=record.pk in superseded,
                correction=f"更正原因：{record.correction_reason}" if record.supersedes_id else "",
            )
            for record in file_records
        ),
        trainings=tuple(
            DossierTraining(
                title=training.title or training.audience,
                hours=training.hours,
                completed_on=training.completed_on,
                grade=training.grade,
                source=f"证书 {training.serial}" if training.serial else "培训记录",
            )
            for training in person_facts(person).trainings
        ),
        next_stage=str(Stage(result.next_stage).label) if result.next_stage else "",
        eligible_on=on,
        checks=tuple(
            DossierCheck(
                label=check.label,
                met=check.met,
                evidence=check.evidence,
                article=check.article,
                due_on=check.due_on,
                blocking=check.severity == "blocking",
            )
            for check in result.checks
        ),
    )
