from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.models import Group

        from school import scoping

        # The roles: assigned in the users admin, which only school admins hold. Membership
        # registers who reaches which accounts (only it knows who organizes whom).
        scoping.register_open(Group, "roles, assigned by school admins in the users admin")


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (one full name, no first/last)."""

    user_viewset = "accounts.admin_views.UserViewSet"
