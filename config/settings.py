"""One settings module, driven by environment variables.

With no variables set, Satuklik runs on the embedded defaults: SQLite, local files,
a cache table in that database, and an outbox for e-mail and SMS (demo mode). Each integration
switches on when its variable is set: DATABASE_URL, REDIS_URL, EMAIL_URL,
SMS_GATEWAY_URL, AWS_STORAGE_BUCKET_NAME.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse, urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def git_commit(directory: Path) -> str:
    """The commit checked out in `directory` ("" outside a git checkout)."""
    git = directory / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()
        packed = (git / "packed-refs").read_text().splitlines()
        return next((line.split()[0] for line in packed if line.endswith(" " + ref)), "")
    except OSError:
        return ""


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# PRODUCTION turns on every hardening setting; the demo never needs it.
PRODUCTION = env_bool("SATUKLIK_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Demo mode: messages land in the outbox page instead of SMTP/SMS, demo links show.
DEMO_MODE = env_bool("SATUKLIK_DEMO_MODE", default=not PRODUCTION)
# Names this release: the service worker's cache is named after it, so a new release
# never serves the old CSS or JavaScript. Empty (no variable, no git checkout): a hash of
# the cached files' contents (satuklik/core/offline.py).
RELEASE = os.environ.get("SATUKLIK_RELEASE", "") or git_commit(BASE_DIR)[:12]

if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-demo-key-only-for-local-runs-0123456789abcdefghijklmnop")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "satuklik.accounts.apps.StaffAdminConfig",  # django.contrib.admin with TOTP for staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs page's Swagger UI from our own static files, not a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "storages",
    "satuklik.core",
    "satuklik.accounts",
    "satuklik.policies",
    "satuklik.notifications",
    "satuklik.providers",
    "satuklik.claims",
    "satuklik.cards",
    "satuklik.demo",  # manage.py seed_demo; imports the apps, none imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON compressed (static files come compressed from whitenoise). Django's
    # gzip pads each response with random bytes against BREACH; CSRF tokens are masked.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "satuklik.core.middleware.ApiJsonErrorsMiddleware",  # JSON errors (405, 400) under /api/
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "satuklik.accounts.middleware.SessionLifetimeMiddleware",  # idle 30 min, absolute 12 h
    "django_otp.middleware.OTPMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "satuklik.core.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "satuklik.core.views.csrf_failure"  # JSON 403 under /api/
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "satuklik.core.context_processors.branding",
                "satuklik.notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Persistent connections with health checks: measured in DESIGN.md, reconnecting per
# request cuts throughput by almost ten.
DATABASES = {
    # An empty DATABASE_URL means "not set", like every other variable here.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo server and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test workers each get a Redis database of their own (gw0 -> 2, gw1 -> 3).
    REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{2 + int(os.environ['PYTEST_XDIST_WORKER'][2:])}"
if REDIS_URL:
    # Shared by every app server: OTP throttles, lockouts and sessions must be.
    CACHES = {"default": {"BACKEND": "satuklik.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # The embedded default serves with several gunicorn workers: a cache in each process
    # would count throttles and lockouts per worker. A table in the same database (made by
    # `manage.py createcachetable`) is one view for every process, with an atomic incr.
    CACHES = {"default": {"BACKEND": "satuklik.core.cache.DatabaseCache", "LOCATION": "satuklik_cache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Log in with any of a person's login names (JANERA0112, case-insensitive).
AUTHENTICATION_BACKENDS = ["satuklik.accounts.backends.LoginNameBackend"]
# The End User License Agreement members accept at registration (text: accounts/eula.html).
EULA_VERSION = os.environ.get("SATUKLIK_EULA_VERSION", "2025.1")
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Argon2 first, as OWASP recommends; the others only to verify legacy hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# No NumericPasswordValidator: composition rules are out (NIST SP 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "satuklik.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "satuklik.accounts.validators.ContextWordsValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/yyyy in both languages (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
# The language switch is remembered for a year (Django's default cookie ends with the browser session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SATUKLIK_STATIC_ROOT", BASE_DIR / "staticfiles"))
# After `collectstatic` (production, scripts/run): hashed names cached for a year, and
# gzip/brotli copies served by whitenoise. Otherwise (tests, runserver) the files are
# served from the app folders as they are.
STATIC_COLLECTED = env_bool("SATUKLIK_STATIC_COLLECTED", default=PRODUCTION)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("SATUKLIK_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# No MEDIA_URL route: documents are served only through views that check ownership.
MEDIA_URL = "/media-not-public/"

AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail and SMS -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Satuklik <no-reply@satuklik.example>")
EMAIL_URL = os.environ.get("EMAIL_URL", "")


def email_settings_from_url(url):
    """smtp://user:pass@host:587?tls=1 or smtps://...:465 -> Django's EMAIL_* settings."""
    parsed = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", "") in {"1", "true"},
    }


