"""What a named partner (the school, say) sees through their link: only what the family has consented to share
with them, asked again at every visit, so a withdrawn or expired consent stops the link at once."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from .. import db
from ..audit import record_event
from ..families import queries as family_queries
from ..families.models import Family
from ..meetings import queries as meeting_queries
from ..network.models import NetworkPerson
from ..plans import queries as plan_queries
from ..scales import queries as scale_queries
from . import services

bp = Blueprint("partner", __name__, url_prefix="/partner")


def _gone():
    """The same plain answer for a revoked or expired link and for a consent that is not (or no longer) given:
    the partner learns nothing about why."""
    return render_template("consent/partner_gone.html"), 410


@bp.get("/<token>")
def view(token: str):
    """The partner's page: the plan, the meetings, the minutes or scale results, each only if consented."""
    link = services.link_for_token(token)
    if link is None:
        abort(404)
    now = db.utcnow()
    if link.revoked_at is not None or link.expires_at <= now:
        return _gone()
    family = db.session.get(Family, link.family_id)
    recipient = db.session.get(NetworkPerson, link.recipient_id)
    allowed = services.permission(family, recipient.id, now)
    meetings = [m for m in meeting_queries.list_meetings(family) if not m.cancelled]
    if link.meeting_id is not None:
        # An invitation: that meeting only, and only while the parents' consent to invite this person holds.
        kinds = {"meeting_invitation"} & allowed.kinds
        meetings = [m for m in meetings if m.id == link.meeting_id]
    else:
        kinds = {"plan", "meetings", "referat", "scales"} & allowed.kinds
    if not kinds or (link.meeting_id is not None and not meetings):
        return _gone()
    record_event(None, "partner.viewed", family=family, obj=link, data={"shown": sorted(kinds)})
    db.session.commit()
    return render_template(
        "consent/partner.html",
        family=family,
        recipient=recipient,
        kinds=kinds,
        invitation=link.meeting_id is not None,
        plan=plan_queries.get_plan(family) if "plan" in kinds else None,
        goals=plan_queries.list_goals(family) if "plan" in kinds else [],
        agreements=plan_queries.list_agreements(family) if "plan" in kinds else [],
        meetings=meetings if kinds & {"meetings", "meeting_invitation"} else [],
        names=family_queries.names(family),
        answers=_scale_answers(family, allowed.consented.get("scales", set())) if "scales" in kinds else [],
        now=now,
    )


def _scale_answers(family: Family, parents: set) -> list:
    """The scale totals of the parents who themselves consented to share them (never the other parent's)."""
    return [r for r in scale_queries.responses_of(family) if r.user_id in parents and r.submitted_at and r.total]
