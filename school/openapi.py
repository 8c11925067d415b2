"""How the OpenAPI schema (schema/openapi.yaml) is made: which endpoints it documents, and the
errors each operation can answer.

Every error of the API has one body, ``Error``: ``{"code", "detail"}`` and, for invalid input,
``"errors"`` per field (school/exceptions.py). ``SchoolAutoSchema`` adds to each operation the
error statuses it can answer, worked out from the view itself, so a new endpoint is documented
without anyone listing them:

- 400 everywhere: any query string, path or body may hold what the API refuses (control
  characters, a date outside 1900–2100, a bad page), and a business rule may refuse a
  well-formed request (``DomainError``);
- 401 where the view authenticates (a missing or wrong token), 403 where a permission or,
  for a write under session authentication, the CSRF check can refuse;
- 404 where the path names an object (missing, out of reach, or not a whole number);
- 409 for writes (the object's state forbids it: an attempt closed, a stage gate not met);
- 415 where the operation reads a body (a content type it does not parse);
- 429 where the view is throttled.

A method a path does not document (OPTIONS included) answers 405 with the same body; OpenAPI
has no operation to attach that to, so the schema's description says it.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from school.rest import DAY_PATTERN, ID_PATTERN, MAX_ID

ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every error response.",
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable, for programs: e.g. not_found, invalid, throttled.",
        },
        "detail": {"type": "string", "description": "For people, in the request's language."},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Invalid input only: the messages for each field.",
        },
    },
    "required": ["code", "detail"],
}

ERRORS = {
    "400": "Bad input: a parameter, the path or the body, or a rule refused the request.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in but not allowed (or, with session authentication, no CSRF token).",
    "404": "No such object, or not one you may see.",
    "409": "The object's current state does not allow this.",
    "415": "The body is not in a content type the operation reads.",
    "429": "Too many requests; wait as long as Retry-After says.",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def public_api_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document /api/v1/ only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class SchoolAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with the error responses of each operation (see above)
    and the bounds of date query parameters."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter.get("in") == "query" and schema.get("format") == "date":
                schema["pattern"] = DAY_PATTERN
            if parameter.get("in") == "path" and schema.get("pattern") == f"^{ID_PATTERN}$":
                # The router's digits (school/api.py), documented as the number they are.
                parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
                parameter.setdefault("description", "The object's id, a whole number.")
        error = self._error_component(registry)
        responses = operation.setdefault("responses", {})
        for status in self._error_statuses(path, method, operation):
            responses.setdefault(
                status,
                {
                    "description": ERRORS[status],
                    "content": {"application/json": {"schema": error.ref}},
                },
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def map_parsers(self):
        # The API's contract is JSON. A view that reads something else (a roster's file) names
        # its own parsers, and those are documented as they are.
        media_types = super().map_parsers()
        if list(self.view.parser_classes) == list(api_settings.DEFAULT_PARSER_CLASSES):
            return [media_type for media_type in media_types if media_type == "application/json"]
        return media_types

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # An address that may be empty (a phone-only account's e-mail, read back) is no "email"
        # or "uri": "" matches neither format, so the schema would call such answers wrong.
        # (A writable field that allows blank already gets a oneOf with the empty string.)
        if getattr(field, "read_only", False) and schema.get("format") in ("email", "uri"):
            schema.pop("format")

    def _error_component(self, registry) -> ResolvedComponent:
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA, object="Error"
        )
        registry.register_on_missing(component)
        return component

    def _error_statuses(self, path: str, method: str, operation: dict) -> list[str]:
        view = self.view
        authenticators = view.get_authenticators()
        permissions = view.get_permissions()
        statuses = ["400"]
        if authenticators:
            statuses.append("401")
        guarded = any(not isinstance(p, AllowAny) for p in permissions)
        csrf = method in WRITES and any(
            isinstance(a, SessionAuthentication) for a in authenticators
        )
        if guarded or csrf:
            statuses.append("403")
        if "{" in path:
            statuses.append("404")
        if method in WRITES:
            statuses.append("409")
        if "requestBody" in operation:
            statuses.append("415")
        # A view that throttles inside an action (after checking the object is the user's)
        # names the action in ``throttled_actions``.
        if view.get_throttles() or getattr(view, "action", None) in getattr(
            view, "throttled_actions", ()
        ):
            statuses.append("429")
        return statuses
