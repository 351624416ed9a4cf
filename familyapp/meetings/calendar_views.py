"""Each user's private calendar subscription: a secret address a phone's calendar can subscribe to."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..access import family_view_or_404, home_family_id, is_family_user, query_visible_families
from ..audit import AuditEvent, record_event
from ..auth.models import User
from ..families.models import Family
from . import ics, services
from .forms import FeedForm
from .models import Meeting
from .views import ics_event

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

#: The feed reaches this far back, so last month's meetings stay in the calendar.
HISTORY = timedelta(days=60)


#: A phone's calendar polls its feed often; one audit event per family and this period is enough.
FEED_AUDIT_PERIOD = timedelta(hours=12)


def _audit_feed_read(user: User, family_ids: set) -> None:
    """A professional's feed is a read of each family's meetings: audit it, at most once per period."""
    if not family_ids:
        return
    recent = set(
        db.session.scalars(
            select(AuditEvent.family_id).where(
                AuditEvent.actor_id == user.id,
                AuditEvent.action == "calendar.feed_read",
                AuditEvent.family_id.in_(family_ids),
                AuditEvent.at > db.utcnow() - FEED_AUDIT_PERIOD,
            )
        )
    )
    for family_id in family_ids - recent:
        record_event(user, "calendar.feed_read", family=db.session.get(Family, family_id))
    db.session.commit()


@bp.route("", methods=["GET", "POST"])
@login_required
def settings():
    """Create (or replace) the calendar address, choose how much it shows, or stop it."""
    form = FeedForm(obj=services.feed_of(current_user))
    address = None
    if form.validate_on_submit():
        token = services.create_feed(current_user, form.with_details.data)
        db.session.commit()
        address = current_app.config["WEBAUTHN_ORIGIN"].rstrip("/") + url_for("calendar.feed", token=token)
    # A parent's or young person's page is one of their family's screens, with the family's navigation; a
    # professional's address covers all their families, so their page belongs to none.
    family_id = home_family_id(current_user) if is_family_user(current_user) else None
    view = family_view_or_404(family_id, current_user, page=None) if family_id else None
    page = render_template(
        "meetings/calendar.html",
        form=form,
        feed=services.feed_of(current_user),
        address=address,
        # webcal:// opens the phone's calendar app with the subscription (the same address, fetched over HTTP(S)).
        webcal=("webcal://" + address.split("://", 1)[1]) if address else None,
        view=view,
        family=view.family if view else None,
    )
    # The address is a secret shown once: never cached.
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/revoke")
@login_required
def revoke():
    """Stop the calendar address at once."""
    if services.revoke_feed(current_user):
        db.session.commit()
        flash(_("The calendar address no longer works."), "success")
    return redirect(url_for("calendar.settings"))


@bp.get("/<token>.ics")
def feed(token: str):
    """The subscription feed: only meetings the owner may see, with only the details they chose."""
    subscription = services.feed_for_token(token)
    if subscription is None:
        abort(404)
    user = db.session.get(User, subscription.user_id)
    if user is None or not user.active:
        abort(404)
    families = query_visible_families(user).subquery()
    stmt = (
        select(Meeting, Family.name)
        .join(Family, Family.id == Meeting.family_id)
        .where(Meeting.family_id.in_(select(families.c.id)), Meeting.starts_at >= db.utcnow() - HISTORY)
        .order_by(Meeting.starts_at)
    )
    professional = user.role.is_professional
    rows = db.session.execute(stmt).all()
    events = [ics_event(meeting, name if professional else None, subscription.with_details) for meeting, name in rows]
    if professional:
        _audit_feed_read(user, {meeting.family_id for meeting, _name in rows})
    body = ics.calendar(events, "Familieoverblik")
    return current_app.response_class(body, mimetype="text/calendar", headers={"Cache-Control": "no-store"})
