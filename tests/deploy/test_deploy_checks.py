"""`check --deploy` refuses a production site without a shared cache and broker
(school/deploy_checks.py); and the production settings read from the environment: the media
storage (local or S3-compatible) and HSTS.

Settings are computed when school.settings is imported, so each variant runs in a new process
with its own environment, as in tests/school/test_env.py."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import checks

from school.deploy_checks import shared_cache_and_broker
from tests.school.test_env import production

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"  # production()'s REDIS_URL
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
# Variables the suite may run with that would leak into a variant.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "MEDIA_STORAGE"}


def environment(variables: dict[str, str]) -> dict[str, str]:
    inherited = {
        k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith("AWS_")
    }
    return {**inherited, "DJANGO_SETTINGS_MODULE": "school.settings", **variables}


def manage(*args: str, variables: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def python(code: str, variables: dict[str, str]):
    """Run ``code`` with Django set up under ``variables``; what it prints last, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", f"import django, json\ndjango.setup()\n{code}"],
        cwd=ROOT,
        env=environment(variables),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The check itself, on settings changed in place ---------------------------------------


@pytest.fixture
def production_settings(settings):
    settings.DEBUG = False
    settings.REDIS_URL = REDIS
    settings.CACHES = REDIS_CACHE
    settings.CELERY_BROKER_URL = REDIS
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages]


def test_production_settings_with_redis_pass(production_settings):
    assert shared_cache_and_broker(None) == []


def test_production_without_redis_is_one_error(production_settings):
    production_settings.REDIS_URL = None
    production_settings.CACHES = LOCMEM
    production_settings.CELERY_BROKER_URL = "memory://"
    production_settings.CELERY_TASK_ALWAYS_EAGER = True
    [error] = shared_cache_and_broker(None)
    assert (error.id, error.level) == ("school.E001", checks.ERROR)
    assert "REDIS_URL" in error.msg and "preview" in error.msg


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_a_cache_of_each_process_s_own_is_refused(production_settings, backend):
    production_settings.CACHES = {"default": {"BACKEND": backend}}
    [error] = shared_cache_and_broker(None)
    assert (error.id, error.level) == ("school.E002", checks.ERROR)
    assert "'default'" in error.msg


def test_every_cache_alias_must_be_shared(production_settings):
    """Cached pages are emptied on publish: in one process's memory, the others keep theirs."""
    production_settings.CACHES = {**REDIS_CACHE, "pages": LOCMEM["default"]}
    [error] = shared_cache_and_broker(None)
    assert error.id == "school.E002" and "'pages'" in error.msg


@pytest.mark.parametrize(("eager", "broker"), [(True, REDIS), (False, "memory://")])
def test_tasks_that_never_leave_the_process_are_refused(production_settings, eager, broker):
    production_settings.CELERY_TASK_ALWAYS_EAGER = eager
    production_settings.CELERY_BROKER_URL = broker
    [error] = shared_cache_and_broker(None)
    assert (error.id, error.level) == ("school.E003", checks.ERROR)


def test_development_is_not_checked(settings):
    """`make run`: DEBUG on, no Redis, local memory and eager tasks are the defaults."""
    settings.DEBUG = True
    settings.REDIS_URL = None
    settings.CACHES = LOCMEM
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert shared_cache_and_broker(None) == []


def test_without_redis_production_gets_the_error_not_the_warning_too(production_settings):
    """school.W001 (tasks in process, no beat) would repeat the cause school.E001 names."""
    production_settings.REDIS_URL = None
    found = ids(checks.run_checks(include_deployment_checks=True))
    assert "school.E001" in found
    assert "school.W001" not in found


def test_without_redis_development_gets_the_warning(settings):
    """With DEBUG on nothing refuses the missing Redis: the warning is all `check --deploy`
    says of the background work that will not run."""
    settings.DEBUG = True
    settings.REDIS_URL = None
    found = ids(checks.run_checks(include_deployment_checks=True))
    assert "school.W001" in found
    assert "school.E001" not in found


def test_the_check_is_registered_for_deployment(production_settings):
    production_settings.CACHES = LOCMEM
    assert "school.E002" in ids(checks.run_checks(include_deployment_checks=True))
    assert "school.E002" not in ids(checks.run_checks(include_deployment_checks=False))
    assert "school.E002" in ids(
        checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    )


# --- `manage.py check --deploy` with the settings a site's environment makes --------------


def test_check_deploy_fails_on_production_settings_without_redis(tmp_path):
    result = manage("check", "--deploy", variables=production(tmp_path, REDIS_URL=""))
    assert result.returncode != 0
    assert "school.E001" in result.stderr
    assert "school.E002" not in result.stderr  # one cause, one error
    assert "school.W001" not in result.stdout + result.stderr  # and no warning for it either


