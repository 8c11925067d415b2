"""Who may reach which rows: one registry of reach functions, and the admin pieces built on it.

Each app registers, for every model of its own that holds somebody's data, the selector that
says which rows a user may reach (``register(Person, people_visible_to)``), and, for a model
that holds nobody's data (the curriculum, question banks), that it is open and why
(``register_open(Exam, "...")``). Nothing else decides reach:

- every admin view of a ``ScopedModelViewSet`` — index and its export, inspect, edit, delete,
  history, usage, copy — works only on the rows in reach; any other row is a 404, never a
  hint, and a view whose action needs a permission on the instance (edit, delete, usage)
  asks the viewset's permission policy, which asks the registry too;
- every form field of those viewsets (and of any form that calls ``narrow_choices``) that
  offers objects of a registered model offers only those in reach, so a posted id outside
  reach is refused like a made-up one;
- a viewset over a model that nobody registered refuses to start, so a new model cannot reach
  the admin without someone deciding who may see it.

``school`` wires the apps together; the apps import it, it imports none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.forms.models import modelform_factory
from django.http import Http404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import DeleteView, IndexView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy

from school.admin import RefuseProtectedDeleteMixin
from school.spreadsheets import FormulaSafeExportMixin

Reach = Callable[..., QuerySet]


@dataclass(frozen=True)
class _Entry:
    reach: Reach | None  # None: open to everyone who may use the model at all
    reason: str = ""


_registry: dict[type[Model], _Entry] = {}


def register(model: type[Model], reach: Reach) -> None:
    """Declare the selector that gives the rows of ``model`` a user may reach: ``reach(user)``."""
    _registry[model] = _Entry(reach)


def register_open(model: type[Model], reason: str) -> None:
    """Declare that ``model`` holds nobody's data: whoever may use it may use every row."""
    _registry[model] = _Entry(None, reason)


def is_registered(model: type[Model]) -> bool:
    return _concrete(model) in _registry


def is_open(model: type[Model]) -> bool:
    return _registry[_concrete(model)].reach is None


def registered_models() -> dict[type[Model], str | None]:
    """Every registered model with the reason it is open, or None when it is scoped."""
    return {
        model: (entry.reason if entry.reach is None else None) for model, entry in _registry.items()
    }


def _concrete(model: type[Model]) -> type[Model]:
    # A proxy model shares the registration of the model it stands for.
    return model._meta.concrete_model or model


def reach(model: type[Model], user) -> QuerySet:
    """The rows of ``model`` that ``user`` may reach. An unregistered model reaches nothing."""
    entry = _registry.get(_concrete(model))
    if entry is None:
        return model._default_manager.none()
    if entry.reach is None:
        return model._default_manager.all()
    if user is None or not user.is_authenticated:
        return model._default_manager.none()
    return entry.reach(user)


def in_reach(user, instance: Model) -> bool:
    return reach(type(instance), user).filter(pk=instance.pk).exists()


