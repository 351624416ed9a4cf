"""The installable shell: the manifest, the service worker at the site root, and the offline page."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)

#: Bump with every release that changes static files: the service worker's cache name carries it.
APP_VERSION = "0.1.0"

#: Static files the service worker keeps for offline use. Only these and the offline page: family data
#: is sensitive and phones may be shared, so personal pages are never cached.
STATIC_ASSETS = ("css/app.css", "js/app.js", "js/passkeys.js", "icons/icon-192.png")


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (Danish name; the start page decides the rest by sign-in)."""
    icon = lambda name, size, purpose="any": {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"),
        "sizes": size,
        "type": "image/png",
        "purpose": purpose,
    }
    data = {
        "id": "/",
        "name": "Familieoverblik",
        "short_name": "Familie",
        "description": _("Your family's plan, meetings and overview in one place."),
        "lang": "da",
        "dir": "ltr",
        "start_url": "/?src=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f5f0",
        "theme_color": "#1f4e5f",
        "icons": [
            icon("icon-192.png", "192x192"),
            icon("icon-512.png", "512x512"),
            icon("icon-maskable-512.png", "512x512", "maskable"),
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the root so that its scope is the whole app."""
    body = render_template("pwa/sw.js", app_version=APP_VERSION, assets=STATIC_ASSETS)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when there is no connection; holds no personal data."""
    return render_template("pwa/offline.html", app_version=APP_VERSION)


@bp.get("/install")
def install():
    """How to add the app to the home screen, also on an iPhone (Safari has no install prompt)."""
    return render_template("pwa/install.html")
