"""Exchange Portal settings: one module, driven by environment variables.

With nothing set, the portal runs on embedded defaults (SQLite, an in-memory cache and a
filesystem Celery broker under ``var/``) so that ``make run`` works on a bare machine.
Production (``DEBUG`` off) refuses to start without a real ``SECRET_KEY`` and
``ALLOWED_HOSTS``.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.sso import form_action_sources, providers_from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the embedded defaults keep their state: the SQLite file, the file cache, the
# filesystem broker, beat's schedule and uploaded files.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# pytest is imported before settings whenever the suite runs.
TESTING = env.bool("TESTING", default="pytest" in sys.modules)

_DEV_SECRET = "insecure-development-key-only-for-local-runs-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DEBUG off) needs a long random "
            "SECRET_KEY in the environment; set DEBUG=true for local development."
        )
    SECRET_KEY = _DEV_SECRET
# Earlier keys, still accepted for signatures (sessions, password reset links) while a new
# SECRET_KEY takes over; docs/operations.md gives the rotation steps.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Production mode (DEBUG off) needs the host names the "
            "portal answers on, comma-separated, e.g. ALLOWED_HOSTS=exchange.example.gov.uk"
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
PORTAL_NAME = "Exchange Portal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "simple_history",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "accounts",
    "audit",
    "portal",
    "records",
    "exchange",
    "programmes",
    "handover",
    "notifications",
    "discussion",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ManagerMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    }
]
FORM_RENDERER = "portal.forms.GovukFormRenderer"

# Database: PostgreSQL when DATABASE_URL is set, SQLite under var/ otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # web, worker and beat share one SQLite file in `make run`. WAL lets readers carry on
    # while one process writes; IMMEDIATE transactions take the write lock when they begin,
    # so a writer waits its turn (up to the timeout) instead of failing with "database is
    # locked" when a read transaction later tries to write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and Celery broker: Redis when REDIS_URL is set, embedded otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
# The cache lives in its own Redis database (the broker's number plus one, unless
# REDIS_CACHE_URL says otherwise), so clearing it never touches queued Celery messages.
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="")
if REDIS_URL and not REDIS_CACHE_URL:
    _parts = urlsplit(REDIS_URL)
    _broker_db = int(_parts.path.strip("/") or 0)
    REDIS_CACHE_URL = urlunsplit(_parts._replace(path=f"/{_broker_db + 1}"))
if REDIS_URL:
    # Falls back to process memory while Redis is unreachable, so pages keep working.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.FailsafeRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # File-based, so that rate limits hold across the web and worker processes of one host.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for sub in ("in", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (remote control) messages: without this, kombu writes them to a
        # "control" folder in whatever directory the process started in.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a task prints (the console email backend in `make run`) is information, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The periodic tasks; beat runs exactly one copy.
CELERY_BEAT_SCHEDULE: dict = {
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    "notifications-scan": {
        "task": "notifications.tasks.scan_reminders",
        "schedule": crontab(minute="*/5"),
    },
    "notifications-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(minute="*/15"),
    },
    "webhooks-sweep": {
        "task": "webhooks.tasks.sweep",
        "schedule": crontab(minute="*/5"),
    },
    "records-apply-retention": {
        "task": "records.tasks.apply_retention_daily",
        "schedule": crontab(minute=23, hour=2),
    },
    "accounts-orphaned-files": {
        "task": "portal.tasks.orphaned_files_sweep",
        "schedule": crontab(minute=41, hour=4, day_of_week="sun"),
    },
}
# The weekly sweep reports files in storage that no record points to; it deletes them
# (once older than the grace period) only when ORPHANED_FILES_DELETE is on.
# How often a person may download everything the portal holds about them (an hour's
# window), and the most file content (bytes) one download carries; files beyond it are
# listed in the download with how to ask for them.
SUBJECT_ACCESS_PER_HOUR = env.int("SUBJECT_ACCESS_PER_HOUR", default=3)
SUBJECT_ACCESS_MAX_FILE_BYTES = env.int("SUBJECT_ACCESS_MAX_FILE_BYTES", default=200 * 1024 * 1024)
ORPHANED_FILES_DELETE = env.bool("ORPHANED_FILES_DELETE", default=False)
ORPHANED_FILES_GRACE_HOURS = env.int("ORPHANED_FILES_GRACE_HOURS", default=24)

# Comments can be changed for this many minutes after they are posted (discussion).
DISCUSSION_EDIT_MINUTES = env.int("DISCUSSION_EDIT_MINUTES", default=15)

# Webhooks: attempts per delivery (exponential back-off with jitter between them, from
# the base up to the cap), the request timeout, and how many deliveries in a row may give
# up before an endpoint is switched off. Plain http endpoints only where allowed (DEBUG).
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=6)
WEBHOOKS_BACKOFF_BASE_SECONDS = env.float("WEBHOOKS_BACKOFF_BASE_SECONDS", default=30)
WEBHOOKS_BACKOFF_MAX_SECONDS = env.float("WEBHOOKS_BACKOFF_MAX_SECONDS", default=3600)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10)
WEBHOOKS_DISABLE_AFTER = env.int("WEBHOOKS_DISABLE_AFTER", default=5)
# Days the delivery log keeps finished deliveries.
WEBHOOKS_LOG_DAYS = env.int("WEBHOOKS_LOG_DAYS", default=90)
# Hours the previous secret still signs deliveries after a rotation.
WEBHOOKS_SECRET_OVERLAP_HOURS = env.float("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24)
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=DEBUG)
# Endpoints on loopback, private or link-local addresses (the portal's own network, a
# cloud metadata service) are refused at delivery unless the operator allows them.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login, verification is mandatory, signup is by domain.
ACCOUNT_ADAPTER = "accounts.adapter.PortalAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Exchange Portal] "
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins are limited per client address (10 a minute) and per account (5 in 5
# minutes). The client address is the one the trusted proxies in front of the portal saw:
# TRUSTED_PROXY_COUNT is how many proxies (the TLS proxy, a load balancer) append to
# X-Forwarded-For; the address that many entries from its right is the client's, and
# anything further left (which a client can write itself) is ignored. 0 trusts no header
# and counts REMOTE_ADDR (a portal with nothing in front of it). Production assumes one TLS
# proxy, as SECURE_PROXY_SSL_HEADER does. TRUSTED_CLIENT_IP_HEADER names a single header
# (X-Real-IP, CF-Connecting-IP) that the proxy sets instead. See docs/operations.md.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0 if DEBUG or TESTING else 1)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("SIGN_IN_FAILURE_LIMITS", default="10/m/ip,5/300s/key"),
}
# Account emails go through a Celery task (accounts.mail); eager runs it in the process.
ACCOUNT_EMAIL_TASK_ALWAYS_EAGER = env.bool(
    "ACCOUNT_EMAIL_TASK_ALWAYS_EAGER", default=CELERY_TASK_ALWAYS_EAGER
)
ACCOUNT_FORMS = {
    "login": "accounts.sso.forms.LoginForm",
    "reset_password": "accounts.sso.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.sso.forms.ResetPasswordKeyForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PORTAL_NAME
# A code from the step before or after the current one is accepted too, so that a code
# typed at the 30-second boundary (or on a phone a little fast or slow) still works.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# Single sign-on: each institute's OpenID Connect provider (docs/sso.md). The providers,
# with their issuers and secrets, come from the environment only (config/sso.py); an
# admin links one to an institute and the email domains it serves.
SSO_PROVIDERS = providers_from_env(os.environ)
SOCIALACCOUNT_ADAPTER = "accounts.sso.adapter.PortalSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "accounts.sso.provider.InstituteProvider",
        "OAUTH_PKCE_ENABLED": True,
    }
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Load balancers and monitoring check the web process directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# /healthz and /readyz name the failing services only to loopback callers that did not come
# through a proxy, and to callers presenting this token (Authorization: Bearer ...).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": form_action_sources(SSO_PROVIDERS),
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The REST API (/api/v1/, docs/api.md): personal access tokens only (no session, so no
# CSRF), JSON in and out, 25 to a page, filters, and rate limits counted in the cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.PersonRateThrottle",
        "api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_RATE_LIMITS = {
    "person": env.str("API_RATE_LIMIT", default="120/minute"),
    "anonymous": env.str("API_ANONYMOUS_RATE_LIMIT", default="20/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Exchange Portal API",
    "DESCRIPTION": "Staff exchanges, joint research programmes and document handover, "
    "as the signed-in person sees them. Authenticate with a personal access token.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ClearanceLevelEnum": "exchange.models.ClearanceLevel"},
}

LANGUAGE_CODE = "en-gb"
# Our en-GB messages put allauth's page titles and buttons in sentence case.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STATICFILES_DIRS = [
    d for d in STATICFILES_DIRS if Path(d[1] if isinstance(d, tuple) else d).is_dir()
]
# Local runs and tests serve static files straight from the finders; production serves
# the collected, hashed and compressed files.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
STORAGES = {
    "default": {"BACKEND": STORAGE_BACKEND, "OPTIONS": env.json("STORAGE_OPTIONS", default={})},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if STORAGE_BACKEND.endswith("FileSystemStorage"):
    STORAGES["default"]["OPTIONS"].setdefault("location", str(MEDIA_ROOT))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Exchange Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people write to when something goes wrong (a confirmation email that does
# not arrive, a password reset that fails); shown on sign-up and account pages and in the
# account emails.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="exchange-portal@localhost")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
