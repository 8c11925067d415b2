"""API tokens were DRF's: kept in plain text, never expiring. They move to django-rest-knox,
which keeps only a hash and an expiry: each existing token keeps working, as a knox token
with the full lifetime from now (API_TOKEN_HOURS), and the plain-text copy is deleted."""

import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def move_tokens(apps, schema_editor):
    OldToken = apps.get_model("authtoken", "Token")
    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + timezone.timedelta(hours=settings.API_TOKEN_HOURS)
    # knox's lookup: the first 15 characters, then the SHA-512 of the whole key.
    AuthToken.objects.bulk_create(
        AuthToken(
            digest=hashlib.sha512(old.key.encode()).hexdigest(),
            token_key=old.key[:15],
            user_id=old.user_id,
            expiry=expiry,
        )
        for old in OldToken.objects.all().iterator()
    )
    OldToken.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_add_password_history"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(move_tokens, migrations.RunPython.noop)]
