"""The second person's confirmation of a recovery, handing out the confirmed link, and the owner's notices."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..access import deny, parse_id, roles_required
from ..auth import notices
from ..auth.messages import message
from ..auth.models import LoginConfirmation, RecoveryRequest, Role, User
from ..auth.services import activation_display
from ..families.models import Family
from ..i18n import safe_next
from . import services as recovery

bp = Blueprint("recovery", __name__, url_prefix="/recoveries")

PROFESSIONALS = (Role.CONSULTANT, Role.ADMIN, Role.LEADER)


def _back(req: RecoveryRequest):
    """Where each role follows recoveries: the leader's list, the admin's page, or the family's people."""
    if current_user.role is Role.LEADER:
        return redirect(url_for("leader.index"))
    if current_user.role is Role.ADMIN or req.family_id is None:
        return redirect(url_for("admin.index"))
    return redirect(url_for("overview.people", family_id=req.family_id))


def _request_or_404(request_id: str, *where) -> RecoveryRequest:
    """A request the signed-in professional takes part in; any other is a 404 (audited)."""
    req = db.session.scalar(select(RecoveryRequest).where(RecoveryRequest.id == parse_id(request_id), *where))
    if req is None:
        deny()
    return req


@bp.post("/<request_id>/confirm")
@roles_required(*PROFESSIONALS)
def confirm(request_id: str):
    """The second person confirms a new activation for a login that has a passkey (audited)."""
    req = _request_or_404(request_id, recovery.confirmable_clause(current_user))
    try:
        recovery.confirm(req, actor=current_user, now=db.utcnow())
    except recovery.RecoveryError as exc:
        db.session.rollback()
        flash(message(exc.key), "error")
        return _back(req)
    db.session.commit()
    flash(_("Confirmed. The one who asked can now hand out the new activation."), "success")
    return _back(req)


@bp.post("/logins/<confirmation_id>/confirm")
@roles_required(Role.LEADER, Role.ADMIN)
def confirm_login(confirmation_id: str):
    """The second person confirms a new professional's login made by an admin; only then can it be activated
    (audited with who made it and who confirmed it). Anyone else gets a 404 (audited)."""
    stmt = select(LoginConfirmation).where(
        LoginConfirmation.id == parse_id(confirmation_id), recovery.login_confirmable_clause(current_user)
    )
    waiting = db.session.scalar(stmt)
    if waiting is None:
        deny()
    try:
        user = recovery.confirm_login(waiting, actor=current_user, now=db.utcnow())
    except recovery.RecoveryError:
        # Only when someone else confirmed it a moment ago.
        db.session.rollback()
        flash(_("This login is confirmed already."), "info")
    else:
        db.session.commit()
        flash(_("Confirmed. %(name)s's login can now be activated.", name=user.name), "success")
    return redirect(url_for("leader.index" if current_user.role is Role.LEADER else "admin.index"))


@bp.post("/<request_id>/hand-out")
@roles_required(*PROFESSIONALS)
def hand_out(request_id: str):
    """The one who asked, after the confirmation: issue the activation and show it once."""
    req = _request_or_404(request_id, RecoveryRequest.requested_by_id == current_user.id)
    try:
        _activation, token, code = recovery.hand_out(req, actor=current_user, now=db.utcnow())
    except recovery.RecoveryError as exc:
        db.session.rollback()
        flash(message(exc.key), "error")
        return _back(req)
    db.session.commit()
    user = db.session.get(User, req.user_id)
    family = db.session.get(Family, req.family_id) if req.family_id else None
    page = render_template("auth/activation_issued.html", family=family, user=user, **activation_display(token, code))
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/notices/read")
@login_required
def read_notices():
    """The owner has read what changed on their login; the notice goes away on every device."""
    notices.mark_read(current_user, db.utcnow())
    db.session.commit()
    session.pop("notice", None)
    return redirect(safe_next(request.form.get("next"), url_for("overview.index")))


def notices_for_page() -> dict:
    """Template values: the signed-in person's unread notices, only when sign-in found some (no query otherwise),
    and whom to call when it was not them (``SECURITY_CONTACT``, else the person who confirmed)."""
    if not session.get("notice") or not current_user.is_authenticated:
        return {}
    return {
        "security_notices": notices.unread_notices(current_user),
        "security_contact": current_app.config.get("SECURITY_CONTACT") or "",
    }


bp.app_context_processor(notices_for_page)
