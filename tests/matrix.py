"""The world the permission matrix walks, and how it reads an answer.

One of each kind of object, each belonging to "this college" (测试学院): the learner's file,
record, notice, class, enrollment, attempt, certificate; the organizer of this college runs
them, the outsider organizes another college, the other learner studies there. Wagtail's own
objects (a page, an image, a document, a workflow…) are the site's, which has no college.
"""

import copy
import datetime
import hashlib
import io
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.messages import constants as message_levels
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupApprovalTask, Site, Workflow
from wagtail.users.models import UserProfile
from wagtailmedia.models import Media

from accounts import roles
from audit.models import Action, AuditEvent
from cms.models import SchoolSettings
from courses.models import (
    Cohort,
    CompletionPolicy,
    ReflectionEssay,
)
from courses.services.certificates import issue_certificate
from courses.services.exams import start_attempt, submit_attempt
from courses.services.learning import enroll
from membership import records
from membership.models import (
    DevelopmentRecord,
    NoticeEntry,
    Organization,
    PublicNotice,
    Stage,
    StageChange,
)
from tests.exams import build_bank, build_exam
from tests.factories import PersonFactory, UserFactory, organization
from tests.pages import build_site

#: The roles, in the order of the table's columns.
ROLES = (
    "anonymous",
    "learner",
    "other_learner",
    "instructor",
    "reviewer",
    "organizer",
    "outsider",
    "admin",
)

# What an answer means, one letter each.
OK = "O"  # 200, 201 or 204: served or done
REDIRECT = "R"  # another 3xx: a write done (and the usual redirect after it), or a page moved
LOGIN = "L"  # not signed in (or no admin access): 401, or a redirect to a login page
DENIED = "D"  # 403, or the admin's redirect home with "you do not have permission"
MISSING = "N"  # 404: out of reach reads the same as not there
NOT_ALLOWED = "X"  # 405
BAD = "B"  # 400
CONFLICT = "C"  # 409
SERVER_ERROR = "E"  # 5xx: never expected


@dataclass
class World:
    users: dict[str, object]
    clients: dict[str, Client] = field(default_factory=dict)
    cookies: dict[str, object] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """The role's client, signed in as at the start: a request that was rolled back may have
        rotated the session (a login page, a password reset) and left the client with a
        cookie of a session that no longer exists."""
        client = self.clients[role]
        client.cookies = copy.deepcopy(self.cookies[role])
        return client

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _png() -> ImageFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return ImageFile(buffer, name="photo.png")


