"""Issuing, rendering, revoking and verifying certificates (结业证书).

Issuing locks the enrollment row and a database constraint allows one live certificate per
enrollment, so the event that completes a course, the periodic sweep and an organizer can
all try at once and exactly one certificate comes out.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from accounts.models import User
from audit.models import Action as AuditAction
from audit.services import changes_between, label_of
from audit.services import record as record_audit
from cms.models import SchoolSettings
from courses import tasks
from courses.certificates import render, signing
from courses.models import (
    Certificate,
    CertificateEvent,
    Enrollment,
    ReflectionEssay,
    VerificationLog,
)
from courses.selectors import completion_status, enrollment_progress, policy_for
from school.exceptions import DomainError

Action = CertificateEvent.Action


class NotComplete(DomainError):
    code = "not_complete"
    default_detail = _("The learner has not met every condition of the course's completion policy.")


class RevocationHolds(NotComplete):
    code = "certificate_revoked"
    default_detail = _(
        "The learner's certificate for this course was revoked; only an organizer issuing one "
        "by hand, with a reason, gives a new one."
    )


class ReasonRequired(DomainError):
    code = "reason_required"
    default_detail = _("Say why the certificate is issued by hand.")


class CertificateRevoked(DomainError):
    code = "certificate_revoked"
    default_detail = _("This certificate has been revoked.")


def signed_fields(certificate: Certificate) -> dict:
    """What the signature covers: the serial and the snapshot, as printed on the certificate."""
    return {
        "serial": certificate.serial,
        "holder_name": certificate.holder_name,
        "holder_number": certificate.holder_number,
        "course_title": certificate.course_title,
        "hours": str(certificate.hours),
        "final_grade": None if certificate.final_grade is None else str(certificate.final_grade),
        "started_on": certificate.started_on.isoformat() if certificate.started_on else None,
        "completed_on": certificate.completed_on.isoformat(),
        "issued_on": certificate.issued_on.isoformat(),
    }


@dataclass
class Issued:
    certificate: Certificate
    created: bool


@transaction.atomic
def issue_certificate(
    enrollment: Enrollment,
    *,
    actor: User | None = None,
    reason: str = "",
    replaces: Certificate | None = None,
) -> Issued:
    """Issue the enrollment's certificate; safe to repeat: the live one is returned if it exists.

    Automatic issue (no ``actor``) requires the completion policy to be met (``NotComplete``)
    and no revoked certificate for the enrollment (``RevocationHolds``): a revocation holds;
    an organizer (``actor``) may issue by hand with a ``reason`` (``ReasonRequired``). Locks
    the enrollment row. Snapshots the holder and the course, signs them, records the event
    and the audit row, and queues the rendering of the PNG and PDF after commit.
    """
    # Lock only the enrollment row (PostgreSQL refuses to lock the nullable side of the join).
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("user", "course", "cohort")
        .get(pk=enrollment.pk)
    )

    live = enrollment.certificates.filter(status=Certificate.Status.VALID).first()
    if live:
        return Issued(live, False)
    status = completion_status(enrollment)
    if actor is None:
        if status is None or not status.complete:
            raise NotComplete()
        # A revocation holds: only someone issuing by hand, with a reason, undoes it.
        if enrollment.certificates.filter(status=Certificate.Status.REVOKED).exists():
            raise RevocationHolds()
    elif not reason.strip():
        raise ReasonRequired()

    progress = enrollment_progress(enrollment.user, enrollment.course)
    today = timezone.localdate()
    certificate = Certificate(
        enrollment=enrollment,
        user=enrollment.user,
        course=enrollment.course,
        holder_name=enrollment.user.full_name or enrollment.user.username,
        holder_number=enrollment.user.username,
        course_title=enrollment.course.title,
        hours=progress.progress.hours_required if progress else enrollment.course.study_hours,
        final_grade=status.final_grade if status else None,
        # A class runs from its first day; a learner on their own began when they enrolled.
        started_on=enrollment.cohort.starts_on
        if enrollment.cohort
        else timezone.localtime(enrollment.enrolled_at).date(),
        completed_on=today,
        issued_on=today,
        issued_by=actor,
        issue_reason=reason.strip(),
        replaces=replaces,
    )
    for _attempt in range(5):
        certificate.serial = signing.new_serial(today.year)
        payload = signing.canonical_payload(signed_fields(certificate))
        certificate.signed_payload = payload.decode("utf-8")
        certificate.signature = signing.sign(payload)
        try:
            with transaction.atomic():
                certificate.save()
            break
        except IntegrityError:
            certificate.pk = None  # a serial drawn twice (rare); draw again
    else:  # pragma: no cover - five collisions in a row would mean a broken random source
        raise RuntimeError("Could not draw an unused certificate serial.")
    CertificateEvent.objects.create(
        certificate=certificate, action=Action.ISSUED, actor=actor, reason=reason.strip()
    )
    record_audit(
        AuditAction.CERTIFICATE_ISSUE,
        actor=actor,
        target=certificate,
        label=_certificate_label(certificate),
        details={
            "enrollment": enrollment.pk,
            "automatic": actor is None,
            "reason": reason.strip(),
            "replaces": replaces.serial if replaces else None,
            "final_grade": certificate.final_grade,
        },
    )
    tasks.render_certificate.delay_on_commit(certificate.pk)
    return Issued(certificate, True)


def _certificate_label(certificate: Certificate) -> str:
    return label_of(
        f"{certificate.holder_name} ({certificate.holder_number})",
        certificate.serial,
        certificate.course_title,
    )


def issue_if_complete(enrollment: Enrollment) -> Issued | None:
    """Issue automatically when the policy is met; None when it is not (nothing changes)."""
    if not enrollment.is_active:
        return None
    try:
        return issue_certificate(enrollment)
    except NotComplete:
        return None


def queue_completion_check(enrollment_id: int) -> None:
    """After the current transaction commits, see whether the enrollment is now complete."""
    tasks.check_completion.delay_on_commit(enrollment_id)


def queue_completion_check_for(user: User, course_id: int) -> None:
    enrollment = (
        Enrollment.objects.filter(user=user, course_id=course_id)
        .values_list("pk", flat=True)
        .first()
    )
    if enrollment:
        queue_completion_check(enrollment)


def sweep_completions() -> int:
    """Issue every certificate whose conditions are met but that was not issued (a missed event),
    never over a revoked one. Returns how many were issued. Safe to repeat and to run beside everything else."""
    # Neither a certificate in force nor one revoked (which only a person may issue again).
    pending = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).exclude(
        certificates__isnull=False
    )
    issued = 0
    for enrollment in pending.select_related("user", "course", "cohort").iterator():
        result = issue_if_complete(enrollment)
        issued += bool(result and result.created)
    return issued


def certificate_content(certificate: Certificate) -> render.CertificateContent:
    site = Site.objects.filter(is_default_site=True).first()
    school = SchoolSettings.for_site(site) if site else SchoolSettings()

    return render.CertificateContent(
        serial=certificate.serial,
        holder_name=certificate.holder_name,
        holder_number=certificate.holder_number,
        course_title=certificate.course_title,
        hours=certificate.hours,
        final_grade=certificate.final_grade,
        started_on=certificate.started_on,
        completed_on=certificate.completed_on,
        issued_on=certificate.issued_on,
        issuer=school.committee_name or school.school_name,
        school_name=school.school_name,
        verify_url=f"{settings.SITE_URL}/verify/{certificate.serial}/",
        signature=certificate.signature,
    )


def render_certificate_files(certificate: Certificate) -> Certificate:
    """Draw the PNG and the PDF and store them. Safe to repeat: a rendered certificate is left
    as it is, and the files of a render that was cut short are replaced. Locks the certificate
    while it stores them. Raises ``render.FontNotFound`` when no Chinese font is installed."""
    if certificate.rendered_at:
        return certificate
    font = render.find_cjk_font(settings.CERTIFICATE_FONT or None)
    content = certificate_content(certificate)
    png = render.render_png(content, font_path=font)
    pdf = render.render_pdf(content, font_path=font)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.rendered_at:
            return locked
        # Unguessable names: the files hold a person's name and are served only to them.
        token = hashlib.sha256(f"{locked.serial}:{settings.SECRET_KEY}".encode()).hexdigest()[:24]
        for file, name, data in (
            (locked.png, f"{token}.png", png),
            (locked.pdf, f"{token}.pdf", pdf),
        ):
            # A render that died before it committed (a worker killed) left its files under
            # these names, which are this certificate's alone: replace them, rather than store
            # a second set beside them. Only the holder of the row lock writes them.
            file.storage.delete(file.field.generate_filename(locked, name))
            file.save(name, ContentFile(data), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["png", "pdf", "rendered_at"])
        CertificateEvent.objects.create(certificate=locked, action=Action.RENDERED)
    return locked


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, actor: User, reason: str) -> Certificate:
    """Revoke with a reason (e.g. cheating found later). It then verifies as revoked, never as
    valid. Safe to repeat (the audit row is written once, when it is revoked). Locks the
    certificate."""
    if not reason.strip():
        raise DomainError(_("Say why the certificate is revoked."), code="reason_required")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_valid:
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_at, certificate.revoked_by, certificate.revocation_reason = (
            timezone.now(),
            actor,
            reason.strip(),
        )
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        CertificateEvent.objects.create(
            certificate=certificate, action=Action.REVOKED, actor=actor, reason=reason.strip()
        )
        record_audit(
            AuditAction.CERTIFICATE_REVOKE,
            actor=actor,
            target=certificate,
            label=_certificate_label(certificate),
            changes={"status": [Certificate.Status.VALID, Certificate.Status.REVOKED]},
            details={"reason": reason.strip()},
        )
    return certificate


@transaction.atomic
def reissue_certificate(certificate: Certificate, *, actor: User, reason: str) -> Certificate:
    """Replace a certificate (e.g. a corrected name): the old serial is revoked and points to
    the new one, which snapshots the current record. Both keep their history."""
    old = revoke_certificate(certificate, actor=actor, reason=reason)
    new = issue_certificate(old.enrollment, actor=actor, reason=reason, replaces=old).certificate
    CertificateEvent.objects.create(
        certificate=old, action=Action.REPLACED, actor=actor, reason=new.serial
    )
    record_audit(
        AuditAction.CERTIFICATE_REISSUE,
        actor=actor,
        target=new,
        label=_certificate_label(new),
        changes={"serial": [old.serial, new.serial]},
        details={"replaces": old.pk, "reason": reason.strip()},
    )
    return new


def find_certificate(serial: str) -> Certificate | None:
    """The certificate with this serial, typed loosely (case, full-width, O for 0), or None."""
    normalized = signing.normalize_serial(serial)
    if not signing.is_well_formed_serial(normalized):
        return None
    return Certificate.objects.filter(serial=normalized).select_related("replaced_by").first()


def log_verification(
    serial: str, certificate: Certificate | None, *, channel: str, client: str = "", user=None
) -> None:
    """Keep a record of a look-up. The client's address is stored only as a salted hash."""
    VerificationLog.objects.create(
        serial=serial[:64],
        certificate=certificate,
        channel=channel,
        client=hashlib.sha256(f"{client}:{settings.SECRET_KEY}".encode()).hexdigest()[:32]
        if client
        else "",
        user=user if user is not None and user.is_authenticated else None,
    )


