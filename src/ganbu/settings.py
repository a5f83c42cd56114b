"""Django settings for ganbu.

Everything that differs between a laptop demo, CI and a county server is read from the
environment and fails loudly on a bad value: DEBUG is off unless asked for, and outside DEBUG
there is no default secret key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GANBU_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0/true/false), got {raw!r}")


DEBUG = _env_bool("GANBU_DEBUG")


def _secret_key() -> str:
    """Production reads GANBU_SECRET_KEY and refuses a weak one; only a demo or a test run may
    use (or create, readable by its owner only) the key file under var/."""
    key = os.environ.get("GANBU_SECRET_KEY")
    if not (DEBUG or _env_bool("GANBU_TESTING")):
        if not key:
            raise ImproperlyConfigured("GANBU_SECRET_KEY is not set (or run with GANBU_DEBUG=1 for a demo)")
        if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
            raise ImproperlyConfigured("GANBU_SECRET_KEY is too weak: at least 50 random characters "
                                       "(python -c 'import secrets; print(secrets.token_urlsafe(50))')")
        return key
    if key:
        return key
    return _demo_key_file(VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50))


def _demo_key_file(path: Path, make: Any) -> str:
    """Read a demo/test key file, creating it mode 0600 (never used outside DEBUG or tests)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("GANBU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["testserver", "*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "ganbu.core",
    "ganbu.org",
    "ganbu.cases",
    "ganbu.notices",
    "ganbu.leave",
    "ganbu.attendance",
    "ganbu.points",
    "ganbu.assessment",
    "ganbu.targets",
    "ganbu.stationing",
    "ganbu.diary",
    "ganbu.reserves",
    "ganbu.subsidies",
    "ganbu.reports",
    "ganbu.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ganbu.core.stamps.StampMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ganbu.core.errors.ChineseErrorPagesMiddleware",
]

ROOT_URLCONF = "ganbu.urls"
WSGI_APPLICATION = "ganbu.wsgi.application"

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
                "ganbu.core.nav.nav_context",
            ]
        },
    }
]


def _database() -> dict:
    """GANBU_DATABASE: unset → SQLite under var/; or postgres://user@host:port/name."""
    url = os.environ.get("GANBU_DATABASE", "")
    if not url or url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else str(VAR_DIR / "ganbu.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            },
            "TEST": {"NAME": os.environ.get("GANBU_TEST_SQLITE") or None},
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(f"GANBU_DATABASE must be sqlite:///path or postgres://…, got {url!r}")
    name = parsed.path.lstrip("/") or "ganbu"
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "127.0.0.1",
        "PORT": str(parsed.port or 5432),
        "CONN_MAX_AGE": int(os.environ.get("GANBU_CONN_MAX_AGE", "0" if _env_bool("GANBU_TESTING") else "60")),
        # Django's own cursors bind on the client and never prepare; this lets the few statements
        # that ask for it (the one-statement sign-in) be prepared once per connection. Django
        # otherwise passes None, which turns preparing off even for them.
        "OPTIONS": {"prepare_threshold": 5},
        "TEST": {"NAME": f"test_{name}{os.environ.get('GANBU_TEST_DB_SUFFIX', '')}"},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- accounts and sign-in security (issue 16, 等保2.0 level 3; owner: org/signin.py, org/accounts.py) ---
# Password length, classes, history, expiry, lockout and idle timeout are policy parameters (OrgParams).
AUTH_PASSWORD_VALIDATORS = [{"NAME": "ganbu.org.accounts.PolicyPasswordValidator"}]
AUTHENTICATION_BACKENDS = ["ganbu.org.signin.LockoutBackend"]  # lock checked before any hash is computed
GANBU_TESTING = _env_bool("GANBU_TESTING")
GANBU_TRUST_PROXY = _env_bool("GANBU_TRUST_PROXY")  # take the address from X-Forwarded-For (behind nginx)
# Two-factor sign-in (TOTP) for the three administrators and county roles: on unless turned off;
# the test suite turns it off by default (its tests turn it on where they test it).
GANBU_REQUIRE_2FA = _env_bool("GANBU_REQUIRE_2FA", default=not GANBU_TESTING)
LOGIN_URL_PATH = "/login/"
LOGIN_REDIRECT_URL_PATH = "/"
SESSION_COOKIE_AGE = 12 * 3600  # absolute cap; the idle timeout (policy) ends sessions sooner
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "ganbu.org.signin.SessionSecurityMiddleware")
# --- end of accounts and sign-in security ---

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

