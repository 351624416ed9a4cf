"""The language switch: the choice is kept for this browser and, for a signed-in person, on their login (audited).
A module of its own, so that ``i18n`` (read by every feature's labels) stays free of the audit."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user

from . import db
from .audit import record_event
from .i18n import safe_next

bp = Blueprint("language", __name__)


@bp.post("/language")
def switch():
    """Save the chosen language for this browser and, when signed in, for the user."""
    choice = request.form.get("language", "")
    if choice in current_app.config["LANGUAGES"]:
        session["language"] = choice
        if current_user.is_authenticated and current_user.language != choice:
            current_user.language = choice
            record_event(current_user, "user.language_changed", obj=current_user, data={"language": choice})
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("overview.index")))
