"""Settings for the online party school, read from environment variables.

The defaults are for development on one machine (SQLite, tasks run in process, local-memory
cache) and are exactly what ``manage.py check --deploy`` flags; production sets the variables
listed in the README.
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from school.env import (
    parse_bool,
    parse_database_url,
    parse_int,
    parse_list,
    parse_networks,
    parse_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
env = os.environ.get

# --- Core -------------------------------------------------------------------------------

DEBUG = parse_bool("DEBUG", env("DEBUG", "true"))
SECRET_KEY = env("SECRET_KEY", "django-insecure-development-only-do-not-deploy")
ALLOWED_HOSTS = parse_list(env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver"))
CSRF_TRUSTED_ORIGINS = parse_list(env("CSRF_TRUSTED_ORIGINS", ""))
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Ours first, so our templates override Wagtail's where we customise them.
    "accounts.apps.AccountsConfig",
    "cms",
    "courses",
    "membership",
    "school",
    "accounts.apps.WagtailUsersConfig",
    "wagtailmedia",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "drf_spectacular_sidecar",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so that everything after it reads the client's real address in REMOTE_ADDR.
    "school.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "school.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "school.middleware.MissingParameterMiddleware",
]

if not DEBUG:
    # In production gunicorn serves the collected static files itself; in development
    # runserver serves them straight from the apps.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "school.urls"
WSGI_APPLICATION = "school.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------

DATABASES = {
    "default": parse_database_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = parse_redis_url(os.environ["REDIS_URL"]) if env("REDIS_URL") else None

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "school",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- Language and time ------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "school_language"
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Security (production values when DEBUG is off) -------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks). Empty:
# nobody's, and the client is the socket's peer. school.middleware.ClientAddressMiddleware
# puts the client's address in REMOTE_ADDR for throttles, rate limits and logs.
TRUSTED_PROXIES = parse_networks("TRUSTED_PROXIES", env("TRUSTED_PROXIES", ""))
SECURE_SSL_REDIRECT = parse_bool("SECURE_SSL_REDIRECT", env("SECURE_SSL_REDIRECT", str(not DEBUG)))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = parse_int(
    "SECURE_HSTS_SECONDS", env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN for themselves.

# --- E-mail -----------------------------------------------------------------------------

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = parse_int("EMAIL_PORT", env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = parse_bool("EMAIL_USE_TLS", env("EMAIL_USE_TLS", "false"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "网上党校 <noreply@party-school.example>")

# --- Background work --------------------------------------------------------------------

# The project's own work runs on Celery. Without REDIS_URL it runs eagerly, in process, so
# `make run` needs nothing but Python; with REDIS_URL it goes to real workers.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {"task": "cms.tasks.publish_scheduled_pages", "schedule": 60.0},
    "sweep-completions": {"task": "courses.tasks.sweep_completions", "schedule": 600.0},
    "close-overdue-exam-attempts": {
        "task": "courses.tasks.close_overdue_exam_attempts",
        "schedule": 60.0,
    },
}

# Wagtail's own background work (search index updates, image renditions) uses django-tasks;
# it runs immediately, in the request that caused it.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Learning ---------------------------------------------------------------------------

# Lesson pages send a heartbeat this often while they are visible and focused; a gap longer
# than the interval plus the grace earns no study time (courses/progress.py).
STUDY_HEARTBEAT_SECONDS = parse_int("STUDY_HEARTBEAT_SECONDS", env("STUDY_HEARTBEAT_SECONDS", "15"))
STUDY_HEARTBEAT_GRACE_SECONDS = 10

# --- Certificates -------------------------------------------------------------------------

# A font with Chinese glyphs for certificates; empty: found in the usual places (Noto CJK…).
CERTIFICATE_FONT = env("CERTIFICATE_FONT", "")
# The Ed25519 private key that signs certificates: PEM text or a path to a PEM file. Empty in
# development: a key is made in var/keys/. Production must set it (and keep it secret).
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", "")
CERTIFICATE_SERIAL_PREFIX = env("CERTIFICATE_SERIAL_PREFIX", "DX")

# --- Membership -------------------------------------------------------------------------

# The rule pack eligibility is checked against (membership/rulepacks/): cpc-2014, cpc-2026.05
# or school (the 2026 rules with this school's local rules).
MEMBERSHIP_RULE_PACK = env("MEMBERSHIP_RULE_PACK", "school")

# --- Wagtail ----------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "网上党校"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Chinese text is segmented with jieba before it is indexed (see cms/search.py), so the
# database's own full-text search only has to split on spaces: the "simple" configuration,
# no English stemming.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "doc", "pdf", "pptx", "ppt", "txt", "xlsx", "xls", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILMEDIA = {
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "aac", "ogg", "wav"],
    "VIDEO_EXTENSIONS": ["mp4", "webm", "m4v", "mov"],
}
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_PASSWORD_RESET_ENABLED = True

# --- API --------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: an unauthenticated call then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "school.exceptions.api_exception_handler",
    # The contract is /api/schema/. DRF's OPTIONS metadata described serializers and looked
    # objects up on every endpoint (and crashed on viewsets without a serializer); without a
    # metadata class DRF answers OPTIONS with 405, after authentication and permissions.
    "DEFAULT_METADATA_CLASS": None,
    # Throttles key anonymous clients on REMOTE_ADDR, which ClientAddressMiddleware has already
    # resolved against TRUSTED_PROXIES; 0 keeps DRF from reading X-Forwarded-For itself.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "login": "10/min",
        "heartbeat": "20/min",
        "answer": "120/min",
        "verify": "30/min",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "网上党校 API",
    "DESCRIPTION": "Online party school: curriculum, learning, exams, certificates, membership.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["school.openapi.public_api_only"],
    "ENUM_NAME_OVERRIDES": {
        "AttemptStatusEnum": "courses.models.exams.Attempt.Status",
        "CertificateStatusEnum": "courses.models.certificates.Certificate.Status",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: a school's network may not reach a public CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail's immediate tasks log every run at INFO; that is noise in a console.
        "django_tasks": {"level": "WARNING"},
        # fontTools reports every glyph it subsets (dossier PDFs) at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
