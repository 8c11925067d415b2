"""The one mechanism every admin view and form goes through (school/scoping.py): each model of
ours that the admin serves says who reaches its rows, every form field offering objects
offers only those in reach, and what nobody registered reaches nothing."""

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.redirects.models import Redirect

from membership.models import Organization, Person
from school import scoping
from tests.factories import PersonFactory, UserFactory

OURS = {"accounts", "cms", "courses", "membership"}


def admin_viewsets() -> list[ModelViewSet]:
    """Every ModelViewSet the project registers with Wagtail's admin (groups unpacked)."""
    found = []
    for hook in hooks.get_hooks("register_admin_viewset"):
        registered = hook()
        entries = registered if isinstance(registered, list | tuple) else [registered]
        for entry in entries:
            if isinstance(entry, ViewSetGroup):
                found += [item for item in entry.registerables if isinstance(item, ModelViewSet)]
            elif isinstance(entry, ModelViewSet):
                found.append(entry)
    return [viewset for viewset in found if viewset.model._meta.app_label in OURS]


def test_every_model_of_ours_in_the_admin_is_served_through_the_registry():
    viewsets = admin_viewsets()
    assert {viewset.model.__name__ for viewset in viewsets} >= {
        "Person",
        "Organization",
        "PublicNotice",
        "Cohort",
        "Enrollment",
        "Attempt",
        "Certificate",
        "Exam",
        "Question",
        "QuestionBank",
        "CompletionPolicy",
        "User",
    }
    for viewset in viewsets:
        assert isinstance(viewset, scoping.ScopedViewsMixin), viewset
        assert scoping.is_registered(viewset.model), viewset.model


def test_every_model_of_ours_that_holds_someones_data_is_scoped():
    """Open models are the curriculum and the banks; everything about people has a reach."""
    registered = scoping.registered_models()
    personal = {
        "Person",
        "DevelopmentRecord",
        "StageChange",
        "PublicNotice",
        "NoticeEntry",
        "Organization",
        "Cohort",
        "Enrollment",
        "LessonProgress",
        "Attempt",
        "Answer",
        "Certificate",
        "ReflectionEssay",
        "User",
    }
    by_name = {model.__name__: reason for model, reason in registered.items()}
    for name in personal:
        assert name in by_name and by_name[name] is None, name
    for model, reason in registered.items():
        if reason is not None:
            assert reason.strip(), f"{model.__name__} is open without a reason"


def test_every_form_field_that_offers_objects_offers_a_registered_model():
    """A model nobody registered would offer nothing (fail closed); this keeps it from
    shipping that way unnoticed. Inline panels' child forms count too."""
    for viewset in admin_viewsets():
        for for_update in (False, True):
            form_class = viewset.get_form_class(for_update=for_update)
            formsets = getattr(form_class, "formsets", {})
            form_classes = [form_class, *(formset.form for formset in formsets.values())]
            for cls in form_classes:
                for name, field in cls.base_fields.items():
                    if isinstance(field, forms.ModelChoiceField):
                        model = field.queryset.model
                        assert scoping.is_registered(model), (viewset, name, model)


@pytest.mark.django_db
def test_a_model_nobody_registered_reaches_nothing_and_its_choices_are_empty(admin):
    Redirect.objects.create(old_path="/old", redirect_link="/")
    assert not scoping.is_registered(Redirect)
    assert scoping.reach(Redirect, admin).count() == 0

    class Picker(forms.Form):
        redirect = forms.ModelChoiceField(queryset=Redirect.objects.all())

    picker = Picker()
    scoping.narrow_choices(picker, admin)
    assert Redirect.objects.exists() and not picker.fields["redirect"].queryset.exists()


def test_a_viewset_over_an_unregistered_model_refuses_to_start():
    class RedirectViewSet(scoping.ScopedModelViewSet):
        model = Redirect
        form_fields = ["old_path"]

    with pytest.raises(ImproperlyConfigured, match="register who may reach Redirect"):
        RedirectViewSet().on_register()


@pytest.mark.django_db
def test_choices_are_narrowed_to_the_users_reach(branch, other_branch, branch_organizer, admin):
    mine = PersonFactory(user=UserFactory(username="2023010501"), organization=branch)
    theirs = PersonFactory(user=UserFactory(username="2024020501"), organization=other_branch)

    class Picker(forms.Form):
        person = forms.ModelChoiceField(queryset=Person.objects.all())
        organization = forms.ModelChoiceField(queryset=Organization.objects.all())

    picker = Picker(data={"person": theirs.pk, "organization": other_branch.pk})
    scoping.narrow_choices(picker, branch_organizer)
    assert list(picker.fields["person"].queryset) == [mine]
    assert set(picker.fields["organization"].queryset) == {branch}
    assert not picker.is_valid() and set(picker.errors) == {"person", "organization"}

    scoping.narrow_choices(everyone := Picker(), admin)
    assert set(everyone.fields["person"].queryset) == {mine, theirs}
