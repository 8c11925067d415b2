"""Deployment checks (`manage.py check --deploy`) for what certificates need."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from courses.certificates import render, signing


@checks.register(checks.Tags.security, deploy=True)
def certificate_signing_key(app_configs, **kwargs):
    try:
        signing.load_private_key()
    except ImproperlyConfigured as error:
        return [
            checks.Error(
                str(error).splitlines()[0], hint="Set CERTIFICATE_SIGNING_KEY.", id="courses.E001"
            )
        ]
    return []


@checks.register(deploy=True)
def certificate_font(app_configs, **kwargs):
    try:
        render.find_cjk_font(settings.CERTIFICATE_FONT or None)
    except render.FontNotFound as error:
        return [
            checks.Warning(
                str(error).splitlines()[0],
                hint="Install fonts-noto-cjk or set CERTIFICATE_FONT.",
                id="courses.W001",
            )
        ]
    return []
