"""FirmDesk settings, read from the environment with safe local defaults.

Local default: SQLite under var/ with WAL. Production: set DATABASE_URL, SECRET_KEY,
DEBUG=false and ALLOWED_HOSTS (see docs/operations.md).
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("FIRMDESK_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("FIRMDESK_VAR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("FIRMDESK_TESTING", False) or "pytest" in sys.modules


def _local_secret_key() -> str:
    """A per-installation key kept in var/, so a local install never shares one."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "firmdesk.common",
    "firmdesk.audit",
    "firmdesk.orgs",
    "firmdesk.matters",
    "firmdesk.engagements",
    "firmdesk.conflicts",
    "firmdesk.access",
    "firmdesk.notify",
    "firmdesk.documents",
    "firmdesk.work",
    "firmdesk.scheduling",
    "firmdesk.intake",
    "firmdesk.billing",
    "firmdesk.insights",
    "firmdesk.compliance",
    "firmdesk.integrations",
    "firmdesk.api",
    "firmdesk.jobs",
    "firmdesk.web",
    "firmdesk.demo",
    "firmdesk.backup",
    # Last: Django's own widget templates, after the apps' overrides of them.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "firmdesk.web.middleware.SessionTimeoutMiddleware",
    "firmdesk.web.middleware.TwoFactorMiddleware",
    "firmdesk.access.middleware.ScopeMiddleware",
    "firmdesk.web.middleware.ViewerZoneMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception sees a view's database errors first.
    "firmdesk.web.db_hiccups.DatabaseHiccupMiddleware",
]

# A load balancer may check /health over plain http behind TLS termination.
SECURE_REDIRECT_EXEMPT = [r"^health$"]

ROOT_URLCONF = "firmdesk.urls"
WSGI_APPLICATION = "firmdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "firmdesk.common.templates.DjangoTemplates",
        "NAME": "django",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "firmdesk.web.context_processors.shell",
            ],
            # One date style: |when, |day, |clock in every template.
            "builtins": ["firmdesk.web.templatetags.times"],
        },
    },
]

# Forms draw their widgets with the templates above, so an app may replace one
# of Django's: firmdesk/web/templates/django/forms/widgets/select.html writes
# its options inline, where Django includes two templates an option.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database --------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "firmdesk.sqlite3"
# Connections are kept between requests (checked before reuse): a new PostgreSQL
# connection cost a queue page 8-12 ms on the bench machine (docs/performance.md).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 300),
        # A kept connection is tested before a request reuses it, so one that
        # PostgreSQL dropped (a restart, pg_terminate_backend, a proxy's idle
        # cut) is replaced instead of failing the request
        # (tests/serving/test_connections.py).
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
# A pool of PostgreSQL connections per server process (psycopg_pool), which
# requests borrow and hand back. On by default under `firmdesk serve` with
# gevent workers (gunicorn_conf.py), whose requests are greenlets that cannot
# keep a connection of their own between requests. Size it so that server
# processes x DB_POOL_MAX stays under PostgreSQL's max_connections with room
# for the job workers and an administrator (docs/deploy.md). A request that
# waits DB_POOL_TIMEOUT seconds for a connection gets a 503. The pool replaces
# kept connections (Django refuses both), so DB_CONN_MAX_AGE does not apply.
DB_POOL = env_bool("DB_POOL", False)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 10),
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
        # Connections are renewed after this long, so a PostgreSQL setting
        # changed with a reload reaches every one of them.
        "max_lifetime": env_int("DB_POOL_MAX_LIFETIME", 3600),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DB_JIT", False
):
    # PostgreSQL compiles a query to machine code (JIT) once the planner's cost
    # estimate passes jit_above_cost; FirmDesk's queries are short, and the
    # compiling is what takes long: a cross-firm task filter tried for the
    # team queue (estimate 183,000) ran in 90 ms and compiled for 130 ms. Today's
    # queries stay under the threshold on the large seed; this keeps the next
    # one that does not from paying for it. DB_JIT=on leaves it to the server
    # (a connection pooler that refuses startup options needs that, and
    # jit = off in postgresql.conf instead; docs/deploy.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, IMMEDIATE transactions and a busy timeout: without them the web
    # workers, the job worker and audit writes meet "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so the job worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and security ------------------------------------------------------
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_VALIDATORS = "django.contrib.auth.password_validation"
# Shown as the rule on the change-password page (docs/security-accounts.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {
        "NAME": "firmdesk.web.accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "today:today"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# Failures count per account, and per account from one address; never per