def narrow(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` without the rows ``user`` may not reach (unchanged for an open model)."""
    model = queryset.model
    if is_registered(model) and is_open(model):
        return queryset
    return queryset.filter(pk__in=reach(model, user).values("pk"))


# --- Forms ---------------------------------------------------------------------------------------


def narrow_choices(form: forms.BaseForm, user, *, skip: frozenset[str] = frozenset()) -> None:
    """Make every field of ``form`` that offers objects offer only those ``user`` may reach.

    A choice of an unregistered model is left alone only if it is open; anything else offers
    nothing, so a model that was forgotten fails closed rather than open. ``skip`` names
    fields that are not choices but identities (an inline row's own id)."""
    for name, field in form.fields.items():
        if name in skip:
            continue
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            field.queryset = narrow(field.queryset, user)


class ScopedModelForm(WagtailAdminModelForm):
    """The base of every admin form of the project: choices narrowed to the user's reach,
    child formsets (inline panels) included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        narrow_choices(self, self.for_user)
        for formset in getattr(self, "formsets", {}).values():
            # Each row's own id says which of this object's rows it is, not a choice offered.
            own = frozenset({formset.model._meta.pk.name})
            for child in [*formset.forms, formset.empty_form]:
                narrow_choices(child, self.for_user, skip=own)


# --- Permission policy ---------------------------------------------------------------------------


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (what a role may do) narrowed by the registry (to which rows).

    Wagtail asks the policy when it links to an object (search, usage, the admin URL finder)
    and before deleting; the scoped views ask it before edit and usage too."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and in_reach(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return reach(self.model, user)


class ListOnlyPolicy(ScopedPermissionPolicy):
    """Rows that change only through their services (enrolling, exams, issuing), never by a
    form: the admin may list, inspect and export them, not add, edit or delete."""

    def user_has_permission(self, user, action):
        return action not in {"add", "change", "delete"} and super().user_has_permission(
            user, action
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# --- Views ---------------------------------------------------------------------------------------


class ScopedObjectMixin:
    """Mixed into every object view of a scoped viewset: the object must be in reach (else 404)
    and, where the view needs a permission, the policy must grant it for this object (else
    the admin's permission-denied answer)."""

    def get_object(self, *args, **kwargs):
        user = self.request.user  # type: ignore[attr-defined]
        pk = self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"))  # type: ignore[attr-defined]
        # Before Wagtail's own lookup, which may answer "permission denied" for an object the
        # user must not even learn exists (the copy view does).
        if pk is not None and not reach(self.model, user).filter(pk=unquote(str(pk))).exists():  # type: ignore[attr-defined]
            raise Http404
        obj = super().get_object(*args, **kwargs)  # type: ignore[misc]
        if not in_reach(user, obj):
            raise Http404
        action = getattr(self, "permission_required", None)
        policy = getattr(self, "permission_policy", None)
        if action and policy and not policy.user_has_permission_for_instance(user, action, obj):
            raise PermissionDenied
        return obj


class ScopedIndexMixin:
    """Mixed into the index (and its export): only the rows in reach are listed."""

    def get_base_queryset(self):
        return narrow(super().get_base_queryset(), self.request.user)  # type: ignore[misc,attr-defined]


class ScopedViewsMixin:
    """For a viewset: every view it builds goes through the registry (objects out of reach are
    404, instance permissions come from the policy), and it refuses to start over a model
    nobody registered. ``ScopedModelViewSet`` is the usual way in; a viewset of Wagtail's own
    (the users admin) mixes this in front of it."""

    policy_class: type[ScopedPermissionPolicy] = ScopedPermissionPolicy
    model: type[Model]

    def on_register(self):
        if not is_registered(self.model):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: register who may reach {self.model.__name__} rows "
                "(school.scoping.register or register_open) before serving them in the admin."
            )
        super().on_register()  # type: ignore[misc]

    @property
    def permission_policy(self):
        return self.policy_class(self.model)

    def construct_view(self, view_class, **kwargs):
        # The index is also the export (CSV and Excel): people's text in it never becomes a
        # formula (school.spreadsheets).
        mixins: tuple[type, ...] = (
            (ScopedIndexMixin, FormulaSafeExportMixin)
            if issubclass(view_class, IndexView)
            else (ScopedObjectMixin,)
        )
        if issubclass(view_class, DeleteView) and not issubclass(
            view_class, RefuseProtectedDeleteMixin
        ):
            # An account, a file, a class that records still refer to is kept, with a reason.
            mixins = (RefuseProtectedDeleteMixin, *mixins)
        scoped = type(f"Scoped{view_class.__name__}", (*mixins, view_class), {})
        return super().construct_view(scoped, **kwargs)  # type: ignore[misc]


class ScopedModelViewSet(ScopedViewsMixin, ModelViewSet):
    """A ModelViewSet whose every view, form and permission check goes through the registry.

    ``creation_form_class`` and ``form_class`` (subclasses of ``ScopedModelForm``) are the add
    and edit forms when given; otherwise the form is built from ``form_fields`` on
    ``ScopedModelForm``. Use ``policy_class`` for finer rules (e.g. only a class's managers
    may change it)."""

    creation_form_class: type[ScopedModelForm] | None = None
    form_class: type[ScopedModelForm] | None = None

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        if (
            handler is not None
            and handler.base_form_class is None
            and not hasattr(self.model, "base_form_class")
        ):
            # Panels declared on the model build their form on ScopedModelForm too.
            handler.base_form_class = ScopedModelForm
        return handler

    def get_form_class(self, for_update=False):
        if self._edit_handler:
            form_class = self._edit_handler.get_form_class()
        elif not for_update and self.creation_form_class is not None:
            form_class = self.creation_form_class
        elif self.form_class is not None:
            form_class = self.form_class
        else:
            form_class = modelform_factory(
                self.model,
                form=ScopedModelForm,
                formfield_callback=self.formfield_for_dbfield,
                fields=self.get_form_fields(),
                exclude=self.get_exclude_form_fields(),
            )
        if not issubclass(form_class, ScopedModelForm):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: the form {form_class.__name__} must be a ScopedModelForm."
            )
        return form_class


# --- Reports -------------------------------------------------------------------------------------


class ScopedSiteHistoryView(LogEntriesView):
    """Wagtail's site history, with the log entries of scoped objects (people, records, notices,
    classes, accounts…) limited to the objects the user may reach: the report would
    otherwise list, by name and number, the people whose files organizers of every college
    changed."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if queryset.model is not ModelLogEntry:
            return queryset
        user = self.request.user
        condition = Q()
        scoped = []
        for model, open_reason in registered_models().items():
            if open_reason is not None:
                continue
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            scoped.append(content_type.pk)
            reachable = (
                reach(model, user).annotate(_object_id=Cast("pk", CharField())).values("_object_id")
            )
            condition |= Q(content_type=content_type, object_id__in=reachable)
        return queryset.filter(~Q(content_type__in=scoped) | condition)