HUEY_MODE = os.environ.get("GANBU_HUEY", "sqlite")
if HUEY_MODE == "immediate":
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "ganbu", "immediate": True}
elif HUEY_MODE == "sqlite":
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ganbu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
elif HUEY_MODE == "redis":
    HUEY = {"huey_class": "huey.RedisHuey", "name": "ganbu", "immediate": False,
            "connection": {"url": os.environ.get("GANBU_REDIS_URL", "redis://127.0.0.1:6379/0")}}
else:
    raise ImproperlyConfigured(f"GANBU_HUEY must be immediate, sqlite or redis, got {HUEY_MODE!r}")

NINJA_PAGINATION_PER_PAGE = 50
# Phone-app bearer tokens (ganbu.org.tokens) expire after this many seconds; revoking ends them at once.
GANBU_TOKEN_MAX_AGE = int(os.environ.get("GANBU_TOKEN_MAX_AGE", str(30 * 24 * 3600)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GANBU_LOG_LEVEL", "WARNING")},
}

if _env_bool("GANBU_TESTING"):
    # Tests create a dozen personas per test; PBKDF2 costs ~0.6 s each on CI machines.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# ---------------------------------------------------------------------------------------------
# Production and security (issue 17). Everything about serving, TLS, CSP, integrity keys and
# retention lives in this block; DEBUG and test runs keep the demo-friendly defaults.
# ---------------------------------------------------------------------------------------------
TESTING = _env_bool("GANBU_TESTING")
# WhiteNoise serves /static/ from STATIC_ROOT (collectstatic) with hashed names and a year's cache;
# the middleware sits right after SecurityMiddleware so static answers skip sessions and auth.
MIDDLEWARE.insert(1, "ganbu.core.security.SecurityHeadersMiddleware")
if not (DEBUG or TESTING):  # the demo's runserver and the tests serve static files from the finders
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"), "ganbu.core.security.InputGuardMiddleware")
MIDDLEWARE.append("ganbu.core.security.DomainErrorMiddleware")
# No text field of any request may be longer than this (a 100,000-character comment is refused, named).
GANBU_MAX_FIELD_CHARS = int(os.environ.get("GANBU_MAX_FIELD_CHARS", "20000"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG or TESTING
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if not DEBUG else 0
# Content-Security-Policy (ganbu.core.security): no inline script anywhere; page scripts live in
# static/ganbu/*.js. Inline style attributes stay allowed (ECharts draws with them).
GANBU_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
             "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
             "frame-ancestors 'none'; form-action 'self'")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (nginx: proxy_set_header
    # X-Forwarded-Proto $scheme). GANBU_HSTS_SECONDS=0 turns HSTS off while trying TLS out.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("GANBU_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("GANBU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("GANBU_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("GANBU_HSTS_PRELOAD", True)
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GANBU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# A running background job without a progress heartbeat this long lost its worker: marked failed.
GANBU_JOB_STALE_SECONDS = int(os.environ.get("GANBU_JOB_STALE_SECONDS", "600"))
GANBU_JOB_QUEUE_SECONDS = int(os.environ.get("GANBU_JOB_QUEUE_SECONDS", "3600"))
# Uploads: nothing larger than this reaches a view (rosters, evidence).
GANBU_UPLOAD_MAX_BYTES = int(os.environ.get("GANBU_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Integrity keys (ganbu.core.keys): the audit HMAC key and the SM4 data key come from the
# environment or from key files outside the database; never from SECRET_KEY, never from a table.
# Demo and test runs create key files under var/keys (mode 0600); production refuses to start
# without them (GANBU_AUDIT_KEY / GANBU_DATA_KEY, 64 hex characters, or *_FILE paths).
GANBU_KEY_DIR = Path(os.environ.get("GANBU_KEY_DIR", VAR_DIR / "keys"))
GANBU_DEMO_KEYS = DEBUG or TESTING
# The audit rows' keyed hash: SM3 (国密) where OpenSSL offers it, else SHA-256. Fixed per install:
# rows hashed with one cannot be verified with the other.
import hashlib as _hashlib  # noqa: E402

GANBU_AUDIT_HASH = os.environ.get("GANBU_AUDIT_HASH") or ("sm3" if "sm3" in _hashlib.algorithms_available else "sha256")
# Sealed audit checkpoints are appended here (one JSON line per seal), outside the database.
GANBU_AUDIT_CHECKPOINTS = Path(os.environ.get("GANBU_AUDIT_CHECKPOINTS", VAR_DIR / "audit" / "checkpoints.jsonl"))
