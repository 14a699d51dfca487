"""Claimtrack settings: one file, every knob read from the environment (see README.md)."""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    envurls,
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
    "tracker.metrics.RequestMetricsMiddleware",  # first: times the whole answer
    "tracker.requestid.RequestIdMiddleware",  # then every log line of the request has its id
    # A database outage met by a view is a 503 with Retry-After (tracker.dbfaults).
    "tracker.dbfaults.DatabaseUnavailableMiddleware",
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
    # A kept connection is checked before a request reuses it, so the site (and each Celery
    # worker, between tasks) reconnects by itself after the database restarts; a database
    # that does not answer is given DATABASE_CONNECT_TIMEOUT seconds (then 503, tracker.dbfaults).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 3, minimum=1))
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
# An optional read replica (PostgreSQL streaming replica of DATABASE_URL): anonymous GETs read
# from it while it answers and is at most DATABASE_REPLICA_MAX_LAG_SECONDS behind, checked by
# each process every DATABASE_REPLICA_CHECK_SECONDS; everything else, and every read while it
# is away or behind, uses the primary (tracker/replica.py). Tests mirror it to the primary.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_MAX_LAG_SECONDS = envint("DATABASE_REPLICA_MAX_LAG_SECONDS", 30)
DATABASE_REPLICA_CHECK_SECONDS = envint("DATABASE_REPLICA_CHECK_SECONDS", 1, minimum=1)
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    except Exception:  # as for DATABASE_URL: never echo a password
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a database URL we understand: "
            f"{redact(DATABASE_REPLICA_URL)!r}"
        ) from None
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must point at a PostgreSQL streaming replica (postgresql://)"
        )
    # As the primary: a kept connection is checked before reuse, a silent replica is given
    # DATABASE_CONNECT_TIMEOUT seconds (then readers read the primary).
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tracker.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "tracker.replica.ReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = envurl("CACHE_URL", envstr("REDIS_URL"), schemes=("redis", "rediss", "locmem"))
# The cache is an accelerator (tracker.cache, docs/operations.md): Redis is given
# CACHE_TIMEOUT_MS to answer, and after CACHE_BREAKER_FAILURES errors in a row each process
# stops asking it for CACHE_BREAKER_SECONDS, serving pages uncached meanwhile.
CACHE_TIMEOUT_MS = envint("CACHE_TIMEOUT_MS", 250, minimum=1)
CACHE_BREAKER_FAILURES = envint("CACHE_BREAKER_FAILURES", 3, minimum=1)
CACHE_BREAKER_SECONDS = envint("CACHE_BREAKER_SECONDS", 5, minimum=1)
# Per process, for what must keep counting while the shared cache is away (API throttles).
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
if CACHE_URL.startswith("redis"):
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "tracker.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "claimtrack",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_MS / 1000,
                "socket_timeout": CACHE_TIMEOUT_MS / 1000,
                "BREAKER_FAILURES": CACHE_BREAKER_FAILURES,
                "BREAKER_SECONDS": CACHE_BREAKER_SECONDS,
            },
        },
        "local": LOCAL_CACHE,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": LOCAL_CACHE,
    }

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