# address alone, or five bad passwords for one person would lock out everyone
# behind the same office network or proxy (issue 16). The address is read the
# way the public forms read it, so the documented proxy setting applies here too.
AXES_LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "firmdesk.common.http.client_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "web/accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Absolute: signed out this long after signing in, whatever they do; idle:
# after this many minutes without a request (web.middleware.SessionTimeout...).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
FIRMDESK_IDLE_MINUTES = env_int("FIRMDESK_IDLE_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# Strict from the first page: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

OTP_TOTP_ISSUER = "FirmDesk"
# Sensitive actions (exports, ending an engagement, unmasking, key and audit
# exports) ask for the password again after this many minutes
# (web/accounts/reauth.py).
FIRMDESK_REAUTH_MINUTES = env_int("FIRMDESK_REAUTH_MINUTES", 10)

# --- JSON API (docs/api.md) ------------------------------------------------
# Requests one API token may send ("600/min", "20/s", "10000/day").
# Counted in Django's cache: per process with the default in-memory cache, so
# with several server processes set a shared cache (docs/deploy.md).
FIRMDESK_API_RATE_LIMIT = env_str("FIRMDESK_API_RATE_LIMIT", "600/min")
# Webhooks: how long a receiver may take to answer, how many attempts a
# delivery gets (with growing waits between them), and after how many failed
# attempts in a row an endpoint is disabled and its owner told.
FIRMDESK_WEBHOOK_TIMEOUT_SECONDS = float(
    env_str("FIRMDESK_WEBHOOK_TIMEOUT_SECONDS", "10")
)
# 14 attempts: about a day of retries (30 s doubling, at most 6 h apart).
FIRMDESK_WEBHOOK_MAX_ATTEMPTS = env_int("FIRMDESK_WEBHOOK_MAX_ATTEMPTS", 14)
FIRMDESK_WEBHOOK_BACKOFF_SECONDS = float(
    env_str("FIRMDESK_WEBHOOK_BACKOFF_SECONDS", "30")
)
FIRMDESK_WEBHOOK_DISABLE_AFTER = env_int("FIRMDESK_WEBHOOK_DISABLE_AFTER", 20)
# ... and only once nothing has reached it for this long.
FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS = env_int(
    "FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS", 24
)
# Endpoints must use https and reach the public internet: an address on a
# private, loopback or link-local network (FirmDesk's own network, a cloud's
# metadata service) is refused. Allow both for a receiver inside your own
# network; on in tests, whose receivers listen on 127.0.0.1 over http.
FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool(
    "FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS", TESTING
)

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The date style of Django's own formats ("Dec 6, 2026"): web/formats/en/.
FORMAT_MODULE_PATH = ["firmdesk.web.formats"]

# --- Static files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents, sealed by documents/crypto.py before they are written: under
    # MEDIA_ROOT by default, or an S3-compatible bucket through django-storages
    # (docs/documents-storage.md).
    "documents": {
        "BACKEND": env_str(
            "DOCUMENTS_STORAGE_BACKEND",
            "django.core.files.storage.FileSystemStorage",
        ),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
if env_str("DOCUMENTS_S3_BUCKET", ""):
    # The bucket only ever receives sealed files. Never overwrite a name
    # (`firmdesk keys encrypt-existing` relies on a new name never replacing a
    # file), and no ACL: the bucket stays private. Credentials come from
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the machine's role.
    STORAGES["documents"]["OPTIONS"] = {
        "bucket_name": env_str("DOCUMENTS_S3_BUCKET", ""),
        "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("DOCUMENTS_S3_REGION", "") or None,
        "location": env_str("DOCUMENTS_S3_PREFIX", "firmdesk"),
        "file_overwrite": False,
        "default_acl": None,
    }
MEDIA_ROOT = VAR_DIR / "media"
# Uploads (task attachments and, later, every document): the largest file accepted
# and the kinds of file a firm works with. Anything else is refused with a message.
FIRMDESK_UPLOAD_MAX_BYTES = env_int("FIRMDESK_UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body the server reads at all (web/body_limit.py): the
# largest file any page takes (uploads above, CSV imports 50 MB) plus room for
# the form's other fields. A larger one is refused with 413 before it is read;
# nginx's client_max_body_size should say the same (docs/deploy.md).
FIRMDESK_REQUEST_MAX_BYTES = env_int(
    "FIRMDESK_REQUEST_MAX_BYTES",
    max(FIRMDESK_UPLOAD_MAX_BYTES, 50 * 1024 * 1024) + 1024 * 1024,
)
# Virus scanning of uploads through ClamAV's clamd (documents/scanning.py,
# docs/security-hardening.md): a Unix socket or host:port; neither set, the
# Debian socket when it exists (not under tests, so a machine's own clamd
# never changes their outcome); "off" turns scanning off. A configured
# scanner that does not answer refuses the upload.
FIRMDESK_CLAMAV_SOCKET = env_str("FIRMDESK_CLAMAV_SOCKET", "")
FIRMDESK_CLAMAV_ADDRESS = env_str("FIRMDESK_CLAMAV_ADDRESS", "")
FIRMDESK_CLAMAV_DEFAULT_SOCKET = "" if TESTING else "/var/run/clamav/clamd.ctl"
FIRMDESK_CLAMAV_TIMEOUT = env_int("FIRMDESK_CLAMAV_TIMEOUT", 30)
# Encryption at rest (docs/documents-encryption.md): the master keys that wrap
# each firm's data key, base64 of 32 random bytes each, oldest first and the
# last current; from the environment, or else from the key file, which is made
# with one new key on first use. Keep the key file out of backups of var/.
FIRMDESK_MASTER_KEY = env_str("FIRMDESK_MASTER_KEY", "")
FIRMDESK_MASTER_KEY_FILE = Path(
    env_str("FIRMDESK_MASTER_KEY_FILE", str(VAR_DIR / "keys" / "master.keys"))
)

# --- E-mail ----------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# The address people reach FirmDesk at ("https://desk.example.com"): links in
# e-mails and the addresses shown for feeds and public forms. Unset, pages use
# the address they were served from and jobs `firmdesk run`'s (operations.md).
FIRMDESK_BASE_URL = env_str("FIRMDESK_BASE_URL", "").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FirmDesk <no-reply@firmdesk.local>")

# --- Cache -----------------------------------------------------------------
# Redis when REDIS_URL is set ("redis://127.0.0.1:6379/1"), shared by every
# server process and machine: the API's per-token rate limit then counts
# across all of them (docs/deploy.md). Without it, each process keeps its own.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several installations may share one Redis.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "firmdesk"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background jobs -------------------------------------------------------
# The database backend (default) is run by `firmdesk worker`, with FirmDesk's
# retries and recovery. TASKS_BACKEND=rq puts jobs in Redis (RQ_REDIS_URL, or
# else REDIS_URL) for rq's workers; `firmdesk worker` then runs those, and the
# schedule beside them (jobs/rq_worker.py, docs/jobs.md).
_TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
_tasks_backend = env_str("TASKS_BACKEND", "database")
TASKS = {"default": {"BACKEND": _TASKS_BACKENDS.get(_tasks_backend, _tasks_backend)}}
RQ_QUEUES = {
    "default": {
        "URL": env_str("RQ_REDIS_URL", "") or REDIS_URL or "redis://127.0.0.1:6379/0",
        # Seconds a job may run before rq stops it.
        "DEFAULT_TIMEOUT": env_int("RQ_JOB_TIMEOUT", 600),
    }
}
if TASKS["default"]["BACKEND"] == _TASKS_BACKENDS["rq"]:
    INSTALLED_APPS.append("django_rq")
FIRMDESK_WORKER = {
    "POLL_SECONDS": float(env_str("WORKER_POLL_SECONDS", "1")),
    "HEARTBEAT_SECONDS": float(env_str("WORKER_HEARTBEAT_SECONDS", "5")),
    "STALE_AFTER_SECONDS": float(env_str("WORKER_STALE_AFTER_SECONDS", "60")),
    "SCHEDULE_EVERY_SECONDS": float(env_str("WORKER_SCHEDULE_EVERY_SECONDS", "60")),
    "MAX_ATTEMPTS": env_int("WORKER_MAX_ATTEMPTS", 5),
    "BACKOFF_BASE_SECONDS": float(env_str("WORKER_BACKOFF_BASE_SECONDS", "30")),
    "BACKOFF_MAX_SECONDS": float(env_str("WORKER_BACKOFF_MAX_SECONDS", "3600")),
}

# Service levels: how long before a task's due time its people are warned.
FIRMDESK_SLA_WARNING_MINUTES = env_int("FIRMDESK_SLA_WARNING_MINUTES", 60)
# Public intake form and booking page: submissions one address may send a firm
# ("5/hour", "20/minute", "100/day"), and whether to trust X-Forwarded-For
# (only behind a proxy that sets it).
FIRMDESK_INTAKE_RATE_LIMIT = env_str("FIRMDESK_INTAKE_RATE_LIMIT", "5/hour")
FIRMDESK_TRUST_X_FORWARDED_FOR = env_bool("FIRMDESK_TRUST_X_FORWARDED_FOR", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    },
    # A share link's token is the key to a client's file: never in a log line.
    "filters": {
        "share_tokens": {
            "()": "firmdesk.web.documents.public_shares.redact.RedactShareTokens"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["share_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"firmdesk": {"level": env_str("LOG_LEVEL", "INFO")}},
}
