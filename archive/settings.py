"""Settings for the Council archive, read from the environment.

Embedded defaults (SQLite file and a Whoosh index in ``var/``) make a fresh checkout run with no
configuration. Production sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``DATABASE_URL=postgres://...`` and refuses to start without a secret key.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from archive import deploy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ARCHIVE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "haystack",
    "csp",
    "django_ratelimit",
    "ninja",  # the API's docs page and its static files (Swagger UI, served locally)
    "archive.apps.ArchiveConfig",
]

MIDDLEWARE = [
    "archive.middleware.RequestLogMiddleware",
    "archive.middleware.HealthMiddleware",  # before any host check or HTTPS redirect: load balancers probe by address
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.middleware.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "archive.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

# Read replicas (archive/db_router.py; docs/operations.md, "Past one machine"): streaming copies of
# the PostgreSQL primary, comma-separated. Page reads go to a replica that answers and is at most
# DATABASE_REPLICA_MAX_LAG seconds behind (checked at most every DATABASE_REPLICA_CHECK_SECONDS per
# process), else to the primary; every write and the reads that must see it stay on the primary.
DATABASES |= deploy.replica_databases(
    env_list("DATABASE_REPLICA_URLS", []),
    DATABASES["default"],
    connect_timeout=int(os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "2")),
)
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "5"))
DATABASE_ROUTERS = ["archive.db_router.ReplicaRouter"] if DATABASE_REPLICAS else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Fetching new records (archive/fetching.py, docs/fetching.md). {symbol} is url-quoted (S%2FPV.8698).
RECORD_PDF_URL = os.environ.get("RECORD_PDF_URL", "https://documents.un.org/api/symbol/access?s={symbol}&l=en&t=pdf")
FETCH_USER_AGENT = os.environ.get(
    "FETCH_USER_AGENT", "CouncilArchive/1.0 (research archive of Security Council records; fetches public S/PV PDFs)"
)
FETCH_RATE_SECONDS = float(os.environ.get("FETCH_RATE_SECONDS", "5"))
FETCH_RETRIES = int(os.environ.get("FETCH_RETRIES", "3"))
FETCH_TIMEOUT_SECONDS = float(os.environ.get("FETCH_TIMEOUT_SECONDS", "60"))
FETCH_BACKOFF_SECONDS = float(os.environ.get("FETCH_BACKOFF_SECONDS", "10"))
# Largest download accepted; unset: the largest PDF the parser reads (archive/parsing/limits.py).
FETCH_MAX_BYTES = int(os.environ["FETCH_MAX_BYTES"]) if os.environ.get("FETCH_MAX_BYTES") else None

# Where the full-text index lives (used by the search engine).
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search_index"))
# Full-text search: haystack over the project's own Whoosh engine, or tantivy for the whole corpus
# (docs/search.md). Each engine keeps its index in its own subdirectory of SEARCH_INDEX_DIR.
SEARCH_ENGINES = {
    "whoosh": "archive.search.backend.ArchiveWhooshEngine",
    "tantivy": "archive.search.tantivy_backend.TantivyEngine",
    "opensearch": "archive.search.opensearch_backend.OpenSearchEngine",
}
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "whoosh")
if SEARCH_ENGINE not in SEARCH_ENGINES:
    raise ImproperlyConfigured(f"SEARCH_ENGINE must be one of {', '.join(SEARCH_ENGINES)}, not {SEARCH_ENGINE!r}")
# OpenSearch (a server, not a folder): the live index is the alias OPENSEARCH_INDEX_PREFIX +
# "statements"; user:password in the URL for basic authentication, https for TLS.
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:9200")
OPENSEARCH_INDEX_PREFIX = os.environ.get("OPENSEARCH_INDEX_PREFIX", "council-archive-")
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": SEARCH_ENGINES[SEARCH_ENGINE],
        "PATH": str(SEARCH_INDEX_DIR / SEARCH_ENGINE),
        "URL": OPENSEARCH_URL,
        "INDEX": OPENSEARCH_INDEX_PREFIX + "statements",
        "SHARDS": int(os.environ.get("OPENSEARCH_SHARDS", "1")),
        "REPLICAS": int(os.environ.get("OPENSEARCH_REPLICAS", "0")),
        "TIMEOUT": float(os.environ.get("OPENSEARCH_TIMEOUT", "10")),
        "CA_CERTS": os.environ.get("OPENSEARCH_CA_CERTS", ""),
        "VERIFY_CERTS": os.environ.get("OPENSEARCH_VERIFY_CERTS", "true").lower() not in ("0", "false", "no"),
    },
}
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False  # no extra match-all search per query

# The official document for a symbol (the UN's Official Document System).
OFFICIAL_DOCUMENT_URL = os.environ.get("OFFICIAL_DOCUMENT_URL", "https://docs.un.org/en/{symbol}")

# Where the site is served: makes links absolute in exported files and e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# E-mail alerts (archive/alerts/): outgoing mail, and sign-ups allowed per client address (django-ratelimit).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Council archive <alerts@localhost>")

# Production hardening (docs/operations.md). HTTPS settings apply when DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a TLS-terminating proxy that sets this header (and strips it from clients): "X-Forwarded-Proto".
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + os.environ["SECURE_PROXY_SSL_HEADER"].upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = deploy.content_security_policy(OFFICIAL_DOCUMENT_URL)

# Caches: Redis at CACHE_URL (or REDIS_URL) when set; else files in var/cache (production) or memory
# (DEBUG). Rate-limit counters use the "ratelimit" cache. Choice explained in archive/deploy.py.
CACHES, SILENCED_SYSTEM_CHECKS = deploy.caches(
    os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", ""),
    debug=DEBUG,
    cache_dir=Path(os.environ.get("CACHE_DIR", VAR_DIR / "cache")),
    max_entries=int(os.environ.get("CACHE_MAX_ENTRIES", "20000")),
    key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""),
)
# Per-client limits (archive/ratelimits.py): "N/s", "N/m", "N/h" or "N/d" per IP address.
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "archive.ratelimits.too_many_requests"
SEARCH_RATE = os.environ.get("SEARCH_RATE", "120/m")
ALERT_SIGNUP_RATE = os.environ.get("ALERT_SIGNUP_RATE", "10/h")
# Sign-ups (so confirmation mails) per mailbox, from any client: nobody can flood an address.
ALERT_CONFIRMATIONS_PER_ADDRESS = os.environ.get("ALERT_CONFIRMATIONS_PER_ADDRESS", "5/d")
# Admin login tries (POST) per client address, and per user name from any number of addresses.
ADMIN_LOGIN_RATE = os.environ.get("ADMIN_LOGIN_RATE", "5/m")
ADMIN_LOGIN_USER_RATE = os.environ.get("ADMIN_LOGIN_USER_RATE", "20/h")
# Only behind a proxy that sets it: the header holding the client's address ("X-Forwarded-For").
RATELIMIT_TRUSTED_PROXY_HEADER = os.environ.get("RATELIMIT_TRUSTED_PROXY_HEADER", "")
if RATELIMIT_TRUSTED_PROXY_HEADER:
    RATELIMIT_IP_META_KEY = "archive.ratelimits.client_ip"

# One JSON line per request on the "archive.requests" logger (archive/middleware.py), to stdout:
# REQUEST_LOG=1 or LOG_FORMAT=json. Requests slower than SLOW_REQUEST_MS are counted (/readyz) either way.
REQUEST_LOG = env_bool("REQUEST_LOG", False) or os.environ.get("LOG_FORMAT", "").lower() == "json"
SLOW_REQUEST_MS = float(os.environ.get("SLOW_REQUEST_MS", "500"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
    },
    "loggers": {"archive.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