def test_check_deploy_passes_production_settings_with_redis(tmp_path):
    """No error; and, with HSTS preload off by default, not Django's warning that asks for it
    (security.W021, silenced: preloading is the school's decision). The strictest run, any
    warning failing, is tests/school/test_env.py's."""
    result = manage("check", "--deploy", variables=production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "school.E00" not in result.stdout + result.stderr
    assert "security.W021" not in result.stdout + result.stderr


def test_with_redis_the_previews_and_throttles_share_the_redis_cache(tmp_path):
    """Import previews (courses/admin_exams.py, membership/admin_views.py), DRF's throttles and
    django-ratelimit all use the default cache, which is Redis once REDIS_URL is set."""
    shown = python(
        "from django.core.cache import cache, caches\n"
        "from django.conf import settings\n"
        "from rest_framework.throttling import SimpleRateThrottle\n"
        "from courses import admin_exams\n"
        "from membership import admin_views\n"
        "print(json.dumps({\n"
        "  'backend': type(caches['default']).__name__,\n"
        "  'location': settings.CACHES['default']['LOCATION'],\n"
        "  'previews': [m.cache is cache for m in (admin_exams, admin_views)],\n"
        "  'throttles': SimpleRateThrottle.cache is cache,\n"
        "  'ratelimit': getattr(settings, 'RATELIMIT_USE_CACHE', 'default'),\n"
        "}))",
        production(tmp_path),
    )
    assert shown == {
        "backend": "RedisCache",
        "location": REDIS,
        "previews": [True, True],
        "throttles": True,
        "ratelimit": "default",
    }


# --- Media storage ------------------------------------------------------------------------


def test_media_stay_on_the_local_disk_by_default(tmp_path):
    shown = python(
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(json.dumps([type(s).__name__, str(s.location)]))",
        production(tmp_path, MEDIA_ROOT=str(tmp_path / "media")),
    )
    assert shown == ["FileSystemStorage", str(tmp_path / "media")]


S3 = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "dangxiao-media",
    "AWS_S3_ENDPOINT_URL": "https://minio.example.edu.cn:9000",
    "AWS_S3_REGION_NAME": "cn-east-1",
    "AWS_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
}

SHOW_STORAGE = """
from django.core.files.storage import storages
s = storages['default']
print(json.dumps({
    'class': f'{type(s).__module__}.{type(s).__name__}',
    'bucket': s.bucket_name,
    'endpoint': s.endpoint_url,
    'region': s.region_name,
    'access_key': s.access_key,
    'acl': s.default_acl,
    'signed': s.querystring_auth,
    'overwrite': s.file_overwrite,
    'domain': s.custom_domain,
    # boto3 signs the address itself: no request leaves the machine.
    'url': s.url('certificates/0123abcd.pdf'),
    'img_src': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'],
}))
"""


def test_media_storage_s3_builds_a_private_s3_storage_from_the_environment(tmp_path):
    shown = python("from django.conf import settings\n" + SHOW_STORAGE, production(tmp_path, **S3))
    assert shown["class"] == "storages.backends.s3.S3Storage"
    assert (shown["bucket"], shown["endpoint"], shown["region"]) == (
        "dangxiao-media",
        "https://minio.example.edu.cn:9000",
        "cn-east-1",
    )
    assert shown["access_key"] == "AKIDEXAMPLE"
    # Private: no ACL on the objects, every address signed and expiring; no name replaced.
    assert (shown["acl"], shown["signed"], shown["overwrite"], shown["domain"]) == (
        None,
        True,
        False,
        None,
    )
    url = urlsplit(shown["url"])
    assert f"{url.scheme}://{url.netloc}" == "https://minio.example.edu.cn:9000"
    assert url.path == "/dangxiao-media/certificates/0123abcd.pdf"
    assert "X-Amz-Signature=" in url.query and "X-Amz-Expires=3600" in url.query
    # Pages may show pictures from the bucket (the Content-Security-Policy allows its address).
    assert "https://minio.example.edu.cn:9000" in shown["img_src"]


def test_a_custom_domain_is_used_for_addresses_and_allowed_by_the_policy(tmp_path):
    shown = python(
        "from django.conf import settings\n" + SHOW_STORAGE,
        production(tmp_path, **S3, AWS_S3_CUSTOM_DOMAIN="media.dangxiao.example.edu.cn"),
    )
    assert shown["domain"] == "media.dangxiao.example.edu.cn"
    assert shown["url"].startswith("https://media.dangxiao.example.edu.cn/certificates/")
    assert "https://media.dangxiao.example.edu.cn" in shown["img_src"]


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE"),
    ],
)
def test_an_unusable_media_storage_stops_the_start_with_one_line(tmp_path, variables, named):
    result = manage("check", variables=production(tmp_path, **variables))
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: MEDIA_STORAGE")
    assert named in result.stderr
    assert "Traceback" not in result.stderr


# --- HSTS -----------------------------------------------------------------------------------

SHOW_HSTS = """
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
response = SecurityMiddleware(lambda request: HttpResponse())(RequestFactory().get('/', secure=True))
print(json.dumps(response.headers.get('Strict-Transport-Security')))
"""


@pytest.mark.parametrize(
    ("variables", "header"),
    [
        ({}, "max-age=31536000; includeSubDomains"),
        ({"SECURE_HSTS_PRELOAD": "true"}, "max-age=31536000; includeSubDomains; preload"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, "max-age=31536000"),
        ({"DEBUG": "true"}, None),  # development: no HSTS at all
    ],
)
def test_hsts_preload_is_opt_in(tmp_path, variables, header):
    assert python(SHOW_HSTS, production(tmp_path, **variables)) == header


def test_a_preload_typo_is_refused(tmp_path):
    result = manage("check", variables=production(tmp_path, SECURE_HSTS_PRELOAD="maybe"))
    assert result.returncode == 2
    assert "SECURE_HSTS_PRELOAD='maybe'" in result.stderr
