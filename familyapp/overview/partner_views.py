"""What a named partner (the school, say) sees through their link: only what the family has consented to share
with them, asked again at every visit, so a withdrawn or expired consent stops the link at once."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import db, gate
from ..audit import record_event
from ..consent import services
from ..families import queries as family_queries
from ..families.models import Family
from ..meetings import queries as meeting_queries
from ..network.models import NetworkPerson
from ..plans import queries as plan_queries
from ..scales import queries as scale_queries

bp = Blueprint("partner", __name__, url_prefix="/partner")


def _gone():
    """The same plain answer for a revoked or expired link and for a consent that is not (or no longer) given:
    the partner learns nothing about why."""
    return render_template("overview/partner_gone.html"), 410


@bp.get("/<token>")
def view(token: str):
    """The partner's page: the plan, the meetings, the minutes or scale results, each only if consented."""
    link = services.link_for_token(token)
    if link is None:
        return _gone()  # a mistyped address looks like one that has stopped: nothing to learn from the difference
    now = db.utcnow()
    family = db.session.get(Family, link.family_id)
    recipient = db.session.get(NetworkPerson, link.recipient_id)
    if link.revoked_at is not None or link.expires_at <= now or recipient.removed_at is not None:
        return _refused(family, link, "stopped")
    allowed = gate.permission(family, recipient.id, now)
    if link.meeting_id is not None:
        # An invitation: that meeting only, while it is still a network meeting the person is invited to and the
        # parents' consent to invite them to it holds.
        meetings = meeting_queries.shared_with_partner(
            family, now, referat=False, meeting_id=link.meeting_id, invited=recipient.id
        )
        kinds = {"meeting_invitation"} if meetings and allowed.allows("meeting_invitation", link.meeting_id) else set()
    else:
        kinds = {kind for kind in gate.SHAREABLE if allowed.allows(kind)}
        meetings = meeting_queries.shared_with_partner(family, now, referat="referat" in kinds)
    if not kinds:
        return _refused(family, link, "no_consent")
    record_event(None, "partner.viewed", family=family, obj=link, data={"shown": sorted(kinds)})
    db.session.commit()
    answers = scale_queries.shared_totals(family, allowed.consented.get("scales", set())) if "scales" in kinds else []
    return render_template(
        "overview/partner.html",
        family=family,
        recipient=recipient,
        kinds=kinds,
        invitation=link.meeting_id is not None,
        plan=plan_queries.get_plan(family) if "plan" in kinds else None,
        goals=plan_queries.list_goals(family) if "plan" in kinds else [],
        agreements=plan_queries.list_agreements(family) if "plan" in kinds else [],
        meetings=meetings if kinds & {"meetings", "meeting_invitation"} else [],
        names=family_queries.names(family),
        answers=answers,
        definitions={
            k: scale_queries.parsed(v)
            for k, v in scale_queries.definitions_by_id({r.definition_id for r in answers}).items()
        },
        now=now,
    )


def _refused(family: Family, link, why: str):
    """A visit through a link that no longer shows anything: audited, and the same plain page."""
    record_event(None, "partner.refused", family=family, obj=link, data={"why": why})
    db.session.commit()
    return _gone()
