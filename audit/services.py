"""Writing the audit log, and the retention purge: the only code that deletes from it.

Other apps call ``record`` from their services, inside the service's transaction, so the row
commits with the change or not at all; and views call it for reads (a file opened, a dossier
downloaded, a list exported) just before they hand the data out.
"""

import datetime
import ipaddress
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone, translation

from audit import context
from audit.models import Action, AuditEvent
from audit.retention import MINIMUM_RETENTION_DAYS

logger = logging.getLogger(__name__)

#: An export names the rows it contained by id, up to this many (the count is always kept).
EXPORT_IDS_KEPT = 10_000
#: The purge deletes this many rows per transaction, so it never holds a long lock.
PURGE_BATCH = 5_000


def _address(value: str | None) -> str | None:
    # REMOTE_ADDR is empty behind a Unix socket and may be anything in a hand-made request; the
    # column is an address, so anything else is stored as no address rather than refused.
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _label(obj: models.Model) -> str:
    # In the site's language, whatever the request's, so that one search finds every row.
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)[:255]


def label_of(*parts: object) -> str:
    """An object's name for the log, made of parts (whose file, which record), in the site's
    language: ``label_of(person, record)`` is "林晓雨 (2023010101) · 入党申请 2025-03-01"."""
    with translation.override(settings.LANGUAGE_CODE):
        return " · ".join(str(part) for part in parts if part not in (None, ""))[:255]


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: a date as ISO text, a decimal as text, a model as its name."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return _label(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """``{field: [before, after]}`` for each field whose value differs (the ``changes`` of a row)."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    action: str,
    *,
    actor,
    target: models.Model | None = None,
    of: type[models.Model] | None = None,
    changes: Mapping[str, list] | None = None,
    details: Mapping[str, Any] | None = None,
    label: str | None = None,
    actor_label: str | None = None,
    address: str | None = None,
) -> AuditEvent:
    """Write one audit row in the caller's transaction: ``actor`` (a user, or None for the
    system and for anonymous clients) did ``action`` to ``target`` (or to rows of the model
    ``of``, for an event about many).

    The address, method and path come from the request being served (``audit.context``), none
    outside one; ``address`` overrides it (a signal that names the address itself).
    ``label`` overrides the object's name (say whose record it is, so that a search for the
    person finds it); ``actor_label`` the actor's number (a failed log-in: the number tried). Not
    idempotent: each call is one row. Raises nothing of its own; a database error propagates,
    so a change whose audit row cannot be written is rolled back with it."""
    request = context.current()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    who = actor_label if actor_label is not None else (user.get_username() if user else "")
    # ``_meta.model``, not ``type()``: the request's user is a lazy object.
    model = target._meta.model if target is not None else of
    return AuditEvent.objects.create(
        actor=user,
        actor_label=who[:150],
        action=Action(action),
        object_type=model._meta.label_lower if model is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=(
            label[:255]
            if label is not None
            else _label(target)
            if target is not None
            else str(model._meta.verbose_name_plural)[:255]
            if model is not None
            else ""
        ),
        address=_address(address or (request.address if request else None)),
        method=request.method if request else "",
        path=request.path if request else "",
        changes=_plain(dict(changes or {})),
        details=_plain(dict(details or {})),
    )


def record_export(
    rows: Iterable[models.Model] | models.QuerySet, *, actor, model: type[models.Model], **details
) -> AuditEvent:
    """Write the row of an export of ``model`` rows to a file, before the file is sent: how many
    rows and which (by id, the first ``EXPORT_IDS_KEPT``). ``details`` says more (the format,
    the list's name). One query for the ids (two past ``EXPORT_IDS_KEPT``)."""
    if isinstance(rows, models.QuerySet):
        ids = list(rows.values_list("pk", flat=True)[: EXPORT_IDS_KEPT + 1])
        count = len(ids) if len(ids) <= EXPORT_IDS_KEPT else rows.count()
    else:
        ids = [row.pk for row in rows]
        count = len(ids)
    summary: dict[str, Any] = {**details, "count": count, "ids": ids[:EXPORT_IDS_KEPT]}
    if count > EXPORT_IDS_KEPT:
        summary["ids_truncated"] = True
    return record(Action.EXPORT, actor=actor, of=model, details=summary)


# --- Retention -----------------------------------------------------------------------------------


def retention_days() -> int:
    """The configured retention, never below the legal minimum whatever the settings say."""
    return max(int(settings.AUDIT_RETENTION_DAYS), MINIMUM_RETENTION_DAYS)


def purge_expired(*, batch: int = PURGE_BATCH) -> int:
    """Delete the audit rows older than the retention, and record that it ran. Returns how many
    were deleted. Safe to repeat and to run on several workers at once (a row deleted by one is
    simply not found by the other).

    The only path that deletes from the table. On PostgreSQL each batch is its own transaction
    that tells the trigger the cut-off (``SET LOCAL audit.purge_before``); the trigger lets a
    row go only if it is older than that cut-off *and* the cut-off is at least six months
    before the database's own clock, so neither a wrong setting nor a hand-written cut-off can
    remove younger rows. The cut-off is read from the database's clock, the one the trigger
    compares with."""
    days = retention_days()
    deleted = 0
    while True:
        with transaction.atomic():
            cutoff = _begin_purge(days)
            ids = list(
                AuditEvent.objects.filter(at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                # The queryset refuses delete(); the purge goes past it on purpose.
                deleted += models.QuerySet.delete(AuditEvent.objects.filter(pk__in=ids))[0]
        if len(ids) < batch:
            break
    record(Action.PURGE, actor=None, details={"cutoff": cutoff, "days": days, "deleted": deleted})
    logger.info("Audit log: %d rows older than %s purged", deleted, cutoff.isoformat())
    return deleted


def _begin_purge(days: int):
    if connection.vendor != "postgresql":
        return timezone.now() - datetime.timedelta(days=days)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('audit.purge_before', "
            "(now() - make_interval(days => %s))::text, true)::timestamptz",
            [days],
        )
        return cursor.fetchone()[0]
