"""Read-only queries about consent, for the consent centre, the home screen and the caseload."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, Uuid, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from .. import db, paging, viewer
from ..families.models import Family
from ..gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from ..meetings.models import Meeting, MeetingType
from ..network.models import NetworkPerson
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
    stmt = (
        select(ConsentRecord).where(ConsentRecord.family_id == family.id).order_by(ConsentRecord.at, ConsentRecord.seq)
    )
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
    found = db.session.execute(_recent_withdrawals(), {"families": family_ids, "since": since})
    return {fid: db.as_utc(at) for fid, at in found}


@cache
def _recent_withdrawals() -> Select:
    """``recent_withdrawals``'s statement, built once a process (the caseload asks it on every visit)."""
    families = bindparam("families", type_=Uuid(), expanding=True)
    return (
        select(ConsentRecord.family_id, func.max(ConsentRecord.at))
        .where(ConsentRecord.family_id.in_(families), ConsentRecord.action == "withdrawn")
        .where(ConsentRecord.at >= bindparam("since"))
        .group_by(ConsentRecord.family_id)
    )


@dataclass
class Asked:
    """A request as the consent centre shows it: its text, recipient (removed from the map or not) and meeting
    time, and each parent's latest record on it, by user id."""

    request: ConsentRequest
    template: ConsentTemplate
    recipient: NetworkPerson | None
    meeting_at: datetime | None
    latest: dict = field(default_factory=dict)


def requests_with_states(family: Family) -> list[Asked]:
    """The family's requests, newest first, each with its text, recipient, meeting time and every parent's latest
    record: one query, however long the history of giving and withdrawing is."""
    record, newer = aliased(ConsentRecord), aliased(ConsentRecord)
    latest = ~exists().where(
        newer.request_id == record.request_id, newer.user_id == record.user_id, newer.seq > record.seq
    )
    stmt = (
        select(ConsentRequest, ConsentTemplate, NetworkPerson, Meeting.starts_at, record)
        .join(ConsentTemplate, ConsentTemplate.id == ConsentRequest.template_id)
        .outerjoin(NetworkPerson, NetworkPerson.id == ConsentRequest.recipient_id)
        .outerjoin(Meeting, Meeting.id == ConsentRequest.meeting_id)
        .outerjoin(record, and_(record.request_id == ConsentRequest.id, latest))
        .where(ConsentRequest.family_id == family.id)
        .order_by(ConsentRequest.created_at.desc(), ConsentRequest.id)
    )
    asked: dict = {}
    for request, template, recipient, meeting_at, found in db.session.execute(stmt):
        entry = asked.setdefault(request.id, Asked(request, template, recipient, meeting_at))
        if found is not None:
            entry.latest[found.user_id] = found
    return list(asked.values())


def history_page(family: Family, number: int, per_page: int) -> tuple[list[tuple], int, int]:
    """One page of the family's records, newest first, each with its text: (record, template) rows, the page's
    number (a page past the end is the last one) and how many pages there are. One query, counted in it."""
    total = (
        select(func.count())
        .select_from(ConsentRecord)
        .where(ConsentRecord.family_id == family.id)
        .correlate(None)  # the family's count, not one per row of the page
        .scalar_subquery()
    )
    stmt = (
        select(ConsentRecord, ConsentTemplate, func.count().over())
        .join(ConsentTemplate, ConsentTemplate.id == ConsentRecord.template_id)
        .where(ConsentRecord.family_id == family.id)
        .order_by(ConsentRecord.at.desc(), ConsentRecord.seq.desc(), ConsentRecord.id.desc())
        .limit(per_page)
        .offset(paging.page_offset(total, number, per_page))
    )
    rows = db.session.execute(stmt).all()
    pages = max(1, -(-rows[0][2] // per_page)) if rows else 1
    return [(r, t) for r, t, _n in rows], min(number, pages), pages


def people_and_links(family: Family) -> tuple[list[NetworkPerson], list[PartnerLink], dict]:
    """The people on the map (closest first, for choosing a recipient) and the family's partner links (newest
    first) with their recipients, removed ones too: one query."""
    stmt = (
        select(NetworkPerson, PartnerLink)
        .outerjoin(PartnerLink, and_(PartnerLink.recipient_id == NetworkPerson.id, PartnerLink.family_id == family.id))
        .where(
            NetworkPerson.family_id == family.id, or_(NetworkPerson.removed_at.is_(None), PartnerLink.id.is_not(None))
        )
    )
    people, links = {}, []
    for person, link in db.session.execute(stmt):
        people[person.id] = person
        if link is not None:
            links.append(link)
    on_map = sorted(
        (p for p in people.values() if p.removed_at is None), key=lambda p: (p.ring.rank, p.name.casefold())
    )
    links.sort(key=lambda k: k.created_at, reverse=True)
    return on_map, links, people


def coming_network_meetings(family: Family, now: datetime) -> list[Meeting]:
    """The family's coming network meetings, which an invitation consent can be for (one query)."""
    stmt = (
        select(Meeting)
        .where(
            Meeting.family_id == family.id,
            Meeting.type == MeetingType.NETWORK,
            Meeting.cancelled_at.is_(None),
            Meeting.ends_at >= now,
        )
        .order_by(Meeting.starts_at)
    )
    return list(db.session.scalars(stmt))
