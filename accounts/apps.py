from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (one full name, no first/last)."""

    user_viewset = "accounts.admin_views.UserViewSet"
