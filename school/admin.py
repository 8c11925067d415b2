"""Pieces shared by the project's own pages in the Wagtail admin."""

from django.contrib import messages
from django.db import router
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from school.exceptions import DomainError


class AdminPageMixin(WagtailAdminTemplateMixin):
    """A page of this project's in the Wagtail admin. Wagtail's own pages end their breadcrumbs
    with their title, which is what the header shows; the base mixin has only "Home", so every
    page would be headed 首页. This one ends with the page's title."""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_header_title()}]


class RefuseProtectedDeleteMixin:
    """Mixed into a delete view: an object that other records still refer to (a person's file
    with its records, a class with its learners, an account that recorded something) is kept,
    and the admin says why — before Wagtail's own check, which would answer "permission
    denied" to an administrator who has the permission, and instead of the database's error."""

    def form_valid(self, form):
        collector = Collector(using=router.db_for_write(type(self.object)))  # type: ignore[attr-defined]
        try:
            collector.collect([self.object])  # type: ignore[attr-defined]
        except (ProtectedError, RestrictedError) as error:
            blocking = (
                error.protected_objects
                if isinstance(error, ProtectedError)
                else error.restricted_objects
            )
            kinds = sorted({str(obj._meta.verbose_name) for obj in blocking})
            messages.error(
                self.request,  # type: ignore[attr-defined]
                _("%(object)s cannot be deleted: %(kinds)s still refer to it.")
                % {"object": self.object, "kinds": "、".join(kinds)},  # type: ignore[attr-defined]
            )
            return redirect(self.get_success_url())  # type: ignore[attr-defined]
        return super().form_valid(form)  # type: ignore[misc]


class ServiceErrorsMixin:
    """For an admin create or edit view whose save calls a service: a refusal the service
    raises (a ``DomainError``, the transaction rolled back) is shown on the form, on the field
    it names (``error_fields`` maps a service's field name to the form's), like any invalid
    input."""

    error_fields: dict[str, str] = {}

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # type: ignore[misc]
        except DomainError as error:
            name = getattr(error, "field", None) or ""
            name = self.error_fields.get(name, name)
            form.add_error(name if name in form.fields else None, str(error.detail))
            self.produced_error_message = self.get_error_message()  # type: ignore[attr-defined]
            return self.form_invalid(form)  # type: ignore[attr-defined]
