"""Settings: defaults here, overridden by ``instance/portal.cfg`` and then by the environment.

Every setting the README documents is read in :func:`load_settings`; nothing else reads ``os.environ``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

# The pinned htmx build that `make` installs into static/vendor; the hash is checked by the browser.
HTMX_VERSION = "2.0.11"
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"

_TRUE = {"1", "true", "yes", "on"}


class DefaultConfig:
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # a working day from sign-in
    SESSION_REFRESH_EACH_REQUEST = False  # no new cookie on every poll
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
    HTMX_SOURCE = "local"  # or "cdn"
    REDIS_URL = None
    TRUSTED_PROXIES = 0  # reverse proxies in front whose X-Forwarded-For/-Proto are believed
    LOGIN_MAX_ATTEMPTS = 5
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's method string; the tests use a cheap one
    LOGIN_LOCKOUT_SECONDS = 15 * 60
    MAX_FILE_SIZE = 20 * 1024 * 1024
    REFERENCE_MAX_FILE_SIZE = 5 * 1024 * 1024  # each reference file uploaded for import (CSV or XLSX)
    MAX_CONTENT_LENGTH = 100 * 1024 * 1024
    SQLITE_BUSY_TIMEOUT_MS = 5000
    REVIEW_OVERDUE_DAYS = 7  # queue items waiting longer are flagged
    QUEUE_POLL_SECONDS = 5
    BADGE_POLL_SECONDS = 15
    UPLOAD_SWEEP_GRACE_SECONDS = 3600  # partial or unreferenced files younger than this are left alone
    UPLOAD_SWEEP_ON_START = True
    # Deadline reminders (`flask reminders send`): days before a deadline when units are reminded.
    REMINDER_DAYS_BEFORE = (7, 3, 1)
    # E-mail (Flask-Mailman). No MAIL_SERVER: reminders are in-portal notifications only.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = None
    MAIL_TIMEOUT = 30
    MAIL_BACKEND = "smtp"  # also under TESTING (Flask-Mailman would pick its in-memory backend)
    # Whom to ask, shown on the help page (e.g. "Phòng Tổ chức, 0251 3822 xxx, thidua@…"); the active
    # administrators are listed there too. Set it in instance/portal.cfg.
    HELP_CONTACT = ""
    PORTAL_URL = None  # e.g. https://thidua.example.vn: e-mails then link to the page where it is done
    # The organisation running the portal, for pages shown before any campaign exists (the sign-in page of a new
    # installation, error pages) and as a new campaign's default; each campaign's settings then hold its own.
    # The reference deployment's values: set yours in instance/portal.cfg.
    ORGANIZATION_NAME = "Ban Tổ chức Tỉnh ủy Đồng Nai"
    ORGANIZATION_PLACE = "Đồng Nai"


def _secret_key(instance_path: Path) -> str:
    """Read the generated key from the instance folder, creating it on first start."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(app) -> None:
    """Apply instance file and environment settings on top of the defaults."""
    app.config.from_object(DefaultConfig)
    instance = Path(app.instance_path)
    app.config.from_pyfile(str(instance / "portal.cfg"), silent=True)  # the instance folder, not the package's
    env = os.environ
    if env.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = env["DATABASE_URL"]
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'portal.sqlite3'}")
    if env.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env["SECRET_KEY"]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    if env.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = env["UPLOAD_DIR"]
    app.config.setdefault("UPLOAD_DIR", str(instance / "uploads"))
    if env.get("HTMX_SOURCE"):
        app.config["HTMX_SOURCE"] = env["HTMX_SOURCE"]
    if env.get("REDIS_URL"):
        app.config["REDIS_URL"] = env["REDIS_URL"]
    if env.get("TRUSTED_PROXIES"):
        app.config["TRUSTED_PROXIES"] = env["TRUSTED_PROXIES"]
    app.config["TRUSTED_PROXIES"] = _proxy_count(app.config["TRUSTED_PROXIES"])
    _mail_settings(app, env)
    app.config["REMINDER_DAYS_BEFORE"] = reminder_days(app.config["REMINDER_DAYS_BEFORE"])
    if env.get("HTTPS", "").lower() in _TRUE:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _mail_settings(app, env) -> None:
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER"):
        if env.get(name):
            app.config[name] = env[name]
    if env.get("MAIL_PORT"):
        app.config["MAIL_PORT"] = int(env["MAIL_PORT"])
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if env.get(name):
            app.config[name] = env[name].lower() in _TRUE
    if env.get("PORTAL_URL"):
        app.config["PORTAL_URL"] = env["PORTAL_URL"]
    if env.get("REMINDER_DAYS_BEFORE"):
        app.config["REMINDER_DAYS_BEFORE"] = env["REMINDER_DAYS_BEFORE"]


def reminder_days(value) -> tuple[int, ...]:
    """REMINDER_DAYS_BEFORE as whole days, largest first: "7,3,1" or (7, 3, 1). A wrong value stops
    start-up rather than reminding on days nobody chose."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        days = sorted({int(str(part).strip()) for part in parts}, reverse=True)
    except ValueError:
        days = []
    if not days or any(day < 0 or day > 366 for day in days):
        raise ValueError(f"REMINDER_DAYS_BEFORE must be whole days from 0 to 366, e.g. 7,3,1, not {value!r}")
    return tuple(days)


def _proxy_count(value) -> int:
    """TRUSTED_PROXIES is a count (0 = the app faces clients directly); a wrong value stops start-up
    rather than silently trusting, or ignoring, the proxy's headers."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > 10:
        raise ValueError(f"TRUSTED_PROXIES must be a whole number from 0 to 10, not {value!r}")
    return int(text)


def normalize_database_url(uri: str) -> str:
    """Plain PostgreSQL URLs use the psycopg 3 driver (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix):]
    return uri
