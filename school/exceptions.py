"""Domain errors and the one place that turns them, and DRF's own errors, into API bodies.

Every error body has the same shape: ``{"code": "...", "detail": "..."}`` plus, for invalid
input, ``"errors"`` with the per-field messages DRF produced. ``code`` is stable and meant
for programs; ``detail`` is for people, in the request's language.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A business rule refused an operation. Subclasses name the problem."""

    code = "domain_error"
    status_code: int = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request could not be carried out.")

    def __init__(self, detail=None, *, code: str | None = None, extra: dict | None = None):
        self.detail = detail if detail is not None else self.default_detail
        if code is not None:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.detail))


class Forbidden(DomainError):
    code = "forbidden"
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("You may not do this.")


class Conflict(DomainError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")


def _first_code(codes) -> str:
    while isinstance(codes, dict | list):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes)


def _first_message(detail) -> str:
    while isinstance(detail, dict | list):
        if not detail:
            return str(_("Invalid input."))
        detail = next(iter(detail.values())) if isinstance(detail, dict) else detail[0]
    return str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": str(exc.detail), **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        # "errors" is always an object of fields: a bare list of messages is the request's
        # as a whole, as serializers name it.
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "code": _first_code(exc.get_codes()),
            "detail": _first_message(exc.detail),
            "errors": errors,
        }
    elif isinstance(exc, exceptions.APIException):
        response.data = {"code": _first_code(exc.get_codes()), "detail": str(exc.detail)}
    return response


class OutOfReach(DomainError):
    """The object is not one the actor may reach. Answers like a missing one (404), so a
    refusal never tells an outsider that the object exists."""

    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND
    default_detail = _("Not found.")
