"""The audit log: who did what to whose data, when and from which address. Append-only.

On PostgreSQL a trigger refuses every UPDATE and every DELETE of this table, except the
retention purge's (audit/migrations/0001_add_audit_events.py); here the model and its queryset
refuse them as well, so a mistake fails in the code before it reaches the database (and on
SQLite, where there is no trigger).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An attempt to change or delete an audit row."""


class Action(models.TextChoices):
    """Every kind of event the log keeps. The value is stable (searches, exports); the label is
    what the admin shows."""

    # Reads of personal data.
    PERSON_READ = "person.read", _("Opened a person's file")
    DOSSIER_DOWNLOAD = "person.dossier", _("Downloaded a dossier")
    EXPORT = "export", _("Exported a list")
    # Changes.
    PERSON_CREATE = "person.create", _("Opened a development file")
    PERSON_UPDATE = "person.update", _("Changed a development file")
    RECORD_ADD = "record.add", _("Added a development record")
    RECORD_CORRECT = "record.correct", _("Corrected a development record")
    STAGE_CHANGE = "stage.change", _("Recorded a stage change")
    NOTICE_PUBLISH = "notice.publish", _("Published a public notice")
    NOTICE_OUTCOME = "notice.outcome", _("Recorded the outcome of a public notice")
    CERTIFICATE_ISSUE = "certificate.issue", _("Issued a certificate")
    CERTIFICATE_REVOKE = "certificate.revoke", _("Revoked a certificate")
    CERTIFICATE_REISSUE = "certificate.reissue", _("Replaced a certificate")
    ANSWER_GRADE = "grade.answer", _("Graded an exam answer")
    ESSAY_GRADE = "grade.essay", _("Graded a reflection essay")
    ATTENDANCE_MARK = "grade.attendance", _("Marked attendance")
    SIGN_OFF = "grade.signoff", _("Signed off a training")
    ENROLL = "enrollment.enroll", _("Enrolled a learner")
    WITHDRAW = "enrollment.withdraw", _("Withdrew a learner")
    # Accounts.
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login.failed", _("Failed to log in")
    LOGOUT = "logout", _("Logged out")
    LOCKOUT = "lockout", _("Locked out after failed log-ins")
    # The log itself.
    PURGE = "audit.purge", _("Purged audit rows past the retention")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit rows are never changed.")

    def delete(self):
        raise AppendOnly("Audit rows are deleted only by the retention purge.")


class AuditEvent(models.Model):
    """One event. It stands on its own: the actor's number and the object's name are copied in
    when it is written, so a renamed person or a deleted account leaves the row as it was."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: deleting an account must neither touch
    # this table (the trigger would refuse) nor be held up by it; ``actor_label`` keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(
        _("actor"),
        max_length=150,
        blank=True,
        help_text=_("The account's number; for a failed log-in, the number that was tried."),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    # The path only: a query string can carry a student number or a name (?student_number=…).
    path = models.CharField(_("path"), max_length=500, blank=True)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, help_text=_("Each changed field: [before, after].")
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    # Wagtail's reference index would add a row per audit row (its actor); nobody needs "where
    # is this account used" to list the log, and each logged request would pay for it.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_label", "at"], name="audit_actor_at"),
        ]
        # Nobody adds, changes or deletes rows by hand; the school admins only view them.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit rows are deleted only by the retention purge.")