# --- Marks the completion policy may ask for ----------------------------------------------------------


def essay_length(text: str) -> int:
    """An essay's length as 字数 is counted: every character but spaces and line breaks."""
    return sum(1 for character in text if not character.isspace())


@transaction.atomic
def submit_essay(enrollment: Enrollment, *, text: str) -> ReflectionEssay:
    """Hand in (or rewrite, until it is graded) the reflection essay. Refused, changing
    nothing, when it is shorter than the policy's minimum (characters other than spaces)."""
    if not text.strip():
        raise DomainError(_("The essay is empty."), code="essay_empty")
    policy = policy_for(enrollment)
    minimum = policy.essay_min_characters if policy else 0
    length = essay_length(text)
    if length < minimum:
        raise DomainError(
            _("The essay has %(length)d characters; it needs at least %(minimum)d.")
            % {"length": length, "minimum": minimum},
            code="essay_too_short",
        )
    essay, created = ReflectionEssay.objects.select_for_update().get_or_create(
        enrollment=enrollment, defaults={"text": text}
    )
    if not created:
        if essay.score is not None:
            raise DomainError(
                _("The essay has been graded and can no longer be changed."), code="essay_graded"
            )
        essay.text, essay.submitted_at = text, timezone.now()
        essay.save(update_fields=["text", "submitted_at"])
    return essay