# Logs go to stderr: plain text, or with LOG_FORMAT=json one JSON object per line (time, level,
# logger, message, request_id) for log shippers. tracker.requestid gives each request an id
# (X-Request-ID, taken from the proxy when it sends one) that every record carries.
LOG_FORMAT = envstr("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tracker.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        },
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "server",
        },
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Configured without handlers, Django's own loggers lose the console handler Django gives
    # them with DEBUG on, which printed each of their records twice (the second copy in plain
    # text, even with LOG_FORMAT=json); their records reach the root's handler above. That
    # resets django.server (runserver's request lines) too: it is configured again as Django
    # has it, in JSON with LOG_FORMAT=json.
    "loggers": {
        "django": {"level": "INFO"},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
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
# A broker that is down is waited for, however long (workers reconnect by themselves); a publish
# from the web does not wait for it: tracker.outbox keeps the message and relays it later.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = envint("CELERY_BROKER_CONNECTION_TIMEOUT", 2, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = CELERY_BROKER_CONNECTION_TIMEOUT
# The outbox (tracker.outbox): a message sent this long ago and still not done is sent again,
# at most OUTBOX_MAX_SENDS times in all.
OUTBOX_RESEND_SECONDS = envint("OUTBOX_RESEND_SECONDS", 30, minimum=1)
OUTBOX_MAX_SENDS = envint("OUTBOX_MAX_SENDS", 20, minimum=1)

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
# How often each process reads the page cache's generation from the database (claims.pagecache):
# the longest a page from before a write can be served after it if the cache lost the write's
# retirement (Redis unreachable then, or restarted from an older snapshot).
PUBLIC_PAGE_GENERATION_CHECK_SECONDS = envint("PUBLIC_PAGE_GENERATION_CHECK_SECONDS", 5)
# How long a CDN or caching proxy may keep a public page (Cache-Control max-age): the most a
# reader behind it sees a page older than its change; 0 tells it not to keep pages.
PUBLIC_EDGE_CACHE_SECONDS = envint("PUBLIC_EDGE_CACHE_SECONDS", 60)
# Caching proxies to purge when claims change (claims.edge): each is sent `PURGE` with the
# changed pages' keys in a Surrogate-Key header, by a task after the commit. Empty: pages expire.
PUBLIC_CACHE_PURGE_URLS = envurls("PUBLIC_CACHE_PURGE_URLS", schemes=("http", "https"))
PUBLIC_CACHE_PURGE_TIMEOUT_SECONDS = envint("PUBLIC_CACHE_PURGE_TIMEOUT_SECONDS", 5, minimum=1)
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
# A request's form fields may hold twice the intake's limit, so that an article up to it is
# taken and one over it gets the intake's own message, its text kept in the form (the desk
# posts multipart: its size counts the text's bytes, not their %-escapes). Django's 2.5 MB
# default refused a 3 MB article with a bare 400 and lost the text.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * INTAKE_MAX_BYTES
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

# /metrics (docs/metrics.md): off unless a bearer token or allowed networks are set. With
# gunicorn, set PROMETHEUS_MULTIPROC_DIR (read by prometheus_client) to sum its workers.
METRICS_TOKEN = envstr("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = envnetworks("METRICS_ALLOWED_NETWORKS")
SECURE_REDIRECT_EXEMPT += [r"^metrics$"]  # scrapers inside the network may use plain http
# Following claims, speakers and topics by email (see docs/sharing.md). Mail goes out through
# Django's email framework: SMTP in production, printed to the console under DEBUG unless
# EMAIL_BACKEND says otherwise.
INSTALLED_APPS += ["follows"]
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = envstr(
    "DEFAULT_FROM_EMAIL", f"{PUBLISHER_NAME} <noreply@{urlsplit(SITE_URL).hostname}>"
)
FOLLOW_REQUESTS_PER_HOUR = envint("FOLLOW_REQUESTS_PER_HOUR", 20, minimum=1)
FOLLOW_CONFIRMATIONS_PER_DAY = envint("FOLLOW_CONFIRMATIONS_PER_DAY", 5, minimum=1)
FOLLOW_BATCH_SIZE = envint("FOLLOW_BATCH_SIZE", 500, minimum=1)
FOLLOW_BATCH_LEASE_SECONDS = envint("FOLLOW_BATCH_LEASE_SECONDS", 120, minimum=1)
FOLLOW_UNCONFIRMED_DAYS = envint("FOLLOW_UNCONFIRMED_DAYS", 7, minimum=1)
# /health/ (tracker.health): the detail of each part goes to callers with this bearer token or
# from these networks (and to staff); beat and workers unseen for HEALTH_STALE_SECONDS, or an
# outbox message waiting that long, make the status "degraded".
HEALTH_TOKEN = envstr("HEALTH_TOKEN")
HEALTH_ALLOWED_NETWORKS = envnetworks("HEALTH_ALLOWED_NETWORKS")
HEALTH_STALE_SECONDS = envint("HEALTH_STALE_SECONDS", 60, minimum=1)

# Start-up checks of the deployment as a whole (broker, shared cache): tracker.checks.
INSTALLED_APPS += ["tracker"]

# ClaimReview exchange (see README): external reviews and the ClaimReview feed.
INSTALLED_APPS += ["exchange"]
