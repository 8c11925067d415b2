from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("Membership")

    def ready(self):
        from accounts.services import set_identity_scope
        from courses.scope import set_learner_scope
        from membership.selectors import (
            accounts_in_charge_of,
            learners_in_organizations,
            register_reach,
        )

        set_learner_scope(learners_in_organizations)
        set_identity_scope(accounts_in_charge_of)
        register_reach()
