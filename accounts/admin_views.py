"""Wagtail admin screens for accounts: user forms and the account page for our user model."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views import account
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts.models import User

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
    class Meta(UserEditForm.Meta):
        fields = {"username", "is_active", "is_superuser", "groups", *USER_DETAIL_FIELDS}


class UserViewSet(WagtailUserViewSet):
    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm


class FullNameEmailForm(NameEmailForm):
    first_name = None
    last_name = None

    class Meta(NameEmailForm.Meta):
        model = User
        fields = USER_DETAIL_FIELDS


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
