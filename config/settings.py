"""Settings for Cluster Registry, read from the environment.

With no environment at all the app runs on an SQLite file beside manage.py, which is what
`make run` uses; set DATABASE_URL=postgres://... for PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Return the environment variable `name` read as a yes/no flag."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    """Return the comma-separated environment variable `name` as a list."""
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    "insecure-development-key-set-DJANGO_SECRET_KEY-in-production" if DEBUG else "",
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Below every app: shared building blocks (and the import fingerprints they keep).
    "common",
    # The domain: clusters is the base, stakeholders builds on it, programmes on both.
    "clusters",
    "stakeholders",
    "programmes",
    # Background jobs (big uploads, reclassification) on Django's tasks framework, stored
    # in the database by django-tasks-db; above the domain, below the interfaces.
    "django_tasks_db",
    "jobs",
    # The interfaces above the domain: the public site, the agencies' workspace, the API.
    "public",
    "workspace",
    "api",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (SECURE_CSP below), static files included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # DRF's browsable API and Redoc need inline styles (config/csp.py).
    "config.csp.ThirdPartyPagesCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compress pages (a 500-actor map is ~900 KB of SVG and tables, ~80 KB gzipped).
    # Django masks CSRF tokens per response, which is what BREACH would target.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous readers' pages read from the replica when there is one (common/db_router.py).
    "common.db_router.PublicReadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Anonymous readers' GETs from the cache until the registry changes (common/page_cache.py);
    # below authentication, messages and locale, whose answers are part of its decision.
    "common.page_cache.PublicPageCacheMiddleware",
    # The 404 of a merged-away record's old address becomes a 301 to the survivor; it looks
    # only at 404s, so found pages cost nothing (public/redirects.py).
    "public.redirects.RetiredAddressMiddleware",
    # A view that fails because the database is down answers 503, not 500 (common/health.py;
    # errors elsewhere in the stack are turned into the same 503 by handler500).
    "common.health.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login rate limit: 5 failures for a username from an address lock it for 15 minutes, and
# 20 from an address over any usernames lock the address (accounts/lockout.py; the handler
# reads the counts in the order of AXES_LOCKOUT_PARAMETERS).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.lockout.RegistryAxesHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies in front of the site add X-Forwarded-For (0: trust REMOTE_ADDR).
# Behind one (make serve behind nginx) set 1, or every visitor has the proxy's address and
# the lock-out by address and the password-reset limit would apply to all of them at once.
REGISTRY_PROXY_COUNT = int(os.environ.get("REGISTRY_PROXY_COUNT", "0"))
# Password reset: at most this many mails to one address, and requests from one client
# address, per hour (accounts/throttle.py, in the default cache); beyond: 429, no mail.
REGISTRY_PASSWORD_RESET_PER_EMAIL = int(os.environ.get("REGISTRY_PASSWORD_RESET_PER_EMAIL", "3"))
REGISTRY_PASSWORD_RESET_PER_IP = int(os.environ.get("REGISTRY_PASSWORD_RESET_PER_IP", "20"))
AXES_VERBOSE = False

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
                # {{ csp_nonce }}, for the few inline scripts we do not write ourselves.
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        # A persistent connection broken by a database restart is noticed and replaced at
        # the start of the next request, so the site recovers by itself (no restart).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails in seconds (503, see common/health.py), not after the
    # operating system's TCP time-out of a minute or more.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5"))
    )
    # No JIT compilation: a page's queries are short, and on the national-scale data JIT
    # added 80-95 ms to plans the planner costed high (bench/README.md, issue 11).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c jit=" + os.environ.get("DJANGO_DB_JIT", "off")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` runs a job worker beside the server on the same file: in WAL mode pages
    # are read while a job's import writes (in the default mode a big write transaction
    # locks readers out), and a writer waits for the other rather than failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    )
# A read replica of the primary (DATABASE_REPLICA_URL, e.g. a PostgreSQL streaming standby):
# anonymous readers' pages read from it; writes and signed-in users' reads stay on the
# primary (common/db_router.py). Unset: one database, no router.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        # In tests it is the test database itself, through a connection of its own.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["common.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-in"
# The site's languages: English and Hindi (Official Languages Act). Another language (bn, ta...)
# is added by writing its catalogue (locale/<code>/LC_MESSAGES/django.po, docs/translations.md)
# and naming it here or in REGISTRY_LANGUAGES ("en-in,hi,bn"); its name comes from Django.
REGISTRY_LANGUAGE_CODES = [
    code.strip()
    for code in os.environ.get("REGISTRY_LANGUAGES", "en-in,hi").split(",")
    if code.strip()
]


def _language_name(code):
    from django.conf.locale import LANG_INFO

    info = LANG_INFO.get(code) or LANG_INFO[code.split("-")[0]]
    return info["name_local"]


LANGUAGES = [(code, _language_name(code)) for code in REGISTRY_LANGUAGE_CODES]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The public contact, shown in the footer as a mailto link (blank: none is shown).
REGISTRY_CONTACT_EMAIL = os.environ.get("REGISTRY_CONTACT_EMAIL", "").strip()

# Spreadsheet uploads: the largest file accepted, and where files wait for confirmation.
REGISTRY_UPLOAD_MAX_BYTES = int(os.environ.get("REGISTRY_UPLOAD_MAX_MB", "20")) * 1_000_000
REGISTRY_UPLOAD_DIR = os.environ.get("REGISTRY_UPLOAD_DIR", str(BASE_DIR / "var" / "uploads"))
# Diagnostic studies' source documents (programmes): the largest accepted, and the private
# directory they are kept in (never served by the web server; a permission-checked view does).
REGISTRY_STUDY_DOCUMENT_MAX_BYTES = (
    int(os.environ.get("REGISTRY_STUDY_DOCUMENT_MAX_MB", "10")) * 1_000_000
)
REGISTRY_STUDY_DOCUMENT_DIR = os.environ.get(
    "REGISTRY_STUDY_DOCUMENT_DIR", str(BASE_DIR / "var" / "study-documents")
)
# What one CSV/XLSX file may hold (uploads and the import commands, common.tabular): rows
# after the header, cells (rows x columns), characters in a cell; for XLSX, the size its parts
# declare unpacked and the compression of any part (a bomb packs a thousand to one).
REGISTRY_UPLOAD_MAX_ROWS = int(os.environ.get("REGISTRY_UPLOAD_MAX_ROWS", "200000"))
REGISTRY_UPLOAD_MAX_CELLS = int(os.environ.get("REGISTRY_UPLOAD_MAX_CELLS", "5000000"))
REGISTRY_UPLOAD_MAX_CELL_CHARS = 131_072
REGISTRY_UPLOAD_MAX_XLSX_UNPACKED_BYTES = (
    int(os.environ.get("REGISTRY_UPLOAD_MAX_XLSX_UNPACKED_MB", "300")) * 1_000_000
)
REGISTRY_UPLOAD_MAX_XLSX_RATIO = 100
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000_000
# A stakeholder map of a bigger view draws its best-linked stakeholders (and says so); the
# table under it lists this many links, the rest being in the CSV (stakeholders.network.map).
REGISTRY_MAP_MAX_STAKEHOLDERS = int(os.environ.get("REGISTRY_MAP_MAX_STAKEHOLDERS", "300"))
REGISTRY_MAP_TABLE_MAX_ROWS = int(os.environ.get("REGISTRY_MAP_TABLE_MAX_ROWS", "500"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000
# The curators' data-quality desk (/manage/quality/): a cluster's newest figure older than
# this many years is stale, and two sources further apart than this per cent (of the larger
# value) disagree. Both are defaults: the desk's ?years= and ?percent= override them.
REGISTRY_QUALITY_STALE_YEARS = int(os.environ.get("REGISTRY_QUALITY_STALE_YEARS", "5"))
REGISTRY_QUALITY_DISAGREE_PERCENT = int(os.environ.get("REGISTRY_QUALITY_DISAGREE_PERCENT", "20"))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/profile/"
LOGOUT_REDIRECT_URL = "/"

# E-mail goes to the console while debugging and to an SMTP server in production
# (DJANGO_DEBUG=0), unless DJANGO_EMAIL_BACKEND names another backend. With the SMTP backend
# the server is DJANGO_EMAIL_HOST / _PORT / _USER / _PASSWORD, with DJANGO_EMAIL_USE_TLS.
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587")),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "registry@localhost")

# REST API (/api/): tokens for scripts, the session for the browsable API; who may write is
# decided by our permission policies, the same as on the site (api/permissions.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an anonymous write is answered 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.PolicyPermission"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.RegistryFilterBackend"],
    # drf-spectacular's, adding what every view answers alike (errors, ETags, public reads).
    "DEFAULT_SCHEMA_CLASS": "api.schema.RegistryAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# OpenAPI 3 schema at /api/schema/; Swagger UI and Redoc come from the sidecar package and
# are served as our own static files (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "Cluster Registry API",
    "DESCRIPTION": (
        "MSME clusters, their figures, stakeholders and relationships. Reads are public "
        "(published records); writes need a token of an agency editor or a curator."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON, the API's format (docs/api.md). Forms and
    # multipart are still parsed, for the browsable API, by HTML-form rules a JSON schema
    # cannot state (a blank field is one not given, "null" is text).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise send the schema to validator.swagger.io.
    # No deep links: Swagger UI draws each operation's link inside its expand button, a
    # link nested in a button (axe: nested-interactive, issue 16).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "PublicationStatusEnum": "clusters.choices.PublicationStatus",
        "ClassificationStatusEnum": "clusters.choices.ClassificationStatus",
        "WorkflowActionEnum": "clusters.models.ClusterReview.Action",
        "StakeholderKindEnum": "stakeholders.choices.Kind",
        "RelationshipTypeEnum": "stakeholders.choices.RelationshipType",
        "DatePrecisionEnum": "common.partial_dates.Precision",
        "RegionKindEnum": "clusters.models.Region.Kind",
        "ClusterStageEnum": "clusters.choices.Stage",
        "InitiativeStageEnum": "programmes.choices.InitiativeStage",
    },
}

# Simple-history: who made a change is taken from the request by its middleware; imports
# run from the command line set it explicitly.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # Every login, logout and failed attempt (django-axes and our signal handlers).
    "loggers": {
        "axes": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "registry.auth": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# Behind HTTPS in production (DJANGO_DEBUG=0): cookies only over TLS.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
# Only where every subdomain is served over HTTPS too (preloading is hard to undo).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# A load balancer polls /healthz over plain HTTP on the private side: never redirect it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django.middleware.csp): everything from this site only. No inline
# script or style of ours: the JS and CSS are files in static/. The nonce is only for the
# inline script and style of third-party pages that render {{ csp_nonce }}: the API's Swagger
# UI and Redoc (templates/drf_spectacular/) and a few Django admin templates; a page that
# renders no nonce gets none in its header. SVG (map, charts) is styled by classes from the
# stylesheet, so no style attribute needs 'unsafe-inline'. Images may be data: URIs, which
# Swagger UI's stylesheet uses for its icons. DRF's browsable API and Redoc also need inline
# styles: config/csp.py relaxes style-src for those pages alone.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Network measures and map layouts are cached until the network changes. The default is a
# per-process memory cache; with several worker processes set a shared one. Across machines:
# Redis, e.g. DJANGO_CACHE_LOCATION=redis://cache.internal:6379/0, which alone selects
# common.cache.RegistryRedisCache: Django's RedisCache (the `redis` client), answering as an
# empty cache while Redis cannot be reached. Several URLs, comma-separated: the first is
# written to, the others are read replicas, as RedisCache takes them.
CACHE_LOCATION = os.environ.get("DJANGO_CACHE_LOCATION", "cluster-registry")
CACHE_BACKEND = os.environ.get(
    "DJANGO_CACHE_BACKEND",
    "common.cache.RegistryRedisCache"
    if CACHE_LOCATION.startswith(("redis://", "rediss://", "unix://"))
    else "django.core.cache.backends.locmem.LocMemCache",
)
CACHES = {
    "default": {
        "BACKEND": CACHE_BACKEND,
        "LOCATION": CACHE_LOCATION,
    }
}
if CACHE_BACKEND.endswith("RedisCache"):
    # An unreachable Redis costs a request this long at most, not the system's TCP time-out.
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": float(os.environ.get("DJANGO_CACHE_SOCKET_TIMEOUT", "0.5")),
        "socket_timeout": float(os.environ.get("DJANGO_CACHE_SOCKET_TIMEOUT", "0.5")),
    }
if CACHE_BACKEND.endswith(("FileBasedCache", "LocMemCache")):
    # Their default of 300 entries is too few once public pages are kept too (culling
    # deletes a third of them each time it is reached). Redis takes no such option.
    CACHES["default"]["OPTIONS"] = {
        "MAX_ENTRIES": int(os.environ.get("DJANGO_CACHE_MAX_ENTRIES", "20000"))
    }
# Public pages and API reads for anonymous readers are served from the cache for up to this
# many seconds, or until any write to the registry commits (common/page_cache.py). 0 is off.
# On by default only with DEBUG off and a cache that every process shares (the file cache of
# `make serve`, Redis): with a per-process memory cache a write in one worker would not make
# the pages kept by the others stale.
SHARED_CACHE = not CACHE_BACKEND.endswith(("LocMemCache", "DummyCache"))
PUBLIC_PAGE_CACHE_SECONDS = int(
    os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600" if SHARED_CACHE and not DEBUG else "0")
)
PUBLIC_PAGE_CACHE_ALIAS = "default"

# Background jobs (jobs/, docs/deployment.md "Background jobs"): Django's tasks framework on
# the database backend of django-tasks-db; `manage.py db_worker` runs them, on any number of
# machines against the same database (workers claim a job with SELECT ... FOR UPDATE SKIP
# LOCKED). An upload of more rows than REGISTRY_JOB_ROWS is imported by a worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REGISTRY_JOB_ROWS = int(os.environ.get("REGISTRY_JOB_ROWS", "2000"))
# A running job whose worker has not reported for this long was interrupted (killed).
REGISTRY_JOB_STALE_SECONDS = int(os.environ.get("REGISTRY_JOB_STALE_SECONDS", "30"))
# How long a job keeps its file: an upload checked but never confirmed (hours), an export
# (days). `manage.py prune_jobs` (daily) removes older ones; the jobs are kept.
REGISTRY_JOB_CHECK_KEEP_HOURS = int(os.environ.get("REGISTRY_JOB_CHECK_KEEP_HOURS", "24"))
REGISTRY_JOB_EXPORT_KEEP_DAYS = int(os.environ.get("REGISTRY_JOB_EXPORT_KEEP_DAYS", "7"))
# A job's progress is published outside its transaction through a cache that the web
# servers and the workers share: the default cache when it is shared (Redis, the file
# cache of `make serve`), else a file cache in var/cache/jobs (`make run`, the tests).
CACHES["jobs"] = (
    CACHES["default"]
    if SHARED_CACHE
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get(
            "REGISTRY_JOB_CACHE_DIR", str(BASE_DIR / "var" / "cache" / "jobs")
        ),
    }
)