@transaction.atomic
def grade_essay(
    essay: ReflectionEssay, *, actor: User, score, feedback: str = ""
) -> ReflectionEssay:
    """An instructor's mark (out of 100), with its audit row (the mark before and after);
    queues the completion check."""
    if not (0 <= score <= 100):
        raise DomainError(_("The score must be between 0 and 100."), code="invalid_grade")
    before = {"score": essay.score, "feedback": essay.feedback}
    essay.score, essay.feedback, essay.graded_by, essay.graded_at = (
        score,
        feedback,
        actor,
        timezone.now(),
    )
    essay.save(update_fields=["score", "feedback", "graded_by", "graded_at"])
    record_audit(
        AuditAction.ESSAY_GRADE,
        actor=actor,
        target=essay,
        changes=changes_between(before, {"score": essay.score, "feedback": essay.feedback}),
        details={"enrollment": essay.enrollment_id},
    )
    queue_completion_check(essay.enrollment_id)
    return essay


@transaction.atomic
def record_attendance(enrollment: Enrollment, *, actor: User, score) -> Enrollment:
    """The organizer's attendance mark (平时成绩, out of 100), with its audit row (the mark
    before and after) when it changed; queues the completion check."""
    if not (0 <= score <= 100):
        raise DomainError(_("The score must be between 0 and 100."), code="invalid_grade")
    before = enrollment.attendance_score
    enrollment.attendance_score = score
    enrollment.save(update_fields=["attendance_score"])
    changes = changes_between({"attendance_score": before}, {"attendance_score": score})
    if changes:
        record_audit(AuditAction.ATTENDANCE_MARK, actor=actor, target=enrollment, changes=changes)
    queue_completion_check(enrollment.pk)
    return enrollment


@transaction.atomic
def sign_off(enrollment: Enrollment, *, actor: User) -> Enrollment:
    """The organizer's sign-off, when the policy asks for one; queues the completion check.
    Safe to repeat: the first sign-off stands, and only it writes an audit row."""
    if enrollment.signed_off_at is None:
        enrollment.signed_off_by, enrollment.signed_off_at = actor, timezone.now()
        enrollment.save(update_fields=["signed_off_by", "signed_off_at"])
        record_audit(AuditAction.SIGN_OFF, actor=actor, target=enrollment)
    queue_completion_check(enrollment.pk)
    return enrollment
