from django.core.exceptions import FieldDoesNotExist
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from accounts import two_factor, views
from accounts.models import User
from accounts.services import IDENTITY_CHANGE_ACTION, UNLOCK_ACTION, is_school_admin


@hooks.register("register_admin_urls")
def register_account_security_urls():
    return [
        path(
            "two-factor/verify/",
            views.TwoFactorVerifyView.as_view(),
            name="accounts_two_factor_verify",
        ),
        path("two-factor/", views.TwoFactorSetupView.as_view(), name="accounts_two_factor_setup"),
        path(
            "two-factor/reset/",
            views.SecondFactorResetView.as_view(),
            name="accounts_two_factor_reset",
        ),
        path("lockouts/", views.LockoutsView.as_view(), name="accounts_lockouts"),
    ]


class SchoolAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return is_school_admin(request.user)


@hooks.register("register_settings_menu_item")
def lockouts_menu_item():
    return SchoolAdminMenuItem(
        gettext_lazy("Log-in lockouts"), reverse("accounts_lockouts"), icon_name="lock", order=610
    )


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("accounts_two_factor_setup"),
        "label": _("Two-step verification"),
        "help_text": _("Ask for a code from an authenticator app after the password."),
    }


@hooks.register("register_log_actions")
def register_account_security_actions(actions):
    actions.register_action(
        UNLOCK_ACTION, gettext_lazy("Unlock"), gettext_lazy("Cleared the failed log-ins")
    )
    actions.register_action(
        two_factor.REMOVE_ACTION,
        gettext_lazy("Remove two-step verification"),
        gettext_lazy("Removed two-step verification"),
    )


@hooks.register("register_log_actions")
def register_identity_change(actions):
    @actions.register_action(IDENTITY_CHANGE_ACTION)
    class IdentityChangeFormatter(LogFormatter):
        """How a change of name or number reads in the account's history (change_identity)."""

        label = gettext_lazy("Change of name or number")

        def format_message(self, log_entry):
            data = log_entry.data
            try:
                field = User._meta.get_field(data["field"]).verbose_name
                return _("Changed the %(field)s from “%(before)s” to “%(after)s”: %(reason)s") % {
                    "field": field,
                    "before": data["before"],
                    "after": data["after"],
                    "reason": data["reason"],
                }
            except (KeyError, TypeError, FieldDoesNotExist):
                return _("Changed the name or the number")
