"""Configuration: everything comes from environment variables with safe local defaults."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-insecure-change-me"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{_instance_dir() / 'workflow.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(_instance_dir() / "uploads"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024

    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "10"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@iro.local")
    # The development mail catcher's Maildir (`make run` sets it; empty: no catcher, no staff page for it).
    MAIL_CATCHER_DIR = os.environ.get("MAIL_CATCHER_DIR", "")
    # Daily digests (users who chose one, and staff) go out from this hour, local time (Europe/Moscow).
    DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "8"))
    # Absolute base address used in e-mailed links (the scheduler has no request to derive it from).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    DISPLAY_TIMEZONE = os.environ.get("DISPLAY_TIMEZONE", "Europe/Moscow")
    PASSWORD_RESET_TTL_MINUTES = int(os.environ.get("PASSWORD_RESET_TTL_MINUTES", "60"))
    # Sign-in throttling (services/platform/accounts.py): attempts per account, and per IP address from
    # browsers the account has not signed in on before, in one window. The counts live in
    # RATELIMIT_STORAGE_URI, a `limits` storage: redis://127.0.0.1:6379 in production and CI (shared by
    # all workers); memory:// by default, which is per process and right only for `make run`'s
    # single-process development server.
    LOGIN_FAILURES_PER_MINUTE = int(os.environ.get("LOGIN_FAILURES_PER_MINUTE", "5"))
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = int(os.environ.get("LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", "20"))
    LOGIN_WINDOW_SECONDS = int(os.environ.get("LOGIN_WINDOW_SECONDS", "60"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "workflow_app")
    LOGIN_DEVICE_COOKIE = "known_device"
    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "25"))
    # How many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto/-Host (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # None: argon2-cffi's defaults (time 3, 64 MiB, 4 lanes).
    ARGON2_TIME_COST: int | None = None
    ARGON2_MEMORY_COST: int | None = None
    ARGON2_PARALLELISM: int | None = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session, not the clock: long dossiers take hours
    TESTING = False
    PRODUCTION = False
    HSTS_SECONDS = 0
    # Move the objects of the started app (modules, metadata, templates: ~150,000) out of the cyclic
    # garbage collector's reach. Otherwise each full collection, triggered by any request that builds
    # many rows (a 10,000-entry ranking, an export), walks all of them again: that doubled the ranking's
    # time. Off in tests, where one process creates hundreds of apps and must be able to free them.
    GC_FREEZE = _bool("GC_FREEZE", True)


class ProductionConfig(Config):
    PRODUCTION = True
    # Links in mail must name the real site; production refuses to start without it (see create_app).
    BASE_URL = os.environ.get("BASE_URL", "")
    # Browsers keep to HTTPS for a year once they have seen the site over it (0 turns it off).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    # Several gunicorn workers: the sign-in counts must be shared.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = True
    # Cheap password hashes: the suite signs in hundreds of times. Never set these in production.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    GC_FREEZE = False
    # Per test app, reset before every test (conftest); the tests of the shared Redis store set their own.
    RATELIMIT_STORAGE_URI = "memory://"
    # The suite signs in from 127.0.0.1 hundreds of times a minute; the tests of this limit set it low.
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 100_000


def config_from_env() -> type[Config]:
    base = ProductionConfig if os.environ.get("APP_ENV", "").lower() == "production" else Config
    # The key and the address are read when the app is created, not when this module was first imported.
    return type(base.__name__, (base,), {"SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
                                         "BASE_URL": os.environ.get("BASE_URL", base.BASE_URL)})
