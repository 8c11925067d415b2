from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from accounts.models import User
from accounts.services import IDENTITY_CHANGE_ACTION


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
