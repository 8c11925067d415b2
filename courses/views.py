from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from courses.certificates.signing import (
    mask_name,
    normalize_serial,
    public_key_fingerprint,
    public_key_pem,
)
from courses.models import (
    Attempt,
    Certificate,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    VerificationLog,
)
from courses.scope import scope_to_learners
from courses.selectors import (
    access_exam,
    completion_status,
    enrollments_with_progress,
    exams_for,
    policy_for,
    review_released,
    search_curriculum,
)
from courses.services.certificates import (
    find_certificate,
    log_verification,
    render_certificate_files,
    submit_essay,
)
from courses.services.exams import (
    close_if_overdue,
    close_overdue_attempts,
    start_attempt,
    start_blocker,
)
from courses.services.learning import enroll
from school.exceptions import DomainError


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    hits = search_curriculum(query) if query else []
    results = Paginator(hits, 20).get_page(request.GET.get("page"))
    return render(request, "courses/search.html", {"query": query, "results": results})


@login_required
def my_learning(request):
    """我的学习: every course the learner is in, with progress, where to continue, and its exams."""
    exams = exams_for(request.user)
    certificates = {
        c.enrollment_id: c
        for c in Certificate.objects.filter(user=request.user, status=Certificate.Status.VALID)
    }
    # A revoked certificate with nothing in force after it is said, with its reason: it does not
    # come back by itself, and the learner should know why it is gone.
    revoked = {
        c.enrollment_id: c
        for c in Certificate.objects.filter(
            user=request.user, status=Certificate.Status.REVOKED
        ).order_by("revoked_at")
        if c.enrollment_id not in certificates
    }

    return render(
        request,
        "courses/my_learning.html",
        {
            "enrollments": [
                (
                    item,
                    exams.get(item.enrollment.course_id, []),
                    certificates.get(item.enrollment.pk),
                    completion_status(item.enrollment)
                    if item.enrollment.pk not in certificates
                    else None,
                    policy_for(item.enrollment),
                    revoked.get(item.enrollment.pk),
                )
                for item in enrollments_with_progress(request.user, include_withdrawn=True)
            ],
            "catalogue": CourseIndexPage.objects.live().first(),
        },
    )


@login_required
@require_POST
def enroll_in_course(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    try:
        _enrollment, created = enroll(course, user=request.user, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        if created:
            messages.success(
                request, _("You are enrolled in %(course)s.") % {"course": course.title}
            )
        else:
            messages.info(
                request, _("You were already enrolled in %(course)s.") % {"course": course.title}
            )
    return redirect(course.url)


@login_required
def exam_detail(request, exam_id: int):
    """An exam's front page: rules, the learner's attempts, and the button to start.
    Only for the learners the exam is for (``exams_visible_to``); 404 for anyone else."""
    exam = access_exam(request.user, exam_id)
    close_overdue_attempts(exam=exam, user=request.user)
    attempts = list(exam.attempts.filter(user=request.user).order_by("number"))
    return render(
        request,
        "courses/exam_detail.html",
        {
            "exam": exam,
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if a.is_open), None),
            "blocker": start_blocker(exam, user=request.user, now=timezone.now()),
        },
    )


@login_required
@require_POST
def exam_start(request, exam_id: int):
    exam = access_exam(request.user, exam_id)
    try:
        attempt, _created = start_attempt(exam, user=request.user)
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("learning:exam", exam_id=exam.pk)
    return redirect("learning:attempt", attempt_id=attempt.pk)


@login_required
def attempt_page(request, attempt_id: int):
    """The paper while the attempt is open; the result after, and the review once the exam's
    review setting releases it (``review_released``)."""
    attempt = get_object_or_404(
        Attempt.objects.filter(user=request.user).select_related("exam"), pk=attempt_id
    )
    attempt = close_if_overdue(attempt)
    rows = list(attempt.questions.select_related("answer").order_by("position"))
    now = timezone.now()
    return render(
        request,
        "courses/attempt.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "rows": rows,
            "now": now,
            "review": review_released(attempt, now=now),
        },
    )


# --- Certificates ---------------------------------------------------------------------------------


@login_required
def certificate_file(request, serial: str, kind: str):
    """The certificate's PNG or PDF, for its holder and for staff who may see certificates of
    this learner (``scope_to_learners``). 404 for anyone else, never 403: no probing serials."""
    if kind not in ("png", "pdf"):
        raise Http404
    certificates = Certificate.objects.filter(serial=serial)
    if not request.user.has_perm("courses.view_certificate"):
        certificates = certificates.filter(user=request.user)
    else:
        certificates = certificates.filter(
            Q(user=request.user) | Q(pk__in=scope_to_learners(certificates, request.user))
        )
    certificate = get_object_or_404(certificates)
    if not certificate.rendered_at:
        # The worker has not drawn it yet (or is down): draw it now rather than fail.
        certificate = render_certificate_files(certificate)
    field = certificate.png if kind == "png" else certificate.pdf
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=f"{certificate.serial}.{kind}"
    )


@login_required
@require_POST
def essay_submit(request, enrollment_id: int):
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, user=request.user)
    try:
        submit_essay(enrollment, text=request.POST.get("text", ""))
    except DomainError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("Your reflection essay has been handed in."))
    return redirect("learning:mine")


def verify(request):
    """The public verification form; a serial typed in goes to its page."""
    serial = request.GET.get("serial", "").strip()
    if serial:
        return redirect("verify-serial", serial=normalize_serial(serial)[:40] or serial[:40])
    return render(request, "courses/verify.html", {"fingerprint": public_key_fingerprint()})


@ratelimit(key="ip", rate="30/m", block=False)
def verify_serial(request, serial: str):
    """What anyone may know about a certificate: valid or revoked, the holder's name masked."""
    if getattr(request, "limited", False):
        return render(request, "courses/verify.html", {"limited": True}, status=429)
    certificate = find_certificate(serial)
    log_verification(
        serial,
        certificate,
        channel=VerificationLog.Channel.PAGE,
        client=request.META.get("REMOTE_ADDR", ""),
        user=request.user,
    )
    return render(
        request,
        "courses/verify.html",
        {
            "serial": serial,
            "certificate": certificate,
            "masked_name": mask_name(certificate.holder_name) if certificate else "",
            "fingerprint": public_key_fingerprint(),
        },
        status=200 if certificate else 404,
    )


def public_key(request):
    """The certificates' signing key, for anyone who wants to check a signature offline."""
    return HttpResponse(public_key_pem(), content_type="application/x-pem-file; charset=utf-8")
