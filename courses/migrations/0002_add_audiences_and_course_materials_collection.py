"""The four audiences, and the "课程资料" collection where instructors keep their files.

Instructors add, change and choose images, documents and media in that collection; reviewers
choose from it; school admins (党委组织部) manage every page and every collection.
"""

from django.db import migrations

AUDIENCES = ["activist", "candidate", "probationary", "member"]
MATERIALS = "课程资料"
INSTRUCTORS, REVIEWERS, SCHOOL_ADMINS = "党校教师", "课程审核员", "党委组织部"

FILE_MODELS = [("wagtailimages", "image"), ("wagtaildocs", "document"), ("wagtailmedia", "media")]


def permission(apps, app_label, model, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    return Permission.objects.get_or_create(
        content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
    )[0]


def forwards(apps, schema_editor):
    Audience = apps.get_model("courses", "Audience")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Page = apps.get_model("wagtailcore", "Page")

    for code in AUDIENCES:
        Audience.objects.get_or_create(code=code)

    root = Collection.objects.get(depth=1)
    materials = Collection.objects.filter(name=MATERIALS, depth=2).first()
    if materials is None:
        # treebeard's API is not available on historical models: append a child by hand.
        last = Collection.objects.filter(depth=2).order_by("-path").first()
        step = int(last.path[-4:], 36) + 1 if last else 1
        path = root.path + format_base36(step).rjust(4, "0")
        materials = Collection.objects.create(name=MATERIALS, path=path, depth=2, numchild=0)
        root.numchild += 1
        root.save(update_fields=["numchild"])

    grants = {
        INSTRUCTORS: (materials, ["add", "change", "choose"]),
        REVIEWERS: (materials, ["choose"]),
        SCHOOL_ADMINS: (root, ["add", "change", "delete", "choose"]),
    }
    for group_name, (collection, actions) in grants.items():
        group = Group.objects.get(name=group_name)
        for app_label, model in FILE_MODELS:
            for action in actions:
                if model == "media" and action == "choose":
                    action = "change"  # wagtailmedia has no separate "choose" permission
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission(apps, app_label, model, action)
                )

    admins = Group.objects.get(name=SCHOOL_ADMINS)
    root_page = Page.objects.get(depth=1)
    for action in ["add", "change", "publish", "bulk_delete", "lock", "unlock"]:
        GroupPagePermission.objects.get_or_create(
            group=admins, page=root_page, permission=permission(apps, "wagtailcore", "page", action)
        )


def format_base36(number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while number:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
    return text or "0"


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_add_curriculum_pages"),
        ("accounts", "0002_create_role_groups"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailmedia", "0005_alter_media_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
