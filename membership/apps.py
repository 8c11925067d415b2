from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "membership"
    verbose_name = _("Membership")

    def ready(self):
        from courses.scope import set_learner_scope
        from membership.selectors import learners_in_organizations

        set_learner_scope(learners_in_organizations)