def build_world() -> World:
    """Every object the URLs need, and a signed-in client per role."""
    site = build_site()
    university = organization("中共测试大学委员会", Organization.Kind.COMMITTEE)
    college = organization("测试学院党委", Organization.Kind.COMMITTEE, parent=university)
    branch = organization(
        "测试学院本科生2023级党支部", parent=college, branch_kind="undergraduate", grade=2023
    )
    other_college = organization("另一学院党委", Organization.Kind.COMMITTEE, parent=university)
    other_branch = organization("另一学院研究生党支部", parent=other_college)

    def staff(number, name, group):
        return UserFactory(username=number, full_name=name, groups=[group])

    organizer = staff("T2001", "陈志刚", roles.ORGANIZERS)
    college.organizers.add(organizer)
    outsider = staff("T2002", "赵敏", roles.ORGANIZERS)
    other_college.organizers.add(outsider)
    admin = UserFactory(
        username="admin",
        full_name="王建国",
        is_superuser=True,
        is_staff=True,
        groups=[roles.SCHOOL_ADMINS],
    )
    users = {
        "anonymous": None,
        "learner": UserFactory(username="2023010101", full_name="林晓雨"),
        "other_learner": UserFactory(username="2024020101", full_name="郭强"),
        "instructor": staff("T1001", "李文华", roles.INSTRUCTORS),
        "reviewer": staff("T1002", "周敏", roles.REVIEWERS),
        "organizer": organizer,
        "outsider": outsider,
        "admin": admin,
    }
    learner, other_learner = users["learner"], users["other_learner"]
    person = PersonFactory(user=learner, organization=branch, birth_date=datetime.date(2004, 5, 1))
    other_person = PersonFactory(user=other_learner, organization=other_branch)
    # One of this college's people with no class yet: the one organizers enroll.
    fresh = PersonFactory(
        user=UserFactory(username="2023010102", full_name="许文"), organization=branch
    )
    day = datetime.date(2025, 3, 1)
    application = DevelopmentRecord.objects.create(
        person=person, kind=records.APPLICATION, occurred_on=datetime.date(2024, 6, 1)
    )
    decision = DevelopmentRecord.objects.create(
        person=person, kind=records.ACTIVIST_DECISION, occurred_on=day
    )
    StageChange.objects.create(
        person=person,
        from_stage="",
        to_stage=Stage.APPLICANT,
        effective_on=datetime.date(2024, 6, 1),
        decision=application,
    )
    stage_change = StageChange.objects.create(
        person=person,
        from_stage=Stage.APPLICANT,
        to_stage=Stage.ACTIVIST,
        effective_on=day,
        decision=decision,
    )
    person.stage = Stage.ACTIVIST
    person.save()
    notice_record = DevelopmentRecord.objects.create(
        person=person,
        kind=records.CANDIDATE_NOTICE,
        occurred_on=datetime.date(2026, 3, 2),
        details={"ends_on": "2026-03-10"},
    )
    notice = PublicNotice.objects.create(
        kind=PublicNotice.Kind.CANDIDATE,
        organization=college,
        title="测试学院关于拟确定林晓雨同志为发展对象的公示",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 10),
        feedback="测试学院组织员办公室",
        published_by=organizer,
    )
    entry = NoticeEntry.objects.create(notice=notice, person=person, record=notice_record)

    course = site.course
    course.self_enrollment = True
    course.save_revision().publish()
    cohort = Cohort.objects.create(
        course=course,
        name="第一期培训班",
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    cohort.managers.add(organizer)
    other_cohort = Cohort.objects.create(
        course=course,
        name="另一学院培训班",
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    other_cohort.managers.add(outsider)
    enrollment, _ = enroll(course, user=learner, actor=admin, cohort=cohort)
    # A learner of the class who has not completed it: the one certificates are issued to.
    uncertified, _ = enroll(
        course,
        user=PersonFactory(
            user=UserFactory(username="2023010103", full_name="何静"), organization=branch
        ).user,
        actor=admin,
        cohort=cohort,
    )
    other_enrollment, _ = enroll(course, user=other_learner, actor=admin, cohort=other_cohort)
    bank = build_bank()
    exam = build_exam(course, bank)
    exam.requires_lessons_complete = False
    exam.max_attempts = 3
    exam.save()
    attempt, _ = start_attempt(exam, user=learner)
    attempt = submit_attempt(attempt)
    open_attempt, _ = start_attempt(exam, user=learner)
    other_attempt, _ = start_attempt(exam, user=other_learner)
    policy = CompletionPolicy.objects.create(course=course, exam=exam)
    certificate = issue_certificate(enrollment, actor=admin, reason="线下培训结业").certificate
    other_certificate = issue_certificate(
        other_enrollment, actor=admin, reason="线下培训结业"
    ).certificate
    essay = ReflectionEssay.objects.create(enrollment=enrollment, text="心得体会" * 20)

    image = Image.objects.create(title="会场", file=_png())
    document = Document.objects.create(
        title="学习材料", file=ContentFile(b"%PDF-1.4 test", name="material.pdf")
    )
    media = Media.objects.create(
        title="讲座", file=ContentFile(b"\x00" * 64, name="talk.mp4"), duration=60, type="video"
    )
    objects = {
        "site_pages": site,
        "course": course,
        "lesson": site.lessons[0],
        "university": university,
        "college": college,
        "branch": branch,
        "other_branch": other_branch,
        "person": person,
        "other_person": other_person,
        "fresh": fresh,
        "record": decision,
        "stage_change": stage_change,
        "notice": notice,
        "entry": entry,
        "cohort": cohort,
        "other_cohort": other_cohort,
        "enrollment": enrollment,
        "uncertified": uncertified,
        "other_enrollment": other_enrollment,
        "bank": bank,
        # One on a learner's paper, so that its deletion is refused in every run (papers are
        # drawn at random: the bank's first question was on none of the three 1 run in 27).
        "question": attempt.questions.order_by("position").first().question,
        "exam": exam,
        "attempt": attempt,
        "open_attempt": open_attempt,
        "other_attempt": other_attempt,
        "policy": policy,
        "certificate": certificate,
        "other_certificate": other_certificate,
        "essay": essay,
        "image": image,
        "document": document,
        "media": media,
        "collection": Collection.get_first_root_node(),
        "workflow": Workflow.objects.first(),
        "task": GroupApprovalTask.objects.first(),
        "site": Site.objects.get(is_default_site=True),
        "group": Group.objects.get(name=roles.ORGANIZERS),
        "redirect": Redirect.objects.create(old_path="/old", redirect_link="/"),
        "school_settings": SchoolSettings.for_site(Site.objects.get(is_default_site=True)),
    }
    SchoolSettings.for_site(objects["site"]).save()
    objects["audit_event"] = AuditEvent.objects.filter(action=Action.CERTIFICATE_ISSUE).first()
    global _audit_watermark
    _audit_watermark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    world = World(users=users, objects=objects)
    for number, (role, user) in enumerate(users.items(), start=1):
        if user is not None:
            UserProfile.get_for_user(user)  # made on a staff user's first admin page otherwise
        # Each role from its own address, so that the address throttles (login, verification)
        # count one role's requests, as they would for people on different machines.
        client = Client(raise_request_exception=False, REMOTE_ADDR=f"192.0.2.{number}")
        if user is not None:
            client.force_login(user)
        world.clients[role] = client
        world.cookies[role] = copy.deepcopy(client.cookies)
    return world


def outcome(response) -> str:
    """The letter of the table for this answer."""
    status = response.status_code
    if status >= 500:
        return SERVER_ERROR
    if status == 401:
        return LOGIN
    simple = {403: DENIED, 404: MISSING, 405: NOT_ALLOWED, 400: BAD, 409: CONFLICT}
    if status in simple:
        return simple[status]
    if 300 <= status < 400:
        target = response.headers.get("Location", "").split("?")[0]
        logins = {reverse("wagtailadmin_login"), reverse("accounts:login"), "/_util/login/"}
        if target in logins:
            return LOGIN
        if target == reverse("wagtailadmin_home") and _was_denied(response):
            return DENIED
        return REDIRECT
    if 200 <= status < 300:
        return OK
    return str(status)


def _was_denied(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", []) if storage is not None else []
    return any(message.level == message_levels.ERROR for message in queued)


#: The audit log's last row when the world was built. A request may append its own rows (a
#: file read, a log-in: tests/audit checks what they say), which change none of the school's
#: data; the rows before it must stay exactly as they were.
_audit_watermark = 0


def fingerprint() -> str:
    """A digest of every row of every table but the sessions and the audit rows requests
    append: equal before and after a request means the request changed nothing."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
            table = model._meta.db_table
            if not model._meta.managed or model._meta.proxy or table == "django_session":
                continue
            if model is AuditEvent:
                cursor.execute(
                    f'SELECT * FROM "{table}" WHERE id <= %s ORDER BY 1', [_audit_watermark]
                )
                digest.update(table.encode())
                digest.update(repr(cursor.fetchall()).encode())
                continue
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()
