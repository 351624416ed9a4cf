"""Familieoverblik: the application factory."""

from __future__ import annotations

import os

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from . import caching, db, forms, jsonlimit, logs, proxies, tenancy, tracing
from .config import Defaults, check_at_start, from_environment
from .extensions import babel, csrf, login_manager


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the app.

    :param test_config: replaces the environment-based configuration (tests).
    :return: the Flask app.
    """
    # The folder for the default SQLite file and a made-up push key: instance/ in a checkout, <venv>/var/ for an
    # installed package, or FAMILYAPP_INSTANCE (a container's volume: the app's own folder is read-only there).
    app = Flask(__name__, instance_relative_config=True, instance_path=os.environ.get("FAMILYAPP_INSTANCE") or None)
    # Posted text gets one kind of line break where it enters the app (a phone sends \r\n).
    app.request_class = forms.FormRequest
    app.config.from_object(Defaults)
    if test_config is None:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config.from_mapping(from_environment(app.instance_path))
    else:
        app.config.from_mapping(from_environment(app.instance_path))
        app.config.update(test_config)
    check_at_start(app.config)
    if app.config.get("PROXY_FIX_HOPS"):
        # Behind a reverse proxy the client address (rate limits, audit) and HTTPS come from its headers, but only
        # when the request really comes from one of our proxies: anyone can send those headers.
        trusted = proxies.parse_networks(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = proxies.TrustedProxyFix(app.wsgi_app, trusted, app.config["PROXY_FIX_HOPS"])
    logs.init_app(app)
    db.init_app(app)
    tracing.init_app(app)
    jsonlimit.init_app(app)
    caching.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_errorhandlers(app)
    register_cli(app)
    register_template_helpers(app)
    register_health(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the server-side session store."""
    from .auth.models import User
    from .auth.sessions import DatabaseSessionInterface
    from .i18n import install_template_words, select_locale

    app.session_interface = DatabaseSessionInterface()

    @app.teardown_request
    def _leave_municipality(_exc):
        # Entered when the session opened (DatabaseSessionInterface.open_session).
        token = request.environ.pop(tenancy.REQUEST_TOKEN, None)
        if token is not None:
            tenancy.end(token)

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_words(app)
    login_manager.init_app(app)
    login_manager.login_view = "signin.login"
    login_manager.login_message = None
    # Sessions are server-side and get a new id at sign-in; Flask-Login's own protection adds nothing.
    login_manager.session_protection = None

    @login_manager.unauthorized_handler
    def _unauthorized():
        # The outbox asks in JSON and keeps the answer; a page goes to sign-in and comes back.
        if request.headers.get("X-Outbox"):
            return {"signin": True}, 401
        from flask_login.utils import login_url

        return redirect(login_url(login_manager.login_view, next_url=request.url))

    @login_manager.user_loader
    def load_user(user_id: str):
        import uuid

        from .viewer import set_viewer

        try:
            user = db.session.get(User, uuid.UUID(user_id))
        except ValueError:
            return None
        if user is None or not user.active:
            return None
        set_viewer(user)  # from here on, every query of the request follows this viewer's rules
        return user


def register_blueprints(app: Flask) -> None:
    """Every feature's blueprint."""
    # Besides each package's views: modules whose routes join their package's blueprint (case_views, tree_views,
    # people_views, mydata_views, caseload_views, invitation_views), imported here so that nothing imports in a circle.
    from .admin.views import bp as admin_bp
    from .consent import invitation_views  # noqa: F401
    from .consent.views import bp as consent_bp
    from .health.views import bp as health_bp
    from .language import bp as language_bp
    from .leader.views import bp as leader_bp
    from .meetings.calendar_views import bp as calendar_bp
    from .meetings.views import bp as meetings_bp
    from .network import case_views, tree_views  # noqa: F401
    from .network.views import bp as network_bp
    from .operator.views import bp as operator_bp
    from .overview import caseload_views, mydata_views, people_views  # noqa: F401
    from .overview.partner_views import bp as partner_bp
    from .overview.views import bp as overview_bp
    from .plans.views import bp as plans_bp
    from .pwa.views import bp as pwa_bp
    from .recovery.views import bp as recovery_bp
    from .reminders.views import bp as reminders_bp
    from .scales.review_views import bp as review_bp
    from .scales.views import bp as scales_bp
    from .signin.views import bp as signin_bp
    from .yearwheel.views import bp as yearwheel_bp

    core = (language_bp, pwa_bp, health_bp)
    features = (
        signin_bp,
        recovery_bp,
        plans_bp,
        meetings_bp,
        calendar_bp,
        yearwheel_bp,
        network_bp,
    )
    features += (scales_bp, review_bp, consent_bp, reminders_bp, admin_bp, leader_bp, operator_bp)
    screens = (overview_bp, partner_bp)
    for bp in (*core, *features, *screens):
        app.register_blueprint(bp)


