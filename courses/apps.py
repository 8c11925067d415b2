from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses import (
            checks,  # noqa: F401 - registers the deployment checks
            receivers,  # noqa: F401 - connects the cache's receivers
        )
        from courses.scope import register_reach

        register_reach()