if EMAIL_URL:
    globals().update(email_settings_from_url(EMAIL_URL))
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 10
# Outbox: messages are stored and shown at /outbox/ instead of being sent.
NOTIFICATIONS_OUTBOX = env_bool("SATUKLIK_OUTBOX", default=DEMO_MODE and not EMAIL_URL)
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_SENDER_ID = os.environ.get("SMS_SENDER_ID", "SATUKLIK")
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "5"))

# --- Background tasks -----------------------------------------------------------------
# Immediate by default (the demo needs no worker); a database queue in production,
# worked by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Channels (telemedicine chat) -----------------------------------------------------
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

# --- Maps (partner hospitals): any XYZ tile server; markers still show if tiles fail --
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Where the map's tiles come from, for the Content-Security-Policy (img-src): the tile
# URL's scheme and host, "{s}" subdomains as a wildcard.
MAP_TILE_HOSTS = os.environ.get("MAP_TILE_HOSTS", "").split() or [
    "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL)).replace("{s}", "*")
]

# Content-Security-Policy (django-csp): scripts only from our own static files, no inline
# script anywhere; the few inline <style> blocks carry the request's nonce; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:", *MAP_TILE_HOSTS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the hospital finder asks for the
# location, the claim form may use the camera (file input capture); nothing else.
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    "camera": ["self"],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "interest-cohort": [],
}
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

# --- Branding: nothing in the code names a real insurer -------------------------------
# The defaults of the regulator note and the office hours are English msgids, shown in the
# reader's language; a value set in the environment is shown as written.
BRAND = {
    "APP_NAME": os.environ.get("BRAND_APP_NAME", "Satuklik"),
    "INSURER_NAME": os.environ.get("BRAND_INSURER_NAME", "PT Asuransi Contoh Sejahtera"),
    "REGULATOR_NOTE": os.environ.get(
        "BRAND_REGULATOR_NOTE", _("Licensed and supervised by the Financial Services Authority (OJK)")
    ),
    "LOGO_URL": os.environ.get("BRAND_LOGO_URL", "/static/img/logo.svg"),
    "PRIMARY_COLOR": os.environ.get("BRAND_PRIMARY_COLOR", "#b3001b"),
    "PRIMARY_DARK_COLOR": os.environ.get("BRAND_PRIMARY_DARK_COLOR", "#7a0012"),
    "ACCENT_COLOR": os.environ.get("BRAND_ACCENT_COLOR", "#1f5f8b"),
    "CALL_CENTER": os.environ.get("BRAND_CALL_CENTER", "1500-123"),
    "CARE_EMAIL": os.environ.get("BRAND_CARE_EMAIL", "care@asuransi-contoh.example"),
    "OFFICE_HOURS": os.environ.get("BRAND_OFFICE_HOURS", _("Monday-Friday 08:00-17:00 WIB")),
    "WEBSITE": os.environ.get("BRAND_WEBSITE", "https://asuransi-contoh.example"),
}

# --- eCard ----------------------------------------------------------------------------
# Ed25519 key signing the eCard QR payloads: base64 of a 32-byte seed, e.g.
# `python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`.
# Required in production; elsewhere, when empty, derived from SECRET_KEY so a demo
# restart keeps its cards valid. See docs/policies.md.
CARD_SIGNING_KEY = os.environ.get("CARD_SIGNING_KEY", "")

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Idle timeout: 30 minutes, renewed on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_MAX_AGE = 12 * 60 * 60
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies can be set only by this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Uploads: claim documents are checked one by one; this caps a whole request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
