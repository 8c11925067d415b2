"""Where the current request came from, for the audit rows written while it is served.

Services write the audit row themselves, in their own transaction, and take ``actor=`` like
every auditable write; but they take no request — tasks and commands call them too. So a
middleware puts the little an audit row needs from the request (the client's address, already
resolved against TRUSTED_PROXIES by ``school.middleware.ClientAddressMiddleware``, the method
and the path) into a context variable for the length of the request, and the service reads it.
A context variable rather than a thread-local: it is reset when the request ends (nothing
leaks into the next request the thread serves) and it follows async code as well.
Outside a request (Celery, a command) there is none, and the row has no address.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    address: str | None
    method: str
    path: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "audit_request", default=None
)


def current() -> RequestContext | None:
    return _current.get()


@contextmanager
def request_context(address: str | None, *, method: str = "", path: str = "") -> Iterator[None]:
    """Audit rows written inside this block carry this address, method and path."""
    token = _current.set(RequestContext(address or None, method[:10], path[:500]))
    try:
        yield
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    """Puts the request's address, method and path (never the query string) where the audit
    services find them. After ``ClientAddressMiddleware``, which resolves the address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(
            request.META.get("REMOTE_ADDR"), method=request.method or "", path=request.path
        ):
            return self.get_response(request)