#: Content-Security-Policy: our own files only, no inline script (ASVS 3.4.3, 3.4.6).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def register_security(app: Flask) -> None:
    """Security headers on every response."""

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["X-Frame-Options"] = "DENY"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure or app.config["SESSION_COOKIE_SECURE"]:
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # Personal pages must not be kept by shared caches or the browser's back-forward cache on shared phones.
        if request.endpoint != "static" and "Cache-Control" not in h:
            h["Cache-Control"] = "no-store"
        return response


def register_errorhandlers(app: Flask) -> None:
    """Plain, translated error pages; never a stack trace."""

    def render_error(code: int, title: str, text: str):
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json" or request.is_json:
            return {"error": text}, code
        return render_template("errors/error.html", code=code, title=title, text=text), code

    @app.errorhandler(CSRFError)
    def _csrf(_e):
        if request.headers.get("X-Outbox"):
            # An answer from the phone's outbox with a token from an ended session: sign in, then it is sent.
            return {"signin": True}, 401
        if request.endpoint == "signin.logout" and not current_user.is_authenticated:
            # Already signed out (the phone's note reached the server first, or the session ended elsewhere).
            return redirect(url_for("signin.login", signed_out=1))
        return render_error(
            400, _("The page had expired"), _("Please go back, reload the page and try again. Nothing was saved.")
        )

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        texts = {
            404: (_("Page not found"), _("The page does not exist, or you do not have access to it.")),
            405: (_("Not possible"), _("That cannot be done this way.")),
            413: (_("Too much text"), _("What you sent was too long. Please shorten it and try again.")),
            429: (_("Too many attempts"), _("Wait a few minutes and try again.")),
        }
        title, text = texts.get(e.code, (_("Something went wrong"), _("Please try again.")))
        if e.code == 403:
            title, text = _("Not allowed"), getattr(e, "text", None) or _("You cannot do that. Nothing was changed.")
        return render_error(e.code or 500, title, text)

    @app.errorhandler(Exception)
    def _crash(e: Exception):
        app.logger.exception("unhandled error", exc_info=e)
        return render_error(
            500, _("Something went wrong"), _("Please try again in a moment. Nothing you did was wrong.")
        )


def register_health(app: Flask) -> None:
    """Before anything reads the database, check that it is at this release's schema (every page says so while
    it is not), and the probes /healthz and /readyz."""
    from . import health

    health.init_app(app)


def register_cli(app: Flask) -> None:
    """`flask translate`, `flask db-upgrade`, `flask create-admin`, `flask demo` and more."""
    from .cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Values every template needs."""
    from flask import g
    from flask_babel import get_locale

    from .i18n import known, machine_translated, when, words_in

    @app.template_filter("todate")
    def _todate(value: str):
        """A date kept as ISO text (in a plan's history) back to a date for formatting."""
        from datetime import date

        return date.fromisoformat(value)

    @app.template_filter("fromiso")
    def _fromiso(value: str):
        """A time kept as ISO text (in a consent's record) back to a time for formatting."""
        from datetime import datetime

        return datetime.fromisoformat(value)

    @app.template_filter("t")
    def _in_language(texts: dict) -> str:
        """A text kept in every language (scale definitions) in the reader's language, else in Danish."""
        return texts.get(str(get_locale() or "da")) or texts.get("da") or ""

    # Flask-Babel's own date filters, with a Danish pattern turned into the reader's language's way of saying it.
    app.add_template_filter(lambda value, pattern="medium": when(value, pattern, with_time=True), "datetimeformat")
    app.add_template_filter(lambda value, pattern="medium": when(value, pattern, with_time=False), "dateformat")

    @app.template_filter("danish_beside")
    def _danish_beside(texts: dict):
        """The Danish wording of a binding text (a consent text, a questionnaire item) beside its translation in
        a language no native speaker has reviewed yet: its exact wording matters. Nothing otherwise."""
        from markupsafe import Markup

        if not machine_translated(str(get_locale() or "da")) or not texts.get("da"):
            return ""
        return Markup('<span class="danish-beside" lang="da" dir="ltr"><span class="meta">{}</span> {}</span>').format(
            _("In Danish:"), texts["da"]
        )

    @app.template_filter("decimal")
    def _decimal(value, places: int = 1) -> str:
        """A number as the reader writes it (6,5 in Danish, 6.5 in English); "–" for nothing."""
        from flask_babel import format_decimal

        if value is None:
            return "–"
        return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0")

    # The features' choices in words (each feature's labels.py), for the templates: {{ meeting.type|meeting_type }}.
    from .families import labels as family_labels
    from .meetings import labels as meeting_labels
    from .network import labels as network_labels
    from .plans import labels as plan_labels

    for labels in (family_labels, meeting_labels, network_labels, plan_labels):
        for name, say in labels.FILTERS.items():
            app.add_template_filter(say, name)

    @app.context_processor
    def _globals():
        locale = str(get_locale() or "da")
        language = known().get(locale) or known()["da"]
        return {
            "csrf_token": generate_csrf,
            "current_locale": locale,
            "current_language": language,
            "text_direction": "rtl" if language.rtl else "ltr",
            "language_gone": g.get("language_gone"),
            "words_in": words_in,
        }
