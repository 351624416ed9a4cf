"""The installable shell: the manifest, the service worker at the site root, the offline page, and which pages a
family member may read offline."""

from __future__ import annotations

import hashlib
import hmac
import struct
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import is_family_user
from ..auth.sessions import signed_out_cookie

bp = Blueprint("pwa", __name__)

#: Static files the service worker keeps for offline use (with the offline page).
STATIC_ASSETS = (
    "css/app.css",
    "js/app.js",
    "js/passkeys.js",
    "js/scales.js",
    "js/outbox.js",
    "js/reminders.js",
    "js/readaloud.js",
    "icons/icon-192.png",
    "icons/logo.svg",
    "icons/nav.svg",
)

#: The pages a parent or young person can read offline once they have seen them online: the home screen, the
#: meetings, the plan, the årshjul, and the scales to fill (an answer filled offline waits in the outbox).
OFFLINE_PAGES = {
    "overview.home",
    "meetings.index",
    "meetings.detail",
    "plans.detail",
    "yearwheel.wheel",
    "scales.index",
    "scales.fill",
}
#: Header that tells the service worker whose page this is: the signed-in family member's offline key, or "-" for
#: anyone else (signed out, or a professional), whose pages are never kept.
OFFLINE_HEADER = "X-Offline-User"


@cache
def _version(static_folder: str, templates: str, release: str = "") -> str:
    """A short hash of the static files, the service worker's own code and the release name (RELEASE, e.g. the
    deployed commit): every release that changes them gets a new service worker, which takes over when the person
    taps "Ny version – opdater"."""
    digest = hashlib.sha256(release.encode())
    for path in sorted(Path(static_folder).rglob("*")) + [Path(templates) / "pwa" / "sw.js"]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def app_version() -> str:
    """The running release, as the service worker's name carries it (a changed offline age is a new worker too, so
    phones take it up like any other change). Static addresses carry each file's own hash (caching.py)."""
    templates = str(Path(current_app.root_path) / "templates")
    release = f"{current_app.config.get('RELEASE', '')}|{offline_max_age_ms()}"
    return _version(current_app.static_folder, templates, release)


def offline_max_age_ms() -> int:
    """How long a kept page may be shown offline, in milliseconds (OFFLINE_MAX_AGE_DAYS)."""
    return int(current_app.config.get("OFFLINE_MAX_AGE_DAYS", 3)) * 24 * 3600 * 1000


def offline_key(user) -> str:
    """An opaque name for a person's offline copies on this phone (no id or name in the browser's storage)."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"offline:{user.id}".encode(), hashlib.sha256).hexdigest()[:32]


@bp.app_context_processor
def _offline_user() -> dict:
    """Every page knows whose offline copies and outbox answers are the signed-in family member's ("" for others),
    and the name of the note "Log ud" leaves on the phone for the server (auth.sessions)."""
    return {
        "offline_user": offline_key(current_user) if is_family_user(current_user) else "",
        "signed_out_cookie": signed_out_cookie(current_app),
    }


@bp.before_app_request
def outbox_only_for_its_writer():
    """An answer waiting on a shared phone is sent only under the person who wrote it: the outbox says whose it is
    (their offline key), and under anyone else (the next person signed in on the phone) it waits for its writer's
    next sign-in (401), never counted for, or refused to, somebody else."""
    if request.method != "POST" or not request.headers.get("X-Outbox") or not current_user.is_authenticated:
        return None
    writer = request.headers.get(OFFLINE_HEADER)
    if writer is None:
        # Sent by the script of a release before outbox.js named the writer (every send names it now).
        return None
    mine = offline_key(current_user) if is_family_user(current_user) else ""
    if not mine or not hmac.compare_digest(writer.encode(), mine.encode()):
        return jsonify({"signin": True}), 401
    return None


@bp.after_app_request
def mark_offline_pages(response):
    """After every page: tell the service worker whose it is, and whether it may be kept for offline reading."""
    if request.endpoint in ("static", "pwa.service_worker") or request.method != "GET":
        return response
    if not response.mimetype == "text/html":
        return response
    if not is_family_user(current_user):
        response.headers[OFFLINE_HEADER] = "-"
        return response
    response.headers[OFFLINE_HEADER] = offline_key(current_user)
    # A 304 says it too: the browser puts the headers of the answer on its kept copy, which the worker then reads.
    if request.endpoint in OFFLINE_PAGES and response.status_code in (200, 304):
        response.headers["X-Offline-Keep"] = "home" if request.endpoint == "overview.home" else "1"
    return response


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
    body = render_template(
        "pwa/sw.js", app_version=app_version(), assets=STATIC_ASSETS, max_age_ms=offline_max_age_ms()
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@cache
def _icon_file(png_path: str) -> bytes:
    """The app's icon as an .ico file: one image, the PNG itself (an icon file may hold a PNG)."""
    png = Path(png_path).read_bytes()
    width = height = 192  # the size of icon-192.png
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", width, height, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


@bp.get("/favicon.ico")
def favicon():
    """The app's icon where browsers look for it first (otherwise a 404 in the log on every first visit)."""
    body = _icon_file(str(Path(current_app.static_folder) / "icons" / "icon-192.png"))
    response = current_app.response_class(body, mimetype="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when there is no connection; holds no personal data."""
    return render_template("pwa/offline.html")


@bp.get("/install")
def install():
    """How to add the app to the home screen, also on an iPhone (Safari has no install prompt)."""
    return render_template("pwa/install.html")
