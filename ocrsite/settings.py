"""Settings for ocrsite, read from environment variables with working defaults.

The defaults need no server: SQLite and django-q2's ORM broker under the data folder.
`DATABASE_URL` (PostgreSQL) and `REDIS_URL` (Redis broker) switch to the scale-out mode.
Every variable is listed in README.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("OCRSITE_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """An explicit key, or one made once and kept in the data folder (sessions survive restarts)."""
    if key := os.environ.get("OCRSITE_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written whole, then linked into place: of processes starting at once (web and
        # worker), one key wins and every process reads it. Two keys would leave the workers
        # unable to read the web's queue messages.
        fresh = DATA_DIR / f".secret_key.{os.getpid()}"
        fresh.write_text(secrets.token_urlsafe(50))
        fresh.chmod(0o600)
        try:
            os.link(fresh, path)
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("OCRSITE_DEBUG", False)


def _own_hosts() -> list[str]:
    """The names and addresses this host answers to: a request for any other Host is refused
    (host-header attacks). Under WSL2's NAT the office reaches the Windows host, whose names and
    addresses Linux does not know: there every host is allowed unless OCRSITE_ALLOWED_HOSTS
    says which."""
    try:
        if "microsoft" in Path("/proc/sys/kernel/osrelease").read_text().lower():
            return ["*"]
    except OSError:
        pass
    import socket

    import psutil

    names = {"localhost", "127.0.0.1", "[::1]", socket.gethostname(), socket.getfqdn()}
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET:
                names.add(address.address)
            elif address.family == socket.AF_INET6:
                names.add(f"[{address.address.split('%')[0]}]")
    return sorted(names)


ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("OCRSITE_ALLOWED_HOSTS", "").split(",") if h.strip()
] or _own_hosts()
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env("OCRSITE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
# The address users reach the site at, e.g. https://ocr.example.org: webhooks send links to a
# document with it (without it, the links are paths such as /documents/12).
PUBLIC_URL = env("OCRSITE_PUBLIC_URL", "").strip().rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally (no CDN offline)
    "django_q",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the request's Accept-Language (the app sends en or zh-Hans).
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body, after the language its refusal is written in is known.
    "documents.body_limit.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "documents.login_throttle.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ocrsite.urls"
WSGI_APPLICATION = "ocrsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# SQLite by default: WAL lets the web server read while a worker writes; the busy timeout
# and IMMEDIATE transactions make concurrent writers wait instead of failing.
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Messages, the admin and validation errors in English or Simplified Chinese. Without a
# request (commands, the workers, the committed OpenAPI schema) they are in LANGUAGE_CODE.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# The catalogue (make messages): takes precedence over Django's own for the same message.
LOCALE_PATHS = [BASE_DIR / "documents" / "locale"]
TIME_ZONE = env("OCRSITE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Uploaded originals and rendered page images.
MEDIA_ROOT = Path(env("OCRSITE_MEDIA_DIR", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# The built React app (frontend/dist) is served by WhiteNoise under /static/app/.
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [("app", FRONTEND_DIST)]
# A server may start before `make frontend` has built the app; it serves it once built.
SILENCED_SYSTEM_CHECKS = ["staticfiles.W004"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Upload and rendering limits (the runtime settings row in the admin may lower or raise them).
MAX_UPLOAD_MB = env_int("OCRSITE_MAX_UPLOAD_MB", 100)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_PAGES = env_int("OCRSITE_MAX_PAGES", 300)
# Pages one user may have waiting; past it an upload or a reprocess is refused (429).
MAX_WAITING_PAGES = env_int("OCRSITE_MAX_WAITING_PAGES", 1000)
# The synchronous /ocr endpoint: pages per request, and how long the request waits for the queue.
SYNC_OCR_MAX_PAGES = env_int("OCRSITE_SYNC_OCR_MAX_PAGES", 10)
SYNC_OCR_WAIT_S = env_int("OCRSITE_SYNC_OCR_WAIT_S", 110)
# Intake folders (manage.py integrations): seconds between two looks at every folder, and how
# long a file's size must stay the same before it is taken (a scanner may still be writing).
INTAKE = {
    "POLL_S": float(env("OCRSITE_INTAKE_POLL_S", "2")),
    "STABLE_S": float(env("OCRSITE_INTAKE_STABLE_S", "5")),
}
# Folders whose files PaddleX serving clients may name as file:// URLs (colon-separated); empty:
# none, every file comes in the request. Nothing is ever fetched from other hosts.
SERVING_FILE_DIRS = [
    Path(d) for d in env("OCRSITE_SERVING_FILE_DIRS", "").split(os.pathsep) if d.strip()
]
PDF_DPI = env_int("OCRSITE_PDF_DPI", 200)
MAX_PAGE_PIXELS = env_int("OCRSITE_MAX_PAGE_PIXELS", 40_000_000)

# The OCR engine (documents.engine): one instance per worker process.
OCR_ENGINE = {
    "BACKEND": env("OCRSITE_BACKEND", "openvino"),  # openvino | onnxruntime | paddle
    # auto: bf16 where the device reports BF16 (AVX512_BF16, AMX), else f32 | f32 | bf16
    "PRECISION": env("OCRSITE_PRECISION", "auto"),
    # OpenVINO's device, openvino backend only: CPU | GPU | NPU | AUTO, or one like GPU.1
    "DEVICE": env("OCRSITE_DEVICE", "CPU").strip().upper(),
    "THREADS": env_int("OCRSITE_OCR_THREADS", 2),
    # Lines read first by PP-OCRv6 tiny, again by the main recogniser where it is unsure (faster
    # at nearly the same accuracy: docs/engine-speed-and-accuracy.md); 0 reads them with the main
    # recogniser only.
    "QUICK_READ": env_bool("OCRSITE_QUICK_READ", True),
    # The text detector and recogniser: ppocrv6_small | ppocrv5_mobile (engine.registry)
    "TEXT_MODELS": env("OCRSITE_TEXT_MODELS", "ppocrv6_small"),
    "MODELS_DIR": env("OCRSITE_MODELS_DIR", str(DATA_DIR / "models")),
    "CACHE_DIR": env("OCRSITE_CACHE_DIR", str(DATA_DIR / "cache")),
    "DEFAULT_PIPELINE": env("OCRSITE_PIPELINE", "structure"),
}

# Shared by every process on the host: django-q2 keeps the ORM broker's cluster heartbeats
# (read by /readyz and the status API) in the default cache; the per-process default would hide
# them from the web server. With REDIS_URL the heartbeats live in Redis instead.
# Sign-in attempts (documents/login_throttle.py): this many failures per address or username
# within the window, then 429 until it has passed.
LOGIN_MAX_FAILURES = env_int("OCRSITE_LOGIN_MAX_FAILURES", 10)
LOGIN_WINDOW_S = env_int("OCRSITE_LOGIN_WINDOW_S", 900)

# OCRSITE_HTTPS=1: the site is served over HTTPS by a proxy in front (IIS, nginx, Caddy) that
# sets X-Forwarded-Proto. Cookies go over HTTPS only, browsers are told to use nothing else
# (HSTS), and plain-HTTP requests are redirected, but for the health probes the local watchdog
# reads over HTTP.
if env_bool("OCRSITE_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("OCRSITE_HSTS_SECONDS", 31_536_000)
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "django-cache"),
    }
}

# django-q2: the ORM broker by default, Redis when REDIS_URL is set. A task carries ids only
# and is acknowledged when done, so a killed worker's page comes back after `retry` seconds.
TASK_TIMEOUT = env_int("OCRSITE_TASK_TIMEOUT", 300)
# A page whose worker died this many times (crash, out of memory, kill) fails with a reason.
MAX_PAGE_ATTEMPTS = 3
Q_CLUSTER = {
    "name": env("Q_CLUSTER_NAME", "ocrsite"),
    # Two workers on two cores: one renders, saves and fetches while the other reads a page
    # (queue_bench: a 10-page scan 14.7 s end to end against 17.0 s with one worker).
    "workers": env_int("OCRSITE_WORKERS", 2),
    "timeout": TASK_TIMEOUT,
    "retry": env_int("OCRSITE_TASK_RETRY", TASK_TIMEOUT + 60),
    "max_attempts": MAX_PAGE_ATTEMPTS,
    "ack_failures": True,
    "recycle": env_int("OCRSITE_WORKER_RECYCLE", 500),
    # A worker holding the structure pipeline peaks at 1.9 GB on scanned pages; at the former
    # 1400 MB it was replaced every 2-5 pages, reloading its engine (8 s) each time: queue_bench
    # 1.83x the engine alone, 1.10x at this limit. It is a leak guard, not a budget.
    "max_rss": env_int("OCRSITE_WORKER_MAX_RSS_MB", 2400) * 1024,
    "save_limit": 1000,
    "catch_up": False,
    "poll": 0.2,
    "label": _("Queue"),  # the admin's section for django-q2's pages
}
if REDIS_URL := os.environ.get("REDIS_URL"):
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "documents.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "documents.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ocrsite API",
    "DESCRIPTION": "Upload documents, follow their OCR, review, correct and export the results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Stable names for the enums the front end imports: a new model field with the same
    # choices, or another field named `status`, must not rename them. One name for the webhook
    # events, whether a field holds one (a delivery's) or a list.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "documents.models.Status",
        "PipelineEnum": "documents.models.Pipeline",
        "CorrectionKindEnum": "documents.models.Correction.Kind",
        "CorrectionStateEnum": "documents.models.Correction.State",
        "WebhookEventEnum": "documents.models.WebhookEvent",
        "WebhookDeliveryStateEnum": "documents.models.WebhookDelivery.State",
    },
}

LOGIN_URL = "/admin/login/"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("OCRSITE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
