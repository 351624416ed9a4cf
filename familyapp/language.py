"""The language switch: the choice is kept for this browser and, for a signed-in person, on their login (audited).
A module of its own, so that ``i18n`` (read by every feature's labels) stays free of the audit."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from . import db
from .audit import record_event
from .i18n import MACHINE_TRANSLATED, offered_here, safe_next

bp = Blueprint("language", __name__)


@bp.get("/language")
def choose():
    """The languages offered here, each in its own words (a machine translation says so in that language)."""
    next_page = safe_next(request.args.get("next"), "")
    return render_template(
        "language/choose.html", languages=offered_here(), next=next_page, machine_translated=MACHINE_TRANSLATED
    )


@bp.post("/language")
def switch():
    """Save the chosen language for this browser and, when signed in, for the user; a language not offered here
    changes nothing."""
    choice = request.form.get("language", "")
    if choice in {language.code for language in offered_here()}:
        session["language"] = choice
        if current_user.is_authenticated and current_user.language != choice:
            current_user.language = choice
            record_event(current_user, "user.language_changed", obj=current_user, data={"language": choice})
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("overview.index")))
