"""The membership API: people (scoped to the user), their eligibility, roster import and
public notices."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from audit.models import Action
from audit.services import record as record_audit
from membership import records
from membership.eligibility.packs import UnknownPack, available_packs
from membership.models import Person, PublicNotice, Stage
from membership.selectors import (
    ASSESSMENT_OVERDUE,
    ELIGIBLE,
    MISSING_ONLY_TRAINING,
    default_pack_id,
    eligibility_of,
    filter_people,
    notice_rows,
    notices_visible_to,
    organizations_visible_to,
    people_visible_to,
    people_with_numbers,
)
from membership.services.notices import publish_notice, record_notice_outcome
from membership.services.roster import import_roster
from school.exceptions import DomainError, Forbidden
from school.rest import BoundedDateField, StrictCharField, day_in_range
from school.spreadsheets import SpreadsheetRefused, read_upload, upload_limits


class PersonSerializer(serializers.ModelSerializer):
    student_number = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.full_name")
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = Person
        fields = [
            "id",
            "student_number",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "college",
            "grade",
            "class_name",
            "is_league_member",
            "organization",
            "stage",
        ]


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    met = serializers.BooleanField()
    label = serializers.CharField()
    article = serializers.CharField()
    evidence = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    severity = serializers.ChoiceField(choices=["blocking", "warning"])
    certain = serializers.BooleanField()


class EligibilitySerializer(serializers.Serializer):
    person = serializers.IntegerField()
    stage = serializers.CharField()
    next_stage = serializers.CharField(allow_null=True)
    on = serializers.DateField()
    rules = serializers.CharField()
    eligible = serializers.BooleanField()
    checks = CheckSerializer(many=True)


class BadParameter(DomainError):
    code = "invalid_parameter"


DAY_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class RosterErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


def parse_day(value: str | None, name: str) -> datetime.date | None:
    """A date query parameter: YYYY-MM-DD, from 1900 to 2100 (the rules' date arithmetic works
    within these years, and no record of anyone falls outside them). Absent: None; sent
    empty, it is refused like any other text that is not a date."""
    if value is None:
        return None
    try:
        # Exactly YYYY-MM-DD: fromisoformat would also take 20261201 and 2026-W49-2.
        if not DAY_FORMAT.fullmatch(value):
            raise ValueError
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(
            _("%(name)s must be a date written as YYYY-MM-DD.") % {"name": name}
        ) from None
    if not day_in_range(day):
        raise BadParameter(
            _("%(name)s must be a date from 1900-01-01 to 2100-12-31.") % {"name": name}
        )
    return day


LISTS = {
    "eligible_on": ELIGIBLE,
    "missing_only_training_on": MISSING_ONLY_TRAINING,
    "assessment_overdue_on": ASSESSMENT_OVERDUE,
}


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """People in development, as far as the user may see them: organizers their organizations'
    subtrees, learners only themselves. Anyone else's record is 404."""

    serializer_class = PersonSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        people = people_visible_to(self.request.user).order_by("user__username")
        number = self.request.query_params.get("student_number")
        if number:
            people = people.filter(user__username=number.strip())
        stage = self.request.query_params.get("stage")
        if stage:
            if stage not in Stage.values:
                raise BadParameter(
                    _("Unknown stage. Use one of: %(stages)s.")
                    % {"stages": ", ".join(Stage.values)}
                )
            people = people.filter(stage=stage)
        return people

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "student_number",
                str,
                description="Only the person with this student or staff number.",
            ),
            OpenApiParameter(
                "stage", str, enum=Stage.values, description="Only people at this stage."
            ),
            *[
                OpenApiParameter(
                    name,
                    datetime.date,
                    description=f"Only people on the list “{which}” on this date.",
                )
                for name, which in LISTS.items()
            ],
        ]
    )
    def list(self, request, *args, **kwargs):
        for name, which in LISTS.items():
            day = parse_day(request.query_params.get(name), name)
            if day:
                people = filter_people(self.get_queryset(), which, on=day)
                page = self.paginate_queryset(people)
                return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        # No docstring: the schema keeps the viewset's description. Each read of a file is
        # written to the audit log.
        person = self.get_object()
        record_audit(Action.PERSON_READ, actor=request.user, target=person, details={"view": "api"})
        return Response(self.get_serializer(person).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "on", datetime.date, description="The date to check (default: today)."
            ),
            OpenApiParameter("rules", str, description="The rule pack (default: the site's)."),
        ],
        responses=EligibilitySerializer,
    )
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        """The next stage, whether the person is ready for it on the date, and every check."""
        person = self.get_object()
        on = parse_day(request.query_params.get("on"), "on") or timezone.localdate()
        pack_id = request.query_params.get("rules") or default_pack_id()
        try:
            result = eligibility_of(person, on=on, pack_id=pack_id)
        except UnknownPack:
            raise BadParameter(
                _("Unknown rule pack. Use one of: %(packs)s.")
                % {"packs": ", ".join(p.id for p in available_packs())}
            ) from None
        record_audit(
            Action.PERSON_READ,
            actor=request.user,
            target=person,
            details={"view": "eligibility", "on": on, "rules": pack_id},
        )
        return Response(
            EligibilitySerializer(
                {
                    "person": person.pk,
                    "stage": result.stage,
                    "next_stage": result.next_stage,
                    "on": result.on,
                    "rules": result.rules,
                    "eligible": result.eligible,
                    "checks": result.checks,
                }
            ).data
        )

    @extend_schema(
        request=inline_serializer(
            "RosterUpload",
            {"file": serializers.FileField(), "dry_run": serializers.BooleanField(default=False)},
        ),
        responses={
            200: inline_serializer(
                "RosterImportResult",
                {
                    "created": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                    "errors": serializers.ListField(child=RosterErrorSerializer()),
                    "unknown_columns": serializers.ListField(child=serializers.CharField()),
                },
            ),
            400: inline_serializer(
                "RosterImportRefused",
                {
                    "code": serializers.CharField(),
                    "detail": serializers.CharField(),
                    "created": serializers.IntegerField(required=False),
                    "updated": serializers.IntegerField(required=False),
                    "errors": serializers.ListField(
                        child=RosterErrorSerializer(),
                        required=False,
                        help_text="Every error of the roster, by row and column.",
                    ),
                    "unknown_columns": serializers.ListField(
                        child=serializers.CharField(), required=False
                    ),
                },
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_(self, request):
        """Import an .xlsx or .csv roster (发展党员台账). With any error nothing is imported;
        importing the same file again changes nothing. Only for those who keep files: anyone
        else could use the errors to learn which numbers have one."""
        if not request.user.has_perm("membership.add_person"):
            raise Forbidden()
        upload = request.FILES.get("file")
        if upload is None:
            raise BadParameter(_("Attach the roster as “file”."))
        dry_run = str(request.data.get("dry_run", "")).lower() in {"1", "true", "yes", "on"}
        try:
            # Before the file is read: a file over the cap is refused by its size alone.
            data = read_upload(upload, upload_limits("roster"))
        except SpreadsheetRefused as refused:
            raise BadParameter(refused.message, code="file_too_large") from None
        result = import_roster(upload.name, data, actor=request.user, dry_run=dry_run)
        refused = (
            {
                "code": "roster_has_errors",
                "detail": _("The roster has errors; nothing was imported."),
            }
            if result.errors
            else {}
        )
        return Response(
            {
                **refused,
                "created": result.created,
                "updated": result.updated,
                "errors": [
                    {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
                ],
                "unknown_columns": result.unknown_columns,
            },
            status=400 if result.errors else 200,
        )


# --- Public notices ----------------------------------------------------------------------------


class NoticeEntrySerializer(serializers.Serializer):
    person = serializers.IntegerField(source="entry.person_id")
    student_number = serializers.CharField(source="entry.person.user.username")
    name = serializers.CharField(source="entry.person.user.full_name")
    record = serializers.IntegerField(
        source="record.pk", help_text="The notice record as it stands."
    )
    outcome = serializers.ChoiceField(
        choices=list(records.NOTICE_OUTCOMES),
        allow_null=True,
        help_text="What the notice drew; null while none is recorded.",
    )


class PublicNoticeSerializer(serializers.ModelSerializer):
    """A public notice with the people on it and what it drew for each."""

    # ``rows`` is attached by the viewset (selectors.notice_rows): serializers never query.
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    page_url = serializers.SerializerMethodField()
    entries = NoticeEntrySerializer(source="rows", many=True)

    class Meta:
        model = PublicNotice
        fields = [
            "id",
            "kind",
            "title",
            "organization",
            "organization_name",
            "starts_on",
            "ends_on",
            "feedback",
            "page_url",
            "entries",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_page_url(self, notice) -> str | None:
        request = self.context.get("request")
        if notice.page is None or request is None:
            return None
        return request.build_absolute_uri(notice.page.url)


class PublishNoticeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PublicNotice.Kind.choices)
    organization = serializers.IntegerField(help_text="The publishing organization's id.")
    student_numbers = serializers.ListField(
        child=StrictCharField(max_length=150), allow_empty=False, max_length=500
    )
    starts_on = BoundedDateField()
    ends_on = BoundedDateField(
        required=False, allow_null=True, help_text="Default: the shortest period of the rules."
    )
    feedback = StrictCharField(help_text="Where people send objections.")
    title = StrictCharField(required=False, allow_blank=True, max_length=255, default="")
    on_site = serializers.BooleanField(default=True)


class NoticeOutcomeSerializer(serializers.Serializer):
    student_number = StrictCharField(max_length=150)
    outcome = serializers.ChoiceField(choices=list(records.NOTICE_OUTCOMES))
    note = StrictCharField(required=False, allow_blank=True, max_length=180, default="")


class PublicNoticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Public notices (公示) of the user's organizations, and those their people are on.
    Publishing writes the notice, each person's notice record and the page on the site."""

    serializer_class = PublicNoticeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PublicNotice.objects.none()
        return notices_visible_to(self.request.user).order_by("-starts_on", "-pk")

    def get_serializer(self, instance=None, *args, **kwargs):
        # The people on each notice, read in a fixed number of queries for a whole page.
        if instance is not None:
            notices = list(instance) if kwargs.get("many") else [instance]
            rows = notice_rows(notices, user=self.request.user)
            for notice in notices:
                notice.rows = rows[notice.pk]
            instance = notices if kwargs.get("many") else instance
        return super().get_serializer(instance, *args, **kwargs)

    @extend_schema(request=PublishNoticeSerializer, responses={201: PublicNoticeSerializer})
    def create(self, request):
        """Publish a notice. Refused, changing nothing, with a message in the user's language:
        people outside the organization or the user's reach, of the wrong stage, already on a
        running notice of this kind, or a period shorter than the rules allow."""
        if not request.user.has_perm("membership.add_publicnotice"):
            raise Forbidden()
        payload = PublishNoticeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        organization = (
            organizations_visible_to(request.user).filter(pk=data["organization"]).first()
        )
        if organization is None:
            raise BadParameter(_("No such organization among yours."))
        notice = publish_notice(
            actor=request.user,
            organization=organization,
            kind=data["kind"],
            people=people_with_numbers(request.user, data["student_numbers"]),
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            feedback=data["feedback"],
            title=data["title"],
            on_site=data["on_site"],
        )
        notice = self.get_queryset().get(pk=notice.pk)
        return Response(self.get_serializer(notice).data, status=201)

    @extend_schema(request=NoticeOutcomeSerializer, responses=PublicNoticeSerializer)
    @action(detail=True, methods=["post"])
    def outcomes(self, request, pk=None):
        """Record what the notice drew for one person on it (an objection needs a note)."""
        notice = self.get_object()
        if not request.user.has_perm("membership.add_developmentrecord"):
            raise Forbidden()
        payload = NoticeOutcomeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        entry = (
            notice.entries.filter(
                person__in=people_visible_to(request.user).values("pk"),
                person__user__username=data["student_number"].strip(),
            )
            .select_related("person__user", "record")
            .first()
        )
        if entry is None:
            raise BadParameter(_("No one with this number is on the notice."))
        record_notice_outcome(entry, outcome=data["outcome"], note=data["note"], actor=request.user)
        return Response(self.get_serializer(notice).data)
