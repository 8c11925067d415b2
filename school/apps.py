from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "school"
    verbose_name = "School"

    def ready(self):
        # Registers the deployment checks: school.W00x, and the refusal of a production site
        # without a shared cache and broker (school.E00x).
        from school import checks, deploy_checks  # noqa: F401
