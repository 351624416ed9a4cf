"""Configuration defaults, overridden by environment variables. No secrets live in code."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout (babel.cfg, alembic.ini); an installed package needs nothing outside its own folder.
PROJECT_DIR = PACKAGE_DIR.parent
#: Shipped inside the package (a wheel carries them): the Alembic migrations and the compiled translations.
MIGRATIONS = PACKAGE_DIR / "migrations"
TRANSLATIONS = PACKAGE_DIR / "translations"


def _bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(name: str, default: int) -> int:
    """Read a whole number of 0 or more from the environment; anything else stops the start with its name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def from_environment(instance_path: str) -> dict:
    """Build the configuration from the environment, with safe defaults for one machine.

    :param instance_path: the Flask instance folder, where the default SQLite file lives.
    :return: a dict of config keys.
    """
    env = os.environ.get("FAMILYAPP_ENV", "production")
    development = env == "development"
    origin = os.environ.get("WEBAUTHN_ORIGIN", "http://localhost:5000")
    # Secure cookies only where the origin is HTTPS: plain http://localhost in development would drop them.
    secure = origin.startswith("https://")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or ("dev-only-not-secret" if development else None),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{Path(instance_path) / 'familyapp.sqlite3'}"),
        #: On PostgreSQL the app works as this role (SET ROLE on each connection): it owns no table, so the row-level
        #: security of every municipality binds it (README, "Municipalities"). Empty: the login's own role.
        "DATABASE_ROLE": os.environ.get("DATABASE_ROLE", "familyapp_tenant"),
        "WEBAUTHN_RP_ID": os.environ.get("WEBAUTHN_RP_ID", "localhost"),
        "WEBAUTHN_RP_NAME": os.environ.get("WEBAUTHN_RP_NAME", "Familieoverblik"),
        "WEBAUTHN_ORIGIN": origin,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", secure),
        #: The municipality's follow-up rule per case type (six_weeks, three_months or phase); seed 001 otherwise.
        "CADENCE_DEFAULTS": {
            key: os.environ[f"CADENCE_{key.upper()}"]
            for key in ("support", "investigation")
            if os.environ.get(f"CADENCE_{key.upper()}") in {"six_weeks", "three_months", "phase"}
        },
        #: How many reverse proxies in front set X-Forwarded-For/-Proto; 0 trusts no such header.
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", "0")),
        #: The proxies whose X-Forwarded-* headers are believed (addresses or networks, comma-separated); from
        #: any other peer the headers are ignored, so a client cannot choose its own address.
        "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1"),
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        #: Signs push messages (PEM). Without it, one key is made and kept under instance/ (one server only).
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY", ""),
        #: Who runs the service, sent to the push services with every message (a mailto: or https: address).
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:familieoverblik@localhost"),
        #: Whom a person calls when a new phone was added to their login and it was not them, e.g.
        #: "Familieafdelingen på 70 10 20 30"; without it, the person who confirmed the new activation.
        "SECURITY_CONTACT": os.environ.get("SECURITY_CONTACT", ""),
        #: The municipality's deadline for the referat, in working days after the meeting (Monday to Friday): after
        #: it the family sees that the referat is late and whom to ask, and the caseload shows it as overdue.
        "REFERAT_DEADLINE_WORKING_DAYS": _whole_number("REFERAT_DEADLINE_WORKING_DAYS", 5),
        #: Pages kept on a phone for reading offline are neither shown nor kept after this many days (0: none).
        "OFFLINE_MAX_AGE_DAYS": _whole_number("OFFLINE_MAX_AGE_DAYS", 3),
        #: The logs on stderr: "json" (one object per line, for a collector), "text" (for a person) or "off".
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text" if development else "json"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        #: Tracing (OpenTelemetry, the `tracing` extra): the collector's OTLP/HTTP address; empty: no tracing.
        "OTEL_EXPORTER_OTLP_ENDPOINT": os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
        "OTEL_SERVICE_NAME": os.environ.get("OTEL_SERVICE_NAME", "familieoverblik"),
        #: The release's name (e.g. the deployed commit); a new one makes phones offer "Ny version – opdater".
        "RELEASE": os.environ.get("FAMILYAPP_RELEASE", ""),
        #: The browsers' push services a subscription may point to (the server posts there, so nowhere else).
        "PUSH_SERVICE_HOSTS": os.environ.get(
            "PUSH_SERVICE_HOSTS",
            "fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,*.push.apple.com,"
            "*.notify.windows.com",
        ),
    }


