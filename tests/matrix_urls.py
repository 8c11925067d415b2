"""Every URL pattern of the site, read from the resolver, with the arguments that point it at
an object of the matrix's world."""

from dataclasses import dataclass, replace

from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.matrix import World


@dataclass(frozen=True)
class Pattern:
    key: str  # the table's key: the URL name, or the route of an unnamed pattern
    route: str
    name: str | None
    kwargs: tuple[str, ...]
    positional: int
    format_twin: bool  # DRF's ".json" twin of a router URL: checked with its base's row


def patterns() -> list[Pattern]:
    found = []

    def walk(entries, prefix="", namespace=None):
        for entry in entries:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
                continue
            pattern = entry.pattern
            if isinstance(pattern, RoutePattern):
                kwargs, positional = tuple(pattern.converters), 0
            else:
                kwargs = tuple(pattern.regex.groupindex)
                positional = 0 if kwargs else pattern.regex.groups
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            route = prefix + str(pattern)
            twin = "format" in kwargs
            found.append(
                Pattern(
                    name or route,
                    route,
                    name,
                    tuple(k for k in kwargs if k != "format"),
                    positional,
                    twin,
                )
            )

    walk(get_resolver().url_patterns)
    # One name with two shapes (e.g. the settings editor with and without a site): a row each.
    shapes: dict[str, set] = {}
    for p in found:
        if p.name and not p.format_twin:
            shapes.setdefault(p.name, set()).add(p.kwargs)
    return [
        replace(p, key=f"{p.name} {'/'.join(p.kwargs)}")
        if p.name and len(shapes.get(p.name, ())) > 1
        else p
        for p in found
    ]


# The object each viewset's ``pk`` points at, by URL namespace.
VIEWSET_OBJECTS = {
    "people": "person",
    "organizations": "branch",
    "notices": "notice",
    "cohorts": "cohort",
    "enrollments": "enrollment",
    "attempts": "attempt",
    "certificates": "certificate",
    "exams": "exam",
    "questions": "question",
    "question_banks": "bank",
    "completion_policies": "policy",
    "audit": "audit_event",
    "wagtailusers_groups": "group",
    "wagtailsites": "site",
    "wagtailadmin_collections": "collection",
    "wagtailadmin_workflows": "workflow",
    "wagtailadmin_api:pages": "lesson",
    "wagtailadmin_api:documents": "document",
    "wagtailadmin_api:images": "image",
    "wagtaildocs_chooser": "document",
    "wagtailimages_chooser": "image",
    "api-person": "person",
    "api-notice": "notice",
    "api-cohort": "cohort",
    "api-course": "course",
    "api-enrollment": "enrollment",
    "api-exam": "exam",
    "api-lesson": "lesson",
}

# Names whose ``pk`` is not the viewset's usual object.
SPECIAL_PK = {
    "wagtailadmin_workflows:edit_task": "task",
    "wagtailadmin_workflows:enable_task": "task",
    "wagtailadmin_workflows:disable_task": "task",
    "cohort_marks": "cohort",
    "certificates:issue": "uncertified",
    "api-attempt-detail": "attempt",
    "api-attempt-submit": "open_attempt",
    "api-attempt-answers": "open_attempt",
    "wagtailsettings:edit app_name/model_name/pk": "site",
    "wagtailsettings:preview_on_edit": "site",
}


def _pk_object(pattern: Pattern, world: World):
    if pattern.key in SPECIAL_PK:
        return world.objects[SPECIAL_PK[pattern.key]]
    if pattern.name.startswith("wagtailusers_users:"):
        return world.users["learner"]
    base = pattern.name.rsplit(":", 1)[0] if ":" in pattern.name else pattern.name
    if base.startswith("api-"):
        base = "-".join(base.split("-")[:2])
    return world.objects[VIEWSET_OBJECTS[base]]


