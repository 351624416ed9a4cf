"""Sending a network meeting's invitations: a partner link for each person invited from the map, only when the
parents have consented to inviting every one of them (asked through the gate)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from .. import db
from ..access import deny, family_screen_or_404, get_in_family_or_404
from ..meetings import queries as meeting_queries
from ..meetings.models import Meeting, MeetingType
from . import services
from .views import bp


@bp.post("/meetings/<meeting_id>/invitations")
@login_required
def send_invitations(family_id: str, meeting_id: str):
    """Send a network meeting's invitations; nothing is sent while anyone's consent is missing."""
    view = family_screen_or_404(family_id, consultant_only=True)
    meeting = get_in_family_or_404(Meeting, meeting_id, view.family, selectinload(Meeting.participants))
    if meeting.type is not MeetingType.NETWORK or meeting.cancelled:
        deny()
    people, now = meeting_queries.invited_from_map(view, meeting), db.utcnow()
    try:
        sent = services.send_invitations(view.family, meeting, people, actor=current_user, now=now)
    except services.MissingConsent as exc:
        db.session.rollback()
        flash(_("Not sent: the parents have not consented to inviting %(names)s.", names=", ".join(exc.names)), "error")
        return redirect(url_for("meetings.detail", family_id=view.family.id, meeting_id=meeting.id, _anchor="invite"))
    db.session.commit()
    return render_template(
        "consent/invitations.html",
        view=view,
        family=view.family,
        meeting=meeting,
        sent=[(person, services.partner_url(token)) for person, token in sent],
    )
