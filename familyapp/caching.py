"""What browsers may keep, and how long: our static files for a year under their content's hash, and a family's
pages for as long as nothing they show has changed.

A family page is sent with an ETag made of everything it depends on (the family's version, the viewer, their
language, the day and the time of day, their unread notices, the release, the address and the session's CSRF
secret). A repeat visit that brings the same ETag back is answered 304 without a body, after the access check and
the audit of a professional's read (``access.family_view_or_404``), before the view loads anything more.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache, lru_cache
from pathlib import Path
from stat import S_ISREG

from flask import Flask, Response, abort, current_app, g, request, session
from flask.globals import request_ctx
from flask_babel import get_locale
from werkzeug.security import safe_join

from . import db

#: Static files asked for under their content's hash never change: kept for a year, not even revalidated.
STATIC_CACHE = "public, max-age=31536000, immutable"
#: A family page may be kept by the person's own browser, but only shown after asking the server (a shared phone
#: never shows it to somebody else: their ETag differs, and a signed-out visitor is sent to sign in).
PAGE_CACHE = "private, no-cache"
#: Screens whose content changes while the family stands still, so they are always made again: who has looked
#: (every professional's read, which is no change) and "Personer og adgang" (the members' logins, passkeys and
#: reminders, which belong to the person, not the family).
ALWAYS_FRESH = frozenset({"who_looked", "people"})
#: Where a family page keeps what its ETag is made of (from the access check to the response).
_PARTS = "family_page_parts"


# --- static files -------------------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _file_hash(path: str, _mtime_ns: int, _size: int) -> str:
    """The content hash of a file, remembered while the file is unchanged (its time and size are in the key)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_hash(filename: str) -> str:
    """A short hash of a static file's content ("" when there is no such file). A running release's files do not
    change (a new release restarts the server), so outside debug mode each file is looked at once a process (a
    page names a dozen of them)."""
    if current_app.debug:
        return _hash_now(current_app.static_folder, filename)
    return _hash_once(current_app.static_folder, filename)


@lru_cache(maxsize=512)
def _hash_once(folder: str, filename: str) -> str:
    """``_hash_now``, remembered for the process."""
    return _hash_now(folder, filename)


def _hash_now(folder: str, filename: str) -> str:
    """The file's hash as it is on the disk now."""
    path = safe_join(folder, filename)
    if path is None:
        return ""
    try:
        found = Path(path).stat()
    except OSError:
        return ""
    if not S_ISREG(found.st_mode):
        return ""
    return _file_hash(path, found.st_mtime_ns, found.st_size)


def _static_address(endpoint: str, values: dict) -> None:
    """Static addresses carry their file's content hash (``?v=``): a changed file gets a new address, an unchanged
    one keeps its address (and the phone its copy) across releases."""
    if endpoint == "static" and "filename" in values:
        digest = static_hash(values["filename"])
        if digest:
            values.setdefault("v", digest)


def _static_headers(response: Response) -> Response:
    """A static file asked for under its current hash is kept for a year; under no hash or an old one it is
    revalidated each time (Flask's default), so an old address never pins new content."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    if version and version == static_hash((request.view_args or {}).get("filename", "")):
        response.headers["Cache-Control"] = STATIC_CACHE
    return response


# --- family pages -------------------------------------------------------------------------------------------------


@cache
def _fingerprint(package: str, translations: str, release: str) -> str:
    """The release as its files say it: code, templates, static files and compiled translations (once a process)."""
    digest = hashlib.sha256(release.encode())
    folders = [(Path(package), "*")] + [(Path(folder), "*.mo") for folder in translations.split(";")]
    for folder, pattern in folders:
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def release() -> str:
    """The running release's fingerprint (a new one makes every kept page old)."""
    config = current_app.config
    return _fingerprint(current_app.root_path, config["BABEL_TRANSLATION_DIRECTORIES"], config.get("RELEASE", ""))


def _etag(parts: tuple) -> str:
    """The page's ETag: a keyed hash of what the page depends on, the address, and the session's CSRF secret (a
    kept page's forms must still be accepted; a new session, signed in again, has a new one)."""
    text = "|".join(map(str, (*parts, request.full_path, session.get("csrf_token", ""))))
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def time_slot() -> int:
    """The part of the day a page was made in: pages show what is now (the next meeting until it starts, a
    questionnaire open until it closes), so a kept page is reused within ``PAGE_FRESH_MINUTES`` at most."""
    minutes = max(1, int(current_app.config["PAGE_FRESH_MINUTES"]))
    return int(db.utcnow().timestamp()) // (60 * minutes)


def answer_repeat(view, page: str, unread: tuple) -> None:
    """Remember what a family page depends on, and answer a repeat visit whose ETag still matches with 304.

    Called for a GET of a family screen after the access check and after a professional's read is audited (a
    repeat read is still a read). Never answered 304 when a message waits to be shown (it goes with the page), nor
    for ALWAYS_FRESH screens, nor for a professional.

    :param view: the FamilyView (its family's version, its viewer).
    :param page: the screen's name.
    :param unread: what else the page depends on, loaded with the family: the viewer's unread security notices
        (how many, the newest's time) and the municipality's settings the screens show.
    """
    if page in ALWAYS_FRESH or "_flashes" in session or not view.is_family:
        # A professional's screens are never stored by the browser (no-store, as every other page): Back on a
        # shared or lost device would show them from the disk cache without asking the server.
        return
    viewer = view.viewer
    parts = (
        release(),
        view.family.id,
        view.family.version,
        viewer.id,
        viewer.role.value,
        get_locale(),
        db.local_today(),
        time_slot(),
        *unread,
        bool(session.get("notice")),
    )
    g.setdefault(_PARTS, parts)
    etag = _etag(parts)
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
        _mark(response, etag)
        abort(response)


def _mark(response: Response, etag: str) -> None:
    """Give a family page (or its 304) its ETag and let the person's browser keep it, asking each time."""
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = PAGE_CACHE
    response.vary.add("Cookie")


def _family_page_headers(response: Response) -> Response:
    """A family page made in full gets its ETag (its 304 has it already); anything else (a redirect, an error, a
    download, a page showing a message flashed while it was made) is not kept."""
    parts = g.get(_PARTS)
    if parts is None or response.status_code != 200 or response.mimetype != "text/html":
        return response
    if request_ctx.flashes or "_flashes" in session:
        return response
    _mark(response, _etag(parts))
    return response


def init_app(app: Flask) -> None:
    """Hash the static addresses and set how long browsers may keep what they get."""
    app.url_defaults(_static_address)
    app.after_request(_static_headers)
    app.after_request(_family_page_headers)
