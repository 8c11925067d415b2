"""Settings for the online party school, read from environment variables.

The defaults are for development on one machine (SQLite, tasks run in process, local-memory
cache) and are exactly what ``manage.py check --deploy`` flags; production sets the variables
listed in the README.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from audit.retention import parse_retention_days
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
    "audit",
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
    # Kept for the migration that moved its tokens to knox (accounts 0004); nothing reads them.
    "rest_framework.authtoken",
    "knox",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
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
    # Next, so that audit rows written while a request is served carry that address.
    "audit.context.AuditContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Right after the session: an idle signed-in session ends (accounts/middleware.py).
    "accounts.middleware.IdleSessionMiddleware",
    "school.middleware.ChineseFirstLocaleMiddleware",
    # After the language is chosen, so that the refusal is in the user's language.
    "school.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.PasswordAgeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "school.middleware.MissingParameterMiddleware",
    # Last: turns a locked-out log-in into the lockout answer (django-axes).
    "axes.middleware.AxesMiddleware",
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

CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "school.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "school",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages as visitors who are not logged in see them (wagtail-cache, cms/page_cache.py), in
# an alias of their own: publishing empties it, and only it. Five minutes at most, for what a
# page shows from outside the page tree (the school's settings are cleared on save too).
CACHES["pages"] = {
    "BACKEND": (
        "school.cache.RedisCache" if REDIS_URL else "django.core.cache.backends.locmem.LocMemCache"
    ),
    "LOCATION": REDIS_URL or "pages",
    "KEY_PREFIX": "pages",
    "TIMEOUT": parse_int("PAGE_CACHE_SECONDS", env("PAGE_CACHE_SECONDS", "300")),
}
WAGTAIL_CACHE_BACKEND = "pages"
# Every cookie is part of the key (wagtail-cache would drop all but Django's own, and with
# them the messages a page is to show): a visitor with none shares the pages.
WAGTAIL_CACHE_IGNORE_COOKIES = False
WAGTAIL_CACHE = parse_bool("PAGE_CACHE", env("PAGE_CACHE", "true"))

# --- Accounts ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account and address before any password is checked. The
    # variant with ModelBackend's get_user, so that a session naming it still finds its user.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id with parameters measured for a 2-core server (accounts/hashers.py); the others only
# check passwords hashed before, which are rehashed with Argon2 at the next log-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The password policy (等保 level 3): length, three kinds of character, not common, not made of
# campus patterns, not one of the last few (accounts/validators.py).
PASSWORD_MIN_LENGTH = parse_int("PASSWORD_MIN_LENGTH", env("PASSWORD_MIN_LENGTH", "8"))
PASSWORD_HISTORY = parse_int("PASSWORD_HISTORY", env("PASSWORD_HISTORY", "5"))
# The school's own names and initials, which passwords may not be made of.
PASSWORD_CAMPUS_WORDS = parse_list(env("PASSWORD_CAMPUS_WORDS", "jcu,jcdx,jiangcheng"))
# Days after which a password must be changed; 0: never.
PASSWORD_MAX_AGE_DAYS = parse_int("PASSWORD_MAX_AGE_DAYS", env("PASSWORD_MAX_AGE_DAYS", "0"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.CampusPatternValidator"},
    {
        "NAME": "accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"remember": PASSWORD_HISTORY},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learning:mine"
LOGOUT_REDIRECT_URL = "/"

# Lockout (django-axes, accounts/lockout.py): this many failures for one account from one
# address within the window lock that pair for the window; the account is locked from every
# address at the higher count (0: never). Never per address alone: a campus NAT is one address.
LOGIN_FAILURE_LIMIT = parse_int("LOGIN_FAILURE_LIMIT", env("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_FAILURE_LIMIT = parse_int(
    "LOGIN_ACCOUNT_FAILURE_LIMIT", env("LOGIN_ACCOUNT_FAILURE_LIMIT", "20")
)
LOGIN_LOCKOUT_MINUTES = parse_int("LOGIN_LOCKOUT_MINUTES", env("LOGIN_LOCKOUT_MINUTES", "30"))
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Log-ins are recorded by the audit log; axes keeps only the failures it counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# Sessions end after this long without a request, in the site and the admin alike; a used session
# is saved (its expiry moved on) at most once per touch interval (accounts/middleware.py).
SESSION_IDLE_MINUTES = parse_int("SESSION_IDLE_MINUTES", env("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_TOUCH_SECONDS = 60

# API tokens (django-rest-knox): stored as hashes, valid this long after they are issued,
# revoked by logging out or a new password; an account keeps at most this many.
API_TOKEN_HOURS = parse_int("API_TOKEN_HOURS", env("API_TOKEN_HOURS", "10"))
API_TOKENS_PER_USER = 10
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# A second factor (TOTP, django-otp) for staff: optional, or required for every account with
# admin access (accounts/two_factor.py).
STAFF_SECOND_FACTOR_REQUIRED = parse_bool(
    "STAFF_SECOND_FACTOR_REQUIRED", env("STAFF_SECOND_FACTOR_REQUIRED", "false")
)
OTP_TOTP_ISSUER = "网上党校"

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
# Uploads, renditions and certificates: the local folder MEDIA_ROOT, or (MEDIA_STORAGE=s3) a
# bucket of S3-compatible storage (AWS, MinIO, Ceph, a Chinese cloud's OSS/COS) through
# django-storages, which every web and worker host reaches alike. The bucket stays private:
# no ACL on the objects, and every URL the site hands out is signed and expires. Certificates
# are served through the site's own view (holder and staff only) whichever storage holds them.
MEDIA_STORAGE = env("MEDIA_STORAGE", "local").strip().lower()
# Where pages load pictures and video from besides this site (the Content-Security-Policy's
# img-src and media-src): the bucket's address, unless CSP_MEDIA_SOURCES names it.
media_sources: list[str] = []
if MEDIA_STORAGE == "local":
    MEDIA_STORAGE_BACKEND: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    if not env("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the bucket that holds the media."
        )
    # The keys are not copied into the settings: django-storages reads AWS_S3_ACCESS_KEY_ID and
    # AWS_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID…) from the environment itself, and without
    # them boto3 uses its own chain (an instance role).
    _s3_optional = {
        "endpoint_url": "AWS_S3_ENDPOINT_URL",  # empty: AWS itself
        "region_name": "AWS_S3_REGION_NAME",
        "custom_domain": "AWS_S3_CUSTOM_DOMAIN",  # a CDN's host; its URLs are not signed
        "location": "AWS_LOCATION",  # a folder inside the bucket
        "addressing_style": "AWS_S3_ADDRESSING_STYLE",  # "path" for most MinIO set-ups
    }
    MEDIA_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": parse_int(
                "AWS_QUERYSTRING_EXPIRE", env("AWS_QUERYSTRING_EXPIRE", "3600")
            ),
            # As on the local disk: a name already taken gets a suffix rather than replacing
            # another upload (the certificate render deletes its own files first).
            "file_overwrite": False,
            **{option: env(name) for option, name in _s3_optional.items() if env(name)},
        },
    }
    if env("AWS_S3_CUSTOM_DOMAIN"):
        media_sources = [f"https://{env('AWS_S3_CUSTOM_DOMAIN')}"]
    elif env("AWS_S3_ENDPOINT_URL"):
        # boto3 addresses a bucket on its own endpoint by path (endpoint/bucket/name), or as a
        # host name of its own (bucket.endpoint) when the addressing style says "virtual".
        _endpoint = urlsplit(env("AWS_S3_ENDPOINT_URL", ""))
        media_sources = [f"{_endpoint.scheme}://{_endpoint.netloc}"]
        if env("AWS_S3_ADDRESSING_STYLE") == "virtual":
            media_sources.append(f"{_endpoint.scheme}://*.{_endpoint.netloc}")
    else:  # AWS itself: bucket.s3.region.amazonaws.com (.com.cn in China)
        media_sources = ["https://*.amazonaws.com", "https://*.amazonaws.com.cn"]
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE={MEDIA_STORAGE!r} is not a media storage. Use local or s3."
    )
STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
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
SECURE_HSTS_INCLUDE_SUBDOMAINS = parse_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", env("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
)
# Preloading is opt-in: once browsers ship the domain in their preload list, every host under
# it (the university's whole domain, with includeSubDomains) is https-only for months, and
# taking it out again is slow. That is the school's network office's decision, not a default.
SECURE_HSTS_PRELOAD = parse_bool("SECURE_HSTS_PRELOAD", env("SECURE_HSTS_PRELOAD", "false"))
# security.W021 asks for preload; leaving it off is the decision above, not an oversight.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN for themselves.
# Content-Security-Policy (django-csp): scripts and style sheets only from this site, no inline
# script anywhere on the site; inline style attributes are allowed (progress bars, Wagtail's
# responsive embeds), <style> elements are not (accounts/middleware.py).
CSP_MEDIA_SOURCES = parse_list(env("CSP_MEDIA_SOURCES", ",".join(media_sources)))
CSP_FRAME_SOURCES = parse_list(
    env(
        "CSP_FRAME_SOURCES",
        "https://player.bilibili.com,https://v.qq.com,https://player.youku.com,"
        "https://www.youtube.com,https://www.youtube-nocookie.com,https://player.vimeo.com",
    )
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *CSP_MEDIA_SOURCES],
        "media-src": ["'self'", "blob:", *CSP_MEDIA_SOURCES],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *CSP_FRAME_SOURCES],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# What a part of the site needs beyond that, by path prefix: Wagtail's admin writes inline
# scripts (inline panels, date pickers) and styles; Swagger UI's page has a <style> element.
CSP_PATH_ALLOWANCES = {
    "/admin/": {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]},
    "/api/docs/": {"style-src": ["'unsafe-inline'"]},
}
# No avatars from gravatar.com: staff e-mail hashes stay here (and the site reaches nothing
# outside), so the admin shows its own default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

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
# A task is acknowledged when it has finished, not when a worker takes it: a worker that dies
# mid-task (killed, out of memory, the machine lost) leaves it to be run again, and every task
# is safe to run again. Redis hands such a task to another worker once the visibility timeout
# has passed since it was delivered; it must be longer than the longest task and than any
# countdown (retries back off up to 10 minutes), or a task still running is handed out twice.
# Production: the default, an hour. Tests set a few seconds to watch a redelivery.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": parse_int(
        "CELERY_VISIBILITY_TIMEOUT", env("CELERY_VISIBILITY_TIMEOUT", "3600")
    ),
}
# A worker that loses the broker stops its running tasks: the broker redelivers them anyway.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Where beat remembers when each periodic task last ran (one beat per site: two would send
# every periodic task twice).
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule")
)
# A periodic task expires before the next one is due: workers that were down for an hour run
# one sweep when they are back, not sixty.
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "cms.tasks.publish_scheduled_pages",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "sweep-completions": {
        "task": "courses.tasks.sweep_completions",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "close-overdue-exam-attempts": {
        "task": "courses.tasks.close_overdue_exam_attempts",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "purge-audit-log": {"task": "audit.tasks.purge_audit_log", "schedule": 24 * 3600.0},
    "clear-expired-credentials": {
        "task": "accounts.tasks.clear_expired_credentials",
        "schedule": 24 * 3600.0,
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

# --- Uploads ------------------------------------------------------------------------------

# Each kind of upload is refused beyond its size (checked before the file is read) and its rows
# below the header; an .xlsx also beyond what its zip members unpack to (school/spreadsheets.py).
ROSTER_UPLOAD_MAX_BYTES = parse_int(
    "ROSTER_UPLOAD_MAX_BYTES", env("ROSTER_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
)
ROSTER_UPLOAD_MAX_ROWS = parse_int("ROSTER_UPLOAD_MAX_ROWS", env("ROSTER_UPLOAD_MAX_ROWS", "10000"))
QUESTION_UPLOAD_MAX_BYTES = parse_int(
    "QUESTION_UPLOAD_MAX_BYTES", env("QUESTION_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
)
QUESTION_UPLOAD_MAX_ROWS = parse_int(
    "QUESTION_UPLOAD_MAX_ROWS", env("QUESTION_UPLOAD_MAX_ROWS", "5000")
)
VERIFY_UPLOAD_MAX_BYTES = parse_int(
    "VERIFY_UPLOAD_MAX_BYTES", env("VERIFY_UPLOAD_MAX_BYTES", str(2 * 1024 * 1024))
)
VERIFY_UPLOAD_MAX_ROWS = parse_int("VERIFY_UPLOAD_MAX_ROWS", env("VERIFY_UPLOAD_MAX_ROWS", "10000"))
SPREADSHEET_MAX_UNPACKED_BYTES = parse_int(
    "SPREADSHEET_MAX_UNPACKED_BYTES",
    env("SPREADSHEET_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)),
)

# --- Audit log --------------------------------------------------------------------------

# How many days audit rows are kept before the daily purge deletes them: at least 183 (six
# months, 网络安全法 article 21), refused at start-up below that; the database holds the same floor.
AUDIT_RETENTION_DAYS = parse_retention_days(
    "AUDIT_RETENTION_DAYS", env("AUDIT_RETENTION_DAYS", "365")
)

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
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Documents the errors each operation can answer, in the one error shape (school/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "school.openapi.SchoolAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Every list is paged the same way; bad pages and bodies are 400s (school/rest.py).
    "DEFAULT_PAGINATION_CLASS": "school.rest.SchoolPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": [
        "school.rest.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "school.exceptions.api_exception_handler",
    # The contract is /api/schema/. DRF's OPTIONS metadata described serializers and looked
    # objects up on every endpoint (and crashed on viewsets without a serializer); without a
    # metadata class DRF answers OPTIONS with 405, after authentication and permissions.
    "DEFAULT_METADATA_CLASS": None,
    # Throttles key anonymous clients on REMOTE_ADDR, which ClientAddressMiddleware has already
    # resolved against TRUSTED_PROXIES; 0 keeps DRF from reading X-Forwarded-For itself.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        # Only a ceiling per address, far above a campus NAT's exam morning (3,000 log-ins in
        # five minutes is 600 a minute): accounts are protected by the lockout, per account and
        # address (accounts/lockout.py).
        "login": env("LOGIN_RATE_PER_ADDRESS", "1200/min"),
        "heartbeat": "20/min",
        "answer": "120/min",
        "verify": "30/min",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "网上党校 API",
    "DESCRIPTION": (
        "Online party school: curriculum, learning, exams, certificates, membership. "
        "Every error answers one body, Error: a stable code, a detail in the request's "
        "language and, for invalid input, the errors per field. Lists are paged (page, "
        "page_size). A method a path does not document (OPTIONS included) answers 405."
    ),
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
        # django-axes says at INFO that it started, and how it handled every log-in.
        "axes": {"level": "WARNING"},
    },
}
