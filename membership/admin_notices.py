"""Wagtail admin for public notices (公示): publish one for chosen people, see who is on it and
record what it drew."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets.button import HeaderButton

from membership import records
from membership.models import NoticeEntry, PublicNotice
from membership.selectors import (
    UnknownPeople,
    notice_rows,
    notices_visible_to,
    organizations_visible_to,
    people_visible_to,
    people_with_numbers,
)
from membership.services.notices import (
    notice_period,
    publish_notice,
    record_notice_outcome,
)
from school.admin import AdminPageMixin
from school.exceptions import DomainError
from school.forms import DateInput, split_numbers
from school.scoping import ListOnlyPolicy, ScopedModelViewSet


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PublicNotice.Kind.choices)
    organization = forms.ModelChoiceField(
        label=_("published by"),
        queryset=None,
        help_text=_("Everyone on the notice must be in this organization or under it."),
    )
    numbers = forms.CharField(
        label=_("Student or staff numbers"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "2023103001\n2023103002"}),
        help_text=_("One per line, or separated by commas or 、."),
    )
    starts_on = forms.DateField(label=_("notice starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("notice ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the shortest period the rules allow."),
    )
    feedback = forms.CharField(
        label=_("how to give feedback"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Where people send objections during the notice period: phone, e-mail, office."
        ),
    )
    title = forms.CharField(
        label=_("title"),
        required=False,
        max_length=255,
        help_text=_(
            "Leave empty for the usual title, e.g. 关于拟确定张三等2名同志为发展对象的公示."
        ),
    )
    on_site = forms.BooleanField(
        label=_("Publish it on the site's public notices page"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = organizations_visible_to(user).order_by("path")

    def clean_numbers(self):
        try:
            return people_with_numbers(self.user, split_numbers(self.cleaned_data["numbers"]))
        except UnknownPeople as error:
            raise forms.ValidationError(str(error.detail)) from None


class PublishView(AdminPageMixin, FormView):
    form_class = PublishForm
    template_name = "membership/admin/notice_publish.html"
    page_title = _("Publish a public notice")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("membership.add_publicnotice"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        organized = self.request.user.organized_organizations.order_by("path").first()
        return {
            "starts_on": timezone.localdate(),
            "on_site": True,
            "organization": organized,
            "kind": self.request.GET.get("kind") or PublicNotice.Kind.CANDIDATE,
            "numbers": "\n".join(self.request.GET.getlist("number")),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            notice = publish_notice(
                actor=self.request.user,
                organization=data["organization"],
                kind=data["kind"],
                people=data["numbers"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                feedback=data["feedback"],
                title=data["title"],
                on_site=data["on_site"],
            )
        except DomainError as error:
            form.add_error(None, str(error.detail))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Published “%(title)s”, %(start)s to %(end)s.")
            % {"title": notice.title, "start": notice.starts_on, "end": notice.ends_on},
        )
        return redirect("notices:inspect", notice.pk)

    def get_context_data(self, **kwargs):
        periods = {kind: notice_period(kind) for kind in PublicNotice.Kind.values}
        return super().get_context_data(
            periods=[
                (PublicNotice.Kind(kind).label, n, unit) for kind, (n, unit) in periods.items()
            ],
            **kwargs,
        )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=list(records.NOTICE_OUTCOMES.items()))
    note = forms.CharField(
        label=_("what was raised and how it was looked into"),
        required=False,
        max_length=180,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeView(AdminPageMixin, FormView):
    """Record what the notice drew for one person on it."""

    form_class = OutcomeForm
    template_name = "membership/admin/notice_outcome.html"
    header_icon = "doc-full"

    def dispatch(self, request, pk, entry_id):
        if not request.user.has_perm("membership.add_developmentrecord"):
            raise PermissionDenied
        self.entry = get_object_or_404(
            NoticeEntry.objects.select_related("notice", "person__user").filter(
                person__in=people_visible_to(request.user).values("pk")
            ),
            notice_id=pk,
            pk=entry_id,
        )
        return super().dispatch(request, pk, entry_id)

    def get_page_title(self):
        return _("What the notice drew: %(person)s") % {"person": self.entry.person}

    def form_valid(self, form):
        try:
            record_notice_outcome(
                self.entry,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                actor=self.request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error.detail))
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded."))
        return redirect("notices:inspect", self.entry.notice_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)


class NoticeIndexView(IndexView):
    def get_base_queryset(self):
        # The registry narrows this to the notices in reach; this adds the people count.
        return notices_visible_to(self.request.user)

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("membership.add_publicnotice"):
            buttons.append(
                HeaderButton(
                    _("Publish a public notice"), url=reverse("notices:publish"), icon_name="plus"
                )
            )
        return buttons


class NoticeInspectView(InspectView):
    template_name = "membership/admin/notice_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only the people in reach: who else is on a notice of the university, and what the
        # notice drew for them, belongs to their own organizers.
        found = notice_rows([self.object], user=self.request.user)[self.object.pk]
        rows = [
            {
                "entry": row.entry,
                "outcome": records.NOTICE_OUTCOMES.get(row.outcome) if row.outcome else None,
                "reason": row.record.correction_reason,
            }
            for row in found
        ]
        context.update(
            rows=rows,
            others=self.object.entries.count() - len(rows),
            can_record=self.request.user.has_perm("membership.add_developmentrecord"),
            is_open=self.object.starts_on <= timezone.localdate() <= self.object.ends_on,
        )
        return context


class PublicNoticeViewSet(ScopedModelViewSet):
    """Notices are published by the publish form (which writes every person's record and the
    page), never typed in as rows."""

    model = PublicNotice
    policy_class = ListOnlyPolicy
    copy_view_enabled = False
    inspect_view_enabled = True
    icon = "doc-full"
    menu_label = _("Public notices")
    url_prefix = "notices"
    name = "notices"
    form_fields = ["title"]
    index_view_class = NoticeIndexView
    inspect_view_class = NoticeInspectView
    list_display = [
        "title",
        "kind",
        "organization",
        "starts_on",
        "ends_on",
        Column("people_count", label=_("people")),
    ]
    list_filter = ["kind"]
    search_fields = ["title"]
    inspect_view_fields = [
        "title",
        "kind",
        "organization",
        "starts_on",
        "ends_on",
        "feedback",
        "published_by",
        "published_at",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("publish/", PublishView.as_view(), name="publish"),
            path("<int:pk>/entries/<int:entry_id>/", OutcomeView.as_view(), name="outcome"),
        ]
