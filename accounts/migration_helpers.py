"""Helpers for data migrations. They take the historical ``apps``, never today's models."""


def grant(apps, group_name: str, app_label: str, model_actions: dict[str, list[str]]) -> None:
    """Give a role group model permissions, e.g. ``{"cohort": ["add", "change", "view"]}``.

    Content types and permissions are created when missing: Django makes them only after all
    migrations have run, and a fresh database runs this migration before that.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.get(name=group_name)
    for model, actions in model_actions.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            group.permissions.add(permission)