def check_at_start(config: dict) -> None:
    """Stop the start with a clear message when a setting the app cannot run with is missing or wrong, instead of
    failing at the first request: the secret, the database's address and, in production, the push key.

    :raises RuntimeError: naming the variable and what to do.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (outside development and tests). See README.md.")
    try:
        parsed = make_url(config["DATABASE_URL"])
        # Only the drivers the app installs (SQLAlchemy 2.1 takes psycopg 3 for a plain postgresql://).
        known = (parsed.get_backend_name(), parsed.get_driver_name()) in (
            ("sqlite", "pysqlite"),
            ("postgresql", "psycopg"),
        )
    except ArgumentError:
        known = False
    if not known:
        raise RuntimeError(
            "DATABASE_URL is not a database address the app knows: use sqlite:///path/to/file.sqlite3 or "
            "postgresql+psycopg://user:password@host/database. See README.md."
        )
    pem = config.get("VAPID_PRIVATE_KEY", "")
    if config.get("ENV_NAME") == "production" and not config.get("TESTING") and not pem:
        raise RuntimeError(
            "VAPID_PRIVATE_KEY must be set in production (the key that signs reminders; every server needs the "
            "same one): make one with `openssl ecparam -name prime256v1 -genkey -noout`. See README.md."
        )
    if pem:
        from py_vapid import Vapid02

        try:
            Vapid02.from_pem(pem.encode())
        except Exception as exc:  # py_vapid raises several kinds for a key that is not one
            raise RuntimeError("VAPID_PRIVATE_KEY is not a private key in PEM form. See README.md.") from exc


class Defaults:
    """Values that rarely change per installation."""

    #: The languages this installation offers (each municipality chooses among them): every catalogue by default.
    LANGUAGES = ["da", "en", "ar", "fa", "ur", "uk", "so", "tr", "pl"]
    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    BABEL_TRANSLATION_DIRECTORIES = str(TRANSLATIONS)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: A signed-in session ends after this long without a request (ASVS 7.3.1) ...
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    #: ... and after this long in any case (ASVS 7.3.2).
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    #: An anonymous visitor's signed cookie (CSRF token, language) is good this long after it last changed.
    ANONYMOUS_SESSION_LIFETIME = timedelta(hours=12)
    #: Passkey management asks for a fresh passkey confirmation when sign-in is older than this.
    RECENT_SIGNIN = timedelta(minutes=10)
    #: A passkey confirmation (giving or withdrawing consent) counts this long, once.
    CONFIRMATION_LIFETIME = timedelta(minutes=2)
    ACTIVATION_LIFETIME = timedelta(hours=72)
    #: Attempts per window on the sign-in and activation endpoints, counted in the database.
    RATE_LIMIT_ATTEMPTS = 10
    RATE_LIMIT_WINDOW_SECONDS = 300
    #: A family page kept by the browser is reused (304) for at most this long while its family stands still:
    #: pages show what is now (the next meeting until it starts), which moves with the clock, not with a change.
    PAGE_FRESH_MINUTES = 5
    #: A job that fails (the database or a push service away) is tried again this long after, this often in all.
    JOB_RETRY_SECONDS = 60
    JOB_ATTEMPTS = 5
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session (or the anonymous cookie)
    MAX_CONTENT_LENGTH = 256 * 1024
    #: JSON nested deeper than this is refused with a 400 (Python's parser would otherwise recurse until it fails).
    JSON_MAX_DEPTH = 32
    MAX_FORM_MEMORY_SIZE = 64 * 1024
    TEMPLATES_AUTO_RELOAD = False
