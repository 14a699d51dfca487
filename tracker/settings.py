"""Claimtrack settings: one file, every knob read from the environment (see README.md)."""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tracker.env import (
    envbool,
    envint,
    envlist,
    envnetworks,
    envrate,
    envstr,
    envurl,
    redact,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "claimtrack-development-only-key-never-use-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_URL = envurl("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
PUBLISHER_NAME = envstr("PUBLISHER_NAME", "Claimtrack")
PUBLISHER_URL = envurl("PUBLISHER_URL", SITE_URL, schemes=("http", "https"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "claims",
    "sources",
    "intake",
    "public",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception:  # dj_database_url raises several types, quoting the URL with its password
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL we understand: {redact(DATABASE_URL)!r}"
    ) from None
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgresql://) or SQLite")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Parallel workers per query: PostgreSQL's default (2) starts helper processes for a single
    # page's query, which on a busy server costs more than it saves (bench/README.md, scale:
    # the slowest pages' database time halves at 1M claims with 0). Off unless asked for.
    DATABASE_PARALLEL_WORKERS = envint("DATABASE_PARALLEL_WORKERS", 0)
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(  # after any `options` the URL itself gave
        filter(
            None,
            [
                _options.get("options"),
                f"-c max_parallel_workers_per_gather={DATABASE_PARALLEL_WORKERS}",
            ],
        )
    )
DATABASES["default"]["TEST"] = {"NAME": envstr("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = envurl("CACHE_URL", envstr("REDIS_URL"), schemes=("redis", "rediss", "locmem"))
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "claimtrack",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("vi", _("Vietnamese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tracker.formats"]  # Vietnamese dates read inside a sentence
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# TLS (see docs/security.md). Served over https (an https SITE_URL), the site redirects plain
# http and sends HSTS; behind a TLS-terminating proxy, SECURE_PROXY_SSL_HEADER names the header
# that proxy sets (e.g. X-Forwarded-Proto) so Django knows the request came in over https.
# Never set it unless the proxy overwrites that header: otherwise clients could forge it.
SERVED_OVER_HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SERVED_OVER_HTTPS
CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", SERVED_OVER_HTTPS and not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = envint(
    "SECURE_HSTS_SECONDS", 31_536_000 if SERVED_OVER_HTTPS and not DEBUG else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
_proxy_ssl_header = envstr("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    if not re.fullmatch(r"[A-Za-z0-9-]+", _proxy_ssl_header):
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, "
            f"not {_proxy_ssl_header!r}"
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )

# How many reverse proxies in front of the site append to X-Forwarded-For. 0 (the default):
# the client is REMOTE_ADDR and X-Forwarded-For is ignored, since anyone can send it. N: the
# client is the address the N-th proxy from the right saw. API throttles and admin lockouts key
# on this address, so a wrong count lets clients pick their own.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# Admin login throttling and lockout (django-axes): after AXES_FAILURE_LIMIT failures from one
# address for one username, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tracker.clientip.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}

# Celery: with no broker configured, tasks run eagerly in-process (the embedded default). In
# production that would run link checks and webhook retries inside web requests, so a system
# check (tracker.checks) refuses it unless CELERY_TASK_ALWAYS_EAGER=1 asks for it explicitly.
CELERY_BROKER_URL = envurl("CELERY_BROKER_URL", "", schemes=("redis", "rediss", "amqp", "memory"))
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_EAGER_REQUESTED = "CELERY_TASK_ALWAYS_EAGER" in os.environ
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Link checker
LINKCHECK_ALLOWED_PRIVATE_NETWORKS = envnetworks("LINKCHECK_ALLOWED_PRIVATE_NETWORKS")
ARCHIVE_AVAILABILITY_URL = envurl(
    "ARCHIVE_AVAILABILITY_URL", "https://archive.org/wayback/available", schemes=("http", "https")
)

# REST API (see docs/api.md)
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_SCHEMA_CLASS": "tracker.api.ClaimtrackAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api_limits.CursorPage",
    "DEFAULT_PARSER_CLASSES": [
        "tracker.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.api_limits.AnonThrottle",
        "tracker.api_limits.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": envrate("API_THROTTLE_ANON", "120/minute"),
        "user": envrate("API_THROTTLE_USER", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "tracker.api.api_exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claimtrack API",
    "DESCRIPTION": "Verification status of public claims, and the editorial workflow for tools.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "sources.models.LANGUAGE_CHOICES",
        "StatusEnum": "claims.workflow.Status",
        "SpeakerKindEnum": "claims.models.Speaker.Kind",
        "SourceKindEnum": "sources.models.Source.Kind",
        "WebhookEventTypeEnum": "webhooks.models.EventType",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Public site: cached pages (0 turns the cache off), security headers
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", 600)
PUBLIC_PAGE_SIZE = 20
CSP_EXEMPT_PREFIXES = ["/api/"]
MIDDLEWARE += ["tracker.headers.SecurityHeadersMiddleware"]

# Link health (sources.linkcheck): see docs/linkcheck.md for what each knob does.
LINKCHECK_CONCURRENCY = envint("LINKCHECK_CONCURRENCY", 50, minimum=1)
LINKCHECK_PER_HOST_CONCURRENCY = envint("LINKCHECK_PER_HOST_CONCURRENCY", 2)
LINKCHECK_PER_HOST_INTERVAL_MS = envint("LINKCHECK_PER_HOST_INTERVAL_MS", 1000)
LINKCHECK_CONNECT_TIMEOUT = envint("LINKCHECK_CONNECT_TIMEOUT", 5, minimum=1)
LINKCHECK_READ_TIMEOUT = envint("LINKCHECK_READ_TIMEOUT", 10, minimum=1)
LINKCHECK_TOTAL_TIMEOUT = envint("LINKCHECK_TOTAL_TIMEOUT", 20, minimum=1)
INTAKE_MAX_BYTES = envint("INTAKE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
INTAKE_MAX_CANDIDATES = envint("INTAKE_MAX_CANDIDATES", 300, minimum=1)
LINKCHECK_MAX_BYTES = envint("LINKCHECK_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
LINKCHECK_RETRY_AFTER_MAX = envint("LINKCHECK_RETRY_AFTER_MAX", 30)
LINKCHECK_BATCH_SIZE = envint("LINKCHECK_BATCH_SIZE", 200, minimum=1)
LINKCHECK_BATCHES_PER_RUN = envint("LINKCHECK_BATCHES_PER_RUN", 20, minimum=1)
LINKCHECK_LEASE_SECONDS = envint("LINKCHECK_LEASE_SECONDS", 900, minimum=10)
LINKCHECK_RECHECK_DAYS = envint("LINKCHECK_RECHECK_DAYS", 7, minimum=1)
LINKCHECK_HISTORY = envint("LINKCHECK_HISTORY", 20, minimum=1)
LINKCHECK_CHANGE_THRESHOLD = envint("LINKCHECK_CHANGE_THRESHOLD", 50)
if LINKCHECK_CHANGE_THRESHOLD > 100:
    raise ImproperlyConfigured("LINKCHECK_CHANGE_THRESHOLD is a percentage (0 to 100)")
LINKCHECK_USER_AGENT = envstr(
    "LINKCHECK_USER_AGENT", f"ClaimtrackLinkChecker/1.0 (+{SITE_URL}; checks cited sources)"
)
ARCHIVE_INTERVAL_MS = envint("ARCHIVE_INTERVAL_MS", 1000)

# Webhooks (see docs/api.md): deliveries time out, retry with exponential backoff, and an
# endpoint is paused after this many deliveries in a row have failed.
INSTALLED_APPS += ["webhooks"]
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
WEBHOOK_PAUSE_AFTER_FAILURES = envint("WEBHOOK_PAUSE_AFTER_FAILURES", 5, minimum=1)
WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT = envint("WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT", 10, minimum=1)

# Start-up checks of the deployment as a whole (broker, shared cache): tracker.checks.
INSTALLED_APPS += ["tracker"]

# ClaimReview exchange (see README): external reviews and the ClaimReview feed.
INSTALLED_APPS += ["exchange"]