def arguments(pattern: Pattern, world: World) -> dict:
    o = world.objects
    lesson = o["lesson"]
    values = {
        "page_id": lesson.pk,
        "parent_page_id": o["course"].pk,
        "page_to_move_id": lesson.pk,
        "destination_id": o["course"].pk,
        "revision_id": lesson.latest_revision_id,
        "content_type_app_name": "courses",
        "content_type_model_name": "lessonpage",
        "app_label": "courses",
        "model_name": "lessonpage",
        "action_name": "approve",
        "task_state_id": 1,
        "task_id": o["task"].pk,
        "workflow_state_id": 1,
        "page_pk": o["course"].pk,
        "workflow_pk": o["workflow"].pk,
        "collection_id": o["collection"].pk,
        "image_id": o["image"].pk,
        "document_id": o["document"].pk,
        "doc_id": o["document"].pk,
        "media_id": o["media"].pk,
        "media_type": "video",
        "redirect_id": o["redirect"].pk,
        "uploaded_file_id": 1,
        "filter_spec": "fill-10x10",
        "restriction_id": 1,
        "page_view_restriction_id": 1,
        "uidb64": "MQ",
        "token": "set-password",
        "session_id": 1,
        "object_id": str(o["person"].pk),
        "record_id": o["record"].pk,
        "entry_id": o["entry"].pk,
        "serial": o["certificate"].serial,
        "attempt_id": o["attempt"].pk,
        "course_id": o["course"].pk,
        "enrollment_id": o["enrollment"].pk,
        "exam_id": o["exam"].pk,
        "question_id": o["open_attempt"].questions.order_by("position").first().question_id,
        "path": "original_images/photo.png",
    }
    overrides = {
        "people:dossier": {"kind": "xlsx"},
        "learning:certificate-file": {"kind": "png"},
        "wagtail_bulk_action": {
            "app_label": "wagtailimages",
            "model_name": "image",
            "action": "delete",
        },
        "wagtailsettings:edit app_name/model_name": {
            "app_name": "cms",
            "model_name": "schoolsettings",
        },
        "wagtailadmin_workflows:remove page_pk": {},
        "wagtailadmin_workflows:remove page_pk/workflow_pk": {},
        "wagtailsettings:edit app_name/model_name/pk": {
            "app_name": "cms",
            "model_name": "schoolsettings",
        },
        "wagtailsettings:preview_on_edit": {"app_name": "cms", "model_name": "schoolsettings"},
        "wagtailadmin_tag_model_autocomplete": {"app_name": "wagtailimages", "model_name": "image"},
        "wagtailadmin_workflows:add_task": {
            "app_label": "wagtailcore",
            "model_name": "groupapprovaltask",
        },
        "wagtailadmin_editing_sessions:ping": {"app_label": "membership", "model_name": "person"},
        "wagtailadmin_pages:choose_parent": {"app_label": "courses", "model_name": "lessonpage"},
    }.get(pattern.key, {})
    chosen = {}
    for name in pattern.kwargs:
        if name in overrides:
            chosen[name] = overrides[name]
        elif name == "pk":
            chosen[name] = _pk_object(pattern, world).pk
        else:
            chosen[name] = values[name]
    return chosen


POSITIONAL = {
    "wagtailadmin_pages:revisions_compare": lambda w: [
        w.objects["lesson"].pk,
        "earliest",
        "latest",
    ],
    "wagtaildocs_serve": lambda w: [w.objects["document"].pk, "material.pdf"],
    "wagtail_serve": lambda w: ["courses/activists/"],
}

UNNAMED = {
    "admin/account/": "/admin/account/",
    "admin/reports/site-history/": "/admin/reports/site-history/",
    "admin/reports/site-history/results/": "/admin/reports/site-history/results/",
    "admin/failwhale/": "/admin/failwhale/",
    "admin/redirects/import/process/": "/admin/redirects/import/process/",
    "admin/test404/": "/admin/test404/",
    "admin/^.*/$": "/admin/no-such-page/",
    "api/v1/^[\\s\\S]*/$": "/api/v1/no-such-thing/",
    "favicon.ico": "/favicon.ico",
}


def url_of(pattern: Pattern, world: World) -> str:
    if pattern.name is None:
        return UNNAMED[pattern.route]
    if pattern.positional:
        return reverse(pattern.name, args=POSITIONAL[pattern.key](world))
    kwargs = arguments(pattern, world)
    if pattern.format_twin:
        kwargs["format"] = "json"
    return reverse(pattern.name, kwargs=kwargs)
