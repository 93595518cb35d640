"""Django settings for Industry Brain.

The embedded default needs nothing but a writable directory: SQLite in ``IB_DATA_DIR``
(``./var`` by default). Production sets ``DATABASE_URL`` (PostgreSQL), ``IB_SECRET_KEY``
and ``IB_ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("IB_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# The database, attachments and demo passwords live here: the service's user only.
if DATA_DIR.stat().st_mode & 0o077:
    try:
        DATA_DIR.chmod(0o700)
    except PermissionError:  # not ours to change (a mount set up by the operator)
        pass

DEBUG = os.environ.get("IB_DEBUG", "") == "1"
# The embedded default serves 127.0.0.1 only; a fixed development key is acceptable there and
# nowhere else: production (IB_ENV=production) refuses it, and `serve` refuses to listen
# beyond the loopback address with it.
DEFAULT_SECRET_KEY = "industrybrain-embedded-default-not-for-production"
SECRET_KEY = os.environ.get("IB_SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("IB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# One switch for a deployment behind an HTTPS reverse proxy (docs/deployment.md).
IB_ENV = os.environ.get("IB_ENV", "development")
PRODUCTION = IB_ENV == "production"
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "IB_ENV=production 需要 IB_SECRET_KEY：至少50个随机字符（例如 python -c "
            "'import secrets; print(secrets.token_urlsafe(50))'），不能用内置的开发密钥。")
    if DEBUG:
        raise ImproperlyConfigured("IB_ENV=production 不能与 IB_DEBUG=1 同时使用。")
    if "IB_ALLOWED_HOSTS" not in os.environ:
        raise ImproperlyConfigured("IB_ENV=production 需要 IB_ALLOWED_HOSTS（对外服务的域名，逗号分隔）。")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # The reverse proxy terminates TLS and says so in this header (and must set it itself).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("IB_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = os.environ.get("IB_HSTS_PRELOAD", "1") == "1"
    SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "axes",
    "drf_spectacular",
    "simple_history",
    "industrybrain.core",
    "industrybrain.accounts",
    "industrybrain.industry",
    "industrybrain.enterprises",
    "industrybrain.policies",
    "industrybrain.targets",
    "industrybrain.cultivation",
    "industrybrain.projects",
    "industrybrain.transform",
    "industrybrain.demo",
    "industrybrain.web",
]

# Sessions in the database as Django's, read with one plain query (core/sessions.py).
SESSION_ENGINE = "industrybrain.core.sessions"

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
    "industrybrain.core.middleware.AdminEmptyToFieldMiddleware",
    "industrybrain.core.middleware.SectionGateMiddleware",
    # last: turns a lockout noted during authentication into the lockout page (429)
    "axes.middleware.AxesMiddleware",
]

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords a user name, and
# separately an address, is locked for AXES_COOLOFF_TIME, on the login page, the admin login
# and /api/token/ alike (they all go through authenticate()). Lockouts go to the audit log.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, loading the user with their profile in one query (accounts.backends)
    "industrybrain.accounts.backends.ProfileBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("IB_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = __import__("datetime").timedelta(
    minutes=int(os.environ.get("IB_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "industrybrain.accounts.lockout.locked_out"
AXES_USERNAME_CALLABLE = "industrybrain.accounts.lockout.username_of"
AXES_VERBOSE = False
# Behind the production proxy the client's address is the proxy's; take the forwarded one.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PRODUCTION else ["REMOTE_ADDR"])

ROOT_URLCONF = "industrybrain.web.urls"
WSGI_APPLICATION = "industrybrain.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "industrybrain.core.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'industrybrain.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the cockpit read while a batch or an import writes; "timeout" is the busy
    # timeout in seconds: how long a writer waits for another's write lock before "database
    # is locked". Imports hold the lock only in short chunks (IMPORT_CHUNK_PAUSE_SECONDS).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections persist for 60 s as on PostgreSQL (conn_max_age above): opening one per
    # request (Django's functions, PRAGMAs, the file checks) and closing it was a third of
    # the server's CPU per page (bench/load_cockpit.py: 17.5 -> 11.3 ms per request).

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "industrybrain.accounts.passwords.NotMadeOfUsernameValidator"},  # "qiye1qiye1"
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},  # "20222022"
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# AUTHENTICATION_BACKENDS (with the profile in one query) is set with the lockout above.
CSRF_FAILURE_VIEW = "industrybrain.web.errors.csrf_failure"  # a 403 in the reader's language
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "web" / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Dates in the reader's language: Django's zh_Hans formats (2020年11月2日), ours for English.
FORMAT_MODULE_PATH = ["industrybrain.web.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the app directories so the embedded default needs no collectstatic.
WHITENOISE_USE_FINDERS = True
# Attachments: inside the data directory, never under a URL (no MEDIA_URL is served); they
# are read only through the scoped view policies:attachment. Files 0600, directories 0700.
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# An upload larger than this is refused before it is parsed (bad input must not cost memory).
IMPORT_MAX_BYTES = int(os.environ.get("IB_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# An .xlsx is a zip: what its parts unpack to is bounded too, before openpyxl reads them
# (enterprises/imports/reader.py). A 20 MB upload of real figures unpacks to well under
# these; a decompression bomb declares gigabytes and is refused from the zip's directory.
IMPORT_MAX_SHEET_BYTES = 256 * 2**20  # a worksheet, streamed row by row
IMPORT_MAX_SHARED_STRINGS_BYTES = 32 * 2**20  # held in memory whole (~1M distinct USCCs fit)
IMPORT_MAX_OTHER_PART_BYTES = 16 * 2**20  # styles, workbook, relationships: parsed whole
IMPORT_MAX_UNPACKED_BYTES = 320 * 2**20  # all parts together
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A new yearly value this many times the enterprise's largest earlier one (or smaller by the
# same factor) is taken for a unit mix-up (元 vs 千元 vs 万元) and refused.
IMPORT_UNIT_JUMP_RATIO = 500
# A big import writes in chunks, each its own short transaction (enterprises/imports/staging.py).
# On SQLite it then leaves the write lock free this long, longer than the 100 ms a waiting
# writer's busy handler sleeps between tries, so an approval gets in between two chunks.
IMPORT_CHUNK_PAUSE_SECONDS = 0.12
# An import renews its lock after every chunk; a lock not renewed for this long belonged to
# an import that died and passes to the next one.
IMPORT_LOCK_STALE_SECONDS = 120

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "industrybrain.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # IsAuthenticated, then the section gate a confined role's pages have (core.apigate).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "industrybrain.core.apigate.SectionGate"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Industry Brain API (产业大脑)",
    "DESCRIPTION": "Enterprises, annual figures and designations, scoped by the caller's role.",
    "VERSION": "0.1.0",
    # The schema lists every endpoint and field: for signed-in callers only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}
# An API token lives this long; then POST /api/token/ again (DELETE revokes it earlier).
IB_TOKEN_TTL_HOURS = int(os.environ.get("IB_TOKEN_TTL_HOURS", 24 * 30))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # 4xx are the client's mistakes (a bad parameter answers 400 with its reason): no
    # traceback in the server log for them; 5xx are still logged.
    "loggers": {"django.request": {"level": "ERROR"}},
}


# --- smart handling system (policies app, issue 5) ---
IB_POLICY_PACK = os.environ.get("IB_POLICY_PACK", "changzhou_2022")  # the pack runs and the calculator use
IB_JOBS = os.environ.get("IB_JOBS", "thread")  # who runs queued runs: thread | worker | redis://… | inline
IB_RUN_HEARTBEAT_SECONDS = float(os.environ.get("IB_RUN_HEARTBEAT_SECONDS", 5))  # a running run stamps its heartbeat this often
IB_RUN_STALE_BEATS = float(os.environ.get("IB_RUN_STALE_BEATS", 3))  # silent this many intervals: the run is failed as dead
IB_HOSTNAME = os.environ.get("IB_HOSTNAME", "")  # this process's host in a run's worker id (default: the hostname)
# The first year the figures cover, site-wide (known history: an enterprise's history runs from
# its founding or this year, whichever is later). Unset: the earliest year in the database.
IB_DATA_SINCE = int(os.environ["IB_DATA_SINCE"]) if os.environ.get("IB_DATA_SINCE") else None
IB_TWO_PERSON_THRESHOLD_YUAN = int(os.environ.get("IB_TWO_PERSON_THRESHOLD_YUAN", 5_000_000))  # above 500万元 two reviewers must approve
IB_APPLICATION_MAX_BYTES = int(os.environ.get("IB_APPLICATION_MAX_BYTES", 10 * 1024 * 1024))  # per attachment
# Upload quotas: one account must not fill the disk (40 files of 9.9 MB once made 397 MB).
IB_APPLICATION_MAX_FILES = int(os.environ.get("IB_APPLICATION_MAX_FILES", 10))  # files per application
IB_APPLICATION_MAX_TOTAL_BYTES = int(os.environ.get("IB_APPLICATION_MAX_TOTAL_BYTES", 30 * 1024 * 1024))  # per application
IB_ENTERPRISE_MAX_BYTES = int(os.environ.get("IB_ENTERPRISE_MAX_BYTES", 200 * 1024 * 1024))  # all of one enterprise's attachments
IB_APPLICATION_DECISION_DAYS = int(os.environ.get("IB_APPLICATION_DECISION_DAYS", 15))  # deadline for a reviewer's decision
# Mail goes to files in the data dir unless a real backend is configured (no SMTP on the embedded default).
EMAIL_BACKEND = os.environ.get("IB_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"  # where the file backend writes (one file per batch of mails)
DEFAULT_FROM_EMAIL = os.environ.get("IB_FROM_EMAIL", "industrybrain@localhost")  # sender of pushed messages
