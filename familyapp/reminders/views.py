"""Reminders on the phone: a family member switches them on (after a tap, never on page load), chooses what to be
reminded of, and can switch each kind off again. Where push is not available, the page says what works instead."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import db
from ..access import home_family_id, roles_required
from ..auth.models import Role
from . import queries, services, vapid
from .models import KINDS

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
FAMILY = (Role.PARENT, Role.YOUNG_PERSON)


@bp.get("")
@roles_required(*FAMILY)
def settings():
    """What you are reminded of, and the button that switches reminders on for this phone."""
    return render_template(
        "reminders/settings.html",
        setting=services.settings_of(current_user),
        kinds=KINDS,
        public_key=vapid.public_key(),
        family_id=home_family_id(current_user),
        own_browsers=queries.own_browsers(current_user.id),
    )


@bp.post("")
@roles_required(*FAMILY)
def save():
    """Switch each kind of reminder on or off."""
    services.save_settings(current_user, {k for k in KINDS if request.form.get(k)})
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("reminders.settings"))


@bp.post("/subscribe")
@roles_required(*FAMILY)
def subscribe():
    """The browser's push subscription, after the person tapped "switch on" (JSON from reminders.js)."""
    try:
        services.subscribe(current_user, request.get_json(silent=True), now=db.utcnow())
    except services.BadSubscription:
        db.session.rollback()
        return jsonify({"error": _("Reminders could not be switched on in this browser.")}), 400
    db.session.commit()
    return jsonify({"subscribed": True})


@bp.post("/unsubscribe")
@roles_required(*FAMILY)
def unsubscribe():
    """Forget this browser's subscription (switched off, or signing out on a shared phone)."""
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) and isinstance(data.get("endpoint"), str) else None
    endpoint = endpoint or request.form.get("endpoint") or None
    services.unsubscribe(current_user, endpoint)
    db.session.commit()
    return jsonify({"subscribed": False})
