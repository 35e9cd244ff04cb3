"""Settings for Jindu, read from the environment (see README.md, "Configuration").

One settings module serves development, tests and production; every difference is an
environment variable so that the same code runs on a laptop with SQLite and on a cluster
with PostgreSQL and Redis.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django.conf.locale
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT_DIR = PACKAGE_DIR.parents[1]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or env_bool("JINDU_TESTING")

DATA_DIR = Path(os.environ.get("JINDU_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)


def _secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("JINDU_DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "csp",
    "jindu.common",
    "jindu.core",
    "jindu.persons",
    "jindu.precursors",
    "jindu.cases",
    "jindu.outreach",
    "jindu.supervision",
    "jindu.reports",
]
if TESTING:
    INSTALLED_APPS.append("jindu.common.testing.specimen")  # a model with every security mixin, for tests

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jindu.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jindu.core.middleware.OTPSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "jindu.common.middleware.RequestContextMiddleware",
    "jindu.core.middleware.AccountSecurityMiddleware",
    "jindu.common.middleware.ManagementNetworkMiddleware",
    "jindu.common.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jindu.urls"
WSGI_APPLICATION = "jindu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ROOT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jindu.common.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default="sqlite:///{}".format(DATA_DIR / "jindu.sqlite3"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
# The public quiz's hot path on a database role of its own (least privilege; outreach/quiz/dbrouter.py, docs/quiz.md):
# the same database, a role that reads the quiz's tables and writes attempts only.
if os.environ.get("JINDU_QUIZ_DATABASE_URL"):
    DATABASES["quiz"] = dj_database_url.parse(os.environ["JINDU_QUIZ_DATABASE_URL"], conn_max_age=60)
    DATABASES["quiz"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["jindu.outreach.quiz.dbrouter.QuizRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis in production) -------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions -------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "jindu.core.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; a fast hasher keeps the suite short. Production uses Argon2
    # (tested in core/tests/test_security.py by hashing with the production list).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
PASSWORD_MIN_LENGTH = int(os.environ.get("JINDU_PASSWORD_MIN_LENGTH", "10"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "jindu.core.validators.CharacterClassValidator",
     "OPTIONS": {"min_classes": int(os.environ.get("JINDU_PASSWORD_MIN_CLASSES", "3"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator",
     **({"OPTIONS": {"password_list_path": os.environ["JINDU_PASSWORD_LIST"]}} if "JINDU_PASSWORD_LIST" in os.environ
        else {})},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = int(os.environ.get("JINDU_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True  # the age above is then an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "jindu_session"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_bool("JINDU_SECURE_COOKIES", not DEBUG and env_bool("JINDU_HTTPS"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if env_bool("JINDU_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Lockout: 5 failures within 15 minutes lock the account for 15 minutes (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("JINDU_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JINDU_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts 15 minutes from the 5th failure; tries during the lock neither count nor extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "jindu.core.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_USERNAME_FORM_FIELD = "username"

# --- Security headers and Content-Security-Policy (no inline script anywhere) --------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Languages: Simplified Chinese (default), Tibetan, English ------------------------------
django.conf.locale.LANG_INFO.update(
    {"bo": {"bidi": False, "code": "bo", "name": "Tibetan", "name_local": "བོད་ཡིག"}}
)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("bo", "བོད་ཡིག"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "jindu_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [ROOT_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static files and uploads --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [ROOT_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "files"  # outside the web root: files are streamed by views, never served
UPLOAD_DIR = DATA_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Import engine limits (checked before parsing).
IMPORT_MAX_FILE_BYTES = int(os.environ.get("JINDU_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("JINDU_IMPORT_MAX_UNCOMPRESSED", str(500 * 1024 * 1024)))
IMPORT_MAX_ZIP_ENTRIES = 2000
IMPORT_MAX_ROWS = int(os.environ.get("JINDU_IMPORT_MAX_ROWS", "200000"))

# --- Jindu ----------------------------------------------------------------------------------
JINDU_ROOT_REGION = os.environ.get("JINDU_ROOT_REGION", "540000")
JINDU_AUDIT_MODEL = "core.AuditLog"
JINDU_TRUST_PROXY = env_bool("JINDU_TRUST_PROXY", env_bool("JINDU_HTTPS"))  # believe X-Real-IP from the proxy

DJANGO_TABLES2_TEMPLATE = "common/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-vcenter card-table table-striped"}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": sys.stderr, "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("JINDU_LOG_LEVEL", "WARNING")},
}

# Lockout is per account, as the security requirements ask; per-address rate limits are separate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Security (docs/security.md) ---------------------------------------------------------------
# Two-factor login (password + TOTP) for every account; turn off only in a test that needs it.
JINDU_2FA_REQUIRED = env_bool("JINDU_2FA_REQUIRED", True)
JINDU_2FA_FAILURE_LIMIT = int(os.environ.get("JINDU_2FA_FAILURE_LIMIT", "5"))
JINDU_2FA_LOCK_SECONDS = int(os.environ.get("JINDU_2FA_LOCK_MINUTES", "15")) * 60
OTP_TOTP_ISSUER = "Jindu"
JINDU_SESSION_MAX_AGE = int(os.environ.get("JINDU_SESSION_MAX_AGE_SECONDS", str(12 * 3600)))
JINDU_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("JINDU_PASSWORD_MAX_AGE_DAYS", "0"))  # 0: no expiry
JINDU_DORMANT_DAYS = int(os.environ.get("JINDU_DORMANT_DAYS", "90"))
JINDU_ADMIN_ALLOWED_NETWORKS = env_list("JINDU_ADMIN_ALLOWED_NETWORKS", "")  # e.g. 10.20.0.0/16: management pages
JINDU_RATE_LIMITS = {
    "login": {"ip": "30/15m"},
    "otp": {"ip": "30/15m"},
    "import": {"user": "30/h", "ip": "120/h"},
    "export": {"user": "60/h", "ip": "240/h"},
    "api_write": {"user": "300/5m", "ip": "1200/5m"},
    # Public quiz (docs/quiz.md "Rate limits"): a school's pupils share one address, so the address limits are
    # bursts (ip: requests without a participant token; ip_signed: with one), each participant's token is limited
    # on its own; SMS codes per address and per phone.
    "quiz": {"ip": "300/m", "ip_signed": "1200/m", "participant": "30/m"},
    "quiz_sms": {"ip": "300/h", "phone": "1/m"},
    "quiz_sms_day": {"phone": "5/d"},
}
for _entry in env_list("JINDU_RATE_LIMITS", ""):  # "import.user=30/h,export.ip=100/h"
    _name, _, _rate = _entry.partition("=")
    _scope, _, _kind = _name.partition(".")
    JINDU_RATE_LIMITS.setdefault(_scope, {})[_kind] = _rate
JINDU_BACKUP_DIR = Path(os.environ.get("JINDU_BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
JINDU_VOID_RETENTION_DAYS = int(os.environ.get("JINDU_VOID_RETENTION_DAYS", str(3 * 365)))

# --- E-mail: coordination notifications (supervision/notifications.py) ------------------------
# Off unless JINDU_NOTIFY_EMAIL is set; then each new in-app notification is also mailed (after commit).
JINDU_NOTIFY_EMAIL = env_bool("JINDU_NOTIFY_EMAIL")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", os.environ.get("EMAIL_USER", ""))
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", os.environ.get("EMAIL_PASSWORD", ""))
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jindu@localhost")

# --- Public quiz (outreach/quiz, docs/quiz.md) -------------------------------------------------
# SMS gateway: a dotted path to a backend class; the console backend logs the code (development).
JINDU_QUIZ_SMS_BACKEND = os.environ.get("JINDU_QUIZ_SMS_BACKEND", "jindu.outreach.quiz.sms.ConsoleBackend")
# WeChat-style login: a dotted path to an adapter class (docs/quiz.md); empty: phone login only.
JINDU_QUIZ_WECHAT_ADAPTER = os.environ.get("JINDU_QUIZ_WECHAT_ADAPTER", "")
# Prefix of the quiz's own Redis keys (live counters, rate limits): several instances may share one Redis.
JINDU_QUIZ_REDIS_PREFIX = os.environ.get("JINDU_QUIZ_REDIS_PREFIX", "jindu:")
# Proof of work before an SMS code is sent and before an attempt starts (outreach/quiz/pow.py): leading zero bits
# of SHA-256 a client must find; 0 = off (pages then work without JavaScript). Production: 12.
JINDU_QUIZ_POW_BITS = int(os.environ.get("JINDU_QUIZ_POW_BITS", "0"))
