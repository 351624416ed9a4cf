"""Read-only queries about consent, for the consent centre, the home screen and the caseload."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select

from .. import db, viewer
from ..families.models import Family
from ..gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from ..network.queries import follows_the_map, points_at_visible

# A consent about a person the family hides from the co-consultant would name that person.
follows_the_map(ConsentRequest, "recipient_id")
follows_the_map(PartnerLink, "recipient_id")


@viewer.rule(ConsentRecord)
def _records_rule(viewer_id):
    visible_requests = select(ConsentRequest.id).where(points_at_visible(ConsentRequest.recipient_id, viewer_id))
    return lambda cls: cls.request_id.in_(visible_requests)


def list_requests(family: Family) -> list[ConsentRequest]:
    """The family's requests, newest first (one query)."""
    stmt = (
        select(ConsentRequest).where(ConsentRequest.family_id == family.id).order_by(ConsentRequest.created_at.desc())
    )
    return list(db.session.scalars(stmt))


def templates_by_id(ids: set[uuid.UUID]) -> dict[uuid.UUID, ConsentTemplate]:
    """Texts by id, in use or not (one query)."""
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(select(ConsentTemplate).where(ConsentTemplate.id.in_(ids)))}


def active_templates() -> list[ConsentTemplate]:
    """The texts in use, to ask from (one query)."""
    return list(
        db.session.scalars(
            select(ConsentTemplate).where(ConsentTemplate.active.is_(True)).order_by(ConsentTemplate.key)
        )
    )


def history(family: Family, user=None) -> list[ConsentRecord]:
    """Every record of the family, or of one parent (their own, for their data export), oldest first (one query)."""
    stmt = select(ConsentRecord).where(ConsentRecord.family_id == family.id).order_by(ConsentRecord.at)
    if user is not None:
        stmt = stmt.where(ConsentRecord.user_id == user.id)
    return list(db.session.scalars(stmt))


def links_of(family: Family) -> list[PartnerLink]:
    """The family's partner links, newest first (one query)."""
    stmt = select(PartnerLink).where(PartnerLink.family_id == family.id).order_by(PartnerLink.created_at.desc())
    return list(db.session.scalars(stmt))


def count_waiting(family: Family, user):
    """How many requests in use this person has not answered yet, as a column a screen can select beside its
    other figures (the home screen)."""
    answered = select(ConsentRecord.id).where(
        ConsentRecord.request_id == ConsentRequest.id, ConsentRecord.user_id == user.id
    )
    return (
        select(func.count())
        .select_from(ConsentRequest)
        .join(ConsentTemplate, ConsentTemplate.id == ConsentRequest.template_id)
        .where(ConsentRequest.family_id == family.id, ConsentTemplate.active.is_(True), ~answered.exists())
        .scalar_subquery()
    )


def waiting_for(family: Family, user) -> int:
    """How many requests in use this person has not answered yet (one query)."""
    return db.session.scalar(select(count_waiting(family, user))) or 0


def recent_withdrawals(family_ids: list[uuid.UUID], since: datetime) -> dict[uuid.UUID, datetime]:
    """The latest withdrawal per family since a time, for the consultant's caseload (one query)."""
    if not family_ids:
        return {}
    stmt = (
        select(ConsentRecord.family_id, func.max(ConsentRecord.at))
        .where(ConsentRecord.family_id.in_(family_ids), ConsentRecord.action == "withdrawn", ConsentRecord.at >= since)
        .group_by(ConsentRecord.family_id)
    )
    return {fid: db.as_utc(at) for fid, at in db.session.execute(stmt)}
