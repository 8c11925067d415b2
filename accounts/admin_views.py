"""Wagtail admin screens for accounts: user forms and the account page for our user model."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views import account
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts.models import User
from accounts.services import (
    IDENTITY_FIELDS,
    IdentityError,
    ReasonRequired,
    change_identity,
)
from school.scoping import ScopedViewsMixin

USER_DETAIL_FIELDS = ["full_name", "phone", "email"]


class UserDetailsMixin(forms.ModelForm):
    # Wagtail's forms declare first and last name; our users have one full name instead.
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("email"))


class AccountCreationForm(UserDetailsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = {"username", "is_superuser", "groups", *USER_DETAIL_FIELDS}


class AccountEditForm(UserDetailsMixin, UserEditForm):
    """An account as an administrator edits it. A new full name or number needs a reason, and
    is saved by ``change_identity`` (which records it), not by the form. One's own name and
    number are shown but not editable: someone else keeps them."""

    reason = forms.CharField(
        label=_("reason for the change"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the full name or the number changes; kept in the history."),
    )

    class Meta(UserEditForm.Meta):
        fields = {"username", "is_active", "is_superuser", "groups", *USER_DETAIL_FIELDS}

    def __init__(self, *args, **kwargs):
        editing_self = kwargs.get("editing_self", False)
        super().__init__(*args, **kwargs)
        if editing_self:
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True
            del self.fields["reason"]

    def identity_changes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in IDENTITY_FIELDS
            if name in self.changed_data and name in self.cleaned_data
        }

    def clean(self):
        cleaned = super().clean()
        if self.identity_changes() and not cleaned.get("reason", "").strip():
            self.add_error("reason", ReasonRequired.default_detail)
        return cleaned


class AccountEditView(WagtailUserEditView):
    def save_instance(self):
        changes = self.form.identity_changes()
        # Validating the form wrote the new values onto the instance; put the old ones back, so
        # that the name and the number change only through the service, which records them.
        for name in changes:
            setattr(self.form.instance, name, self.form.initial[name])
        instance = super().save_instance()
        if changes:
            instance = change_identity(
                instance,
                actor=self.request.user,
                reason=self.form.cleaned_data["reason"],
                **changes,
            )
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # saves in one transaction, rolled back on refusal
        except IdentityError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.detail))
            return self.form_invalid(form)


class UserViewSet(ScopedViewsMixin, WagtailUserViewSet):
    """Wagtail's users admin, through the registry like every admin of ours (membership says
    whose accounts a user reaches; the users admin itself is for school admins)."""

    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"
    edit_view_class = AccountEditView

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm


class FullNameEmailForm(NameEmailForm):
    """One's own contact details. The name is shown, not edited: it is on certificates and files,
    and the school administrators change it, with a reason (``change_identity``)."""

    first_name = None
    last_name = None

    class Meta(NameEmailForm.Meta):
        model = User
        fields = USER_DETAIL_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["full_name"]
        name.disabled = True
        name.required = False
        name.help_text = _("Your name is changed by the school administrators. Ask them.")


class FullNameEmailSettingsPanel(account.NameEmailSettingsPanel):
    form_class = FullNameEmailForm


class AccountView(account.AccountView):
    """Wagtail's "account" page with our name, phone and email panel in place of its own."""

    def get_panels(self):
        return [
            FullNameEmailSettingsPanel(panel.request, panel.user, panel.profile)
            if isinstance(panel, account.NameEmailSettingsPanel)
            else panel
            for panel in super().get_panels()
        ]
