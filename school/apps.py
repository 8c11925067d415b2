from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "school"
    verbose_name = "School"

    def ready(self):
        from school import checks  # noqa: F401 - registers the deployment checks
