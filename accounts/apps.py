from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from axes.models import AccessAttempt
        from django.contrib.auth.models import Group
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from knox.models import AuthToken

        from accounts import (
            receivers,  # noqa: F401 - connects the signal receivers
            services,
            two_factor,
        )
        from accounts.models import PasswordHistory
        from school import scoping

        # The roles: assigned in the users admin, which only school admins hold. Membership
        # registers who reaches which accounts (only it knows who organizes whom).
        scoping.register_open(Group, "roles, assigned by school admins in the users admin")
        # Failed log-ins name accounts and addresses: school admins only (the unlock page).
        scoping.register(AccessAttempt, services.lockouts_visible_to)
        # Secrets and credentials: one's own, or nobody's.
        scoping.register(TOTPDevice, two_factor.devices_visible_to)
        scoping.register(AuthToken, lambda user: AuthToken.objects.filter(user=user))
        scoping.register(PasswordHistory, lambda user: PasswordHistory.objects.none())


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our user model (one full name, no first/last)."""

    user_viewset = "accounts.admin_views.UserViewSet"
