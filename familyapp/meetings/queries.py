"""Read-only queries over meetings, for the meeting screens, the home screen, the årshjul and the caseload."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from .. import db
from ..dates import add_working_days
from ..families.models import Family
from ..network import queries as network_queries
from ..network.queries import follows_the_map
from .invitations import invites  # noqa: F401  (screens ask queries.invites; the services share the rule)
from .models import Answer, Meeting, MeetingParticipant, MeetingQuestion, MeetingReply, MeetingSuggestion, MeetingType

# A person the family hides from the co-consultant is not at the meeting for them: never listed, never offered,
# and kept as they are when the co-consultant changes the meeting (an unloaded row is untouched). Suggestions of
# a hidden person wait for the consultant who may see them.
follows_the_map(MeetingParticipant, "network_person_id")
follows_the_map(MeetingSuggestion, "network_person_id")


def invited_from_map(view, meeting: Meeting) -> list:
    """The people invited to a meeting from the map who are still on it and whom the viewer may see (one query;
    the meeting's participants are loaded)."""
    on_map = {p.id: p for p in network_queries.list_people(view)}
    return [on_map[p.network_person_id] for p in meeting.participants if p.network_person_id in on_map]


def list_meetings(family: Family) -> list[Meeting]:
    """All the family's meetings with their participants (two queries), in time order."""
    stmt = (
        select(Meeting)
        .where(Meeting.family_id == family.id)
        .options(selectinload(Meeting.participants))
        .order_by(Meeting.starts_at)
    )
    return list(db.session.scalars(stmt))


def shared_with_partner(
    family: Family, now: datetime, *, referat: bool, meeting_id=None, invited=None
) -> list[Meeting]:
    """The meetings a partner's link may show, decided here in SQL: the family's own meetings (never work
    meetings between professionals), not cancelled; past ones only when the referat is shared; an invitation
    shows its one network meeting. Two queries, in time order.

    :param referat: the parents have consented to sharing the referat (past meetings then count too).
    :param meeting_id: an invitation's meeting, shown only while ``invited`` (a person on the map) is among its
        participants.
    """
    stmt = (
        select(Meeting)
        .where(Meeting.family_id == family.id, Meeting.cancelled_at.is_(None), Meeting.type != MeetingType.WORK)
        .options(selectinload(Meeting.participants))
        .order_by(Meeting.starts_at)
    )
    if meeting_id is not None:
        still_invited = exists().where(
            MeetingParticipant.meeting_id == Meeting.id, MeetingParticipant.network_person_id == invited
        )
        stmt = stmt.where(Meeting.id == meeting_id, Meeting.type == MeetingType.NETWORK, still_invited)
    elif not referat:
        stmt = stmt.where(Meeting.ends_at >= now)
    return list(db.session.scalars(stmt))


#: What a meeting's card shows (the list, the home screen): not the referat, the preparation or why it was
#: cancelled. Another column read from such a meeting raises instead of costing a query a meeting.
CARD = (
    Meeting.family_id,
    Meeting.type,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.mode,
    Meeting.place,
    Meeting.purpose,
    Meeting.moved_from,
    Meeting.cancelled_at,
)


def _card():
    return load_only(*CARD, raiseload=True)


def list_coming(family: Family, now: datetime) -> list[Meeting]:
    """The family's meetings not over yet, cancelled ones too (they stay, marked), in time order; cards only (one
    query). A family has few: they are planned a few weeks ahead."""
    stmt = (
        select(Meeting)
        .where(Meeting.family_id == family.id, Meeting.ends_at >= now)
        .options(_card())
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(db.session.scalars(stmt))


def query_earlier(family: Family, now: datetime) -> Select:
    """The family's meetings that are over, newest first, as cards: a statement to take a page of
    (``paging.fetch_page``), since two years of history are fifty meetings."""
    return (
        select(Meeting)
        .where(Meeting.family_id == family.id, Meeting.ends_at < now)
        .options(_card())
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def _one_family(grouped: Select) -> ColumnElement:
    """A per-family figure (``query_last_contacts``, ``query_next_meetings``) asked for one family, as a column:
    the caseload's own query, so the home screen and the caseload can never disagree."""
    return select(grouped.subquery().c.at).scalar_subquery()


def next_with_contacts(family: Family, now: datetime, *figures: ColumnElement) -> tuple:
    """The home screen's meeting part in one statement, built for this call (the home screen itself runs the
    statement it built once, ``read_next_with_contacts``): the family's next meeting that is not cancelled and not
    over (a card, with its participants) or None; the start of the last meeting held with the family and of the
    next one planned (the caseload's queries, for one family); and ``figures``, other columns the same screen
    asks for (a count from another feature), so that they cost no statement of their own.

    :return: (meeting or None, last contact or None, next planned or None, *the figures' values)
    """
    return read_next_with_contacts(query_next_with_contacts(family, now, *figures))


def read_next_with_contacts(stmt: Select, values: dict | None = None) -> tuple:
    """Run ``query_next_with_contacts``'s statement (one built once a process with parameters takes ``values``):
    what ``next_with_contacts`` returns."""
    meeting, last_at, next_at, *figures = db.session.execute(stmt, values or {}).unique().one()
    return (meeting, db.as_utc(last_at), db.as_utc(next_at), *figures)


def query_next_with_contacts(family: Family, now: datetime, *figures: ColumnElement) -> Select:
    """``next_with_contacts``'s statement: ``family`` and ``now`` may be stand-ins (``db.stand_in``, a bound
    parameter), for a screen that builds it once."""
    coming = (
        select(Meeting.id)
        .where(Meeting.family_id == family.id, Meeting.cancelled_at.is_(None), Meeting.ends_at >= now)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
        .scalar_subquery()
    )
    last = _one_family(query_last_contacts([family.id], now))
    planned = _one_family(query_next_meetings([family.id], now))
    # From the family's own row, so that the figures come back when there is no next meeting (an outer join).
    stmt = (
        select(Meeting, last, planned, *figures)
        .select_from(Family)
        .outerjoin(Meeting, Meeting.id == coming)
        .where(Family.id == family.id)
        .options(_card(), joinedload(Meeting.participants))
    )
    return stmt


def not_coming(family: Family, user) -> set[uuid.UUID]:
    """The meetings the person has said they cannot come to (one query)."""
    stmt = select(MeetingReply.meeting_id).where(
        MeetingReply.family_id == family.id, MeetingReply.user_id == user.id, MeetingReply.answer == Answer.CANNOT
    )
    return set(db.session.scalars(stmt))


def query_taking_part(family: Family, user, *conditions) -> Select:
    """The family's meetings with the family (not cancelled, not a work meeting) that the person takes part in and
    has not said they cannot come to (``invites`` and ``not_coming`` in SQL), that meet ``conditions``: their id,
    start and end, in time order. For reading only the meetings a screen needs (the scales' windows around now).
    """
    # A login without a person takes part in nothing (never "IS NULL": a consultant's participant row has none).
    takes_part = exists().where(
        MeetingParticipant.meeting_id == Meeting.id,
        MeetingParticipant.person_id.is_not(None),
        MeetingParticipant.person_id == user.person_id,
    )
    away = exists().where(
        MeetingReply.meeting_id == Meeting.id, MeetingReply.user_id == user.id, MeetingReply.answer == Answer.CANNOT
    )
    return (
        select(Meeting.id, Meeting.starts_at, Meeting.ends_at)
        .where(
            Meeting.family_id == family.id,
            Meeting.cancelled_at.is_(None),
            Meeting.type != MeetingType.WORK,
            takes_part,
            ~away,
            *conditions,
        )
        .order_by(Meeting.starts_at)
    )


def replies_for(meeting: Meeting) -> list[MeetingReply]:
    return list(db.session.scalars(select(MeetingReply).where(MeetingReply.meeting_id == meeting.id)))


def questions_for(meeting: Meeting) -> list[MeetingQuestion]:
    stmt = select(MeetingQuestion).where(MeetingQuestion.meeting_id == meeting.id).order_by(MeetingQuestion.created_at)
    return list(db.session.scalars(stmt))


def suggestions_for(meeting: Meeting) -> list[MeetingSuggestion]:
    """The family's suggestions whom to invite, oldest first (one query); names come from the network map, which
    decides who the viewer may see."""
    stmt = (
        select(MeetingSuggestion)
        .where(MeetingSuggestion.meeting_id == meeting.id)
        .order_by(MeetingSuggestion.created_at)
    )
    return list(db.session.scalars(stmt))


def _held_with_family(now: datetime):
    return (Meeting.cancelled_at.is_(None), Meeting.type != MeetingType.WORK, Meeting.starts_at < now)


def query_last_contacts(family_ids: list[uuid.UUID], now: datetime) -> Select:
    """(family id, ``at``): the start of the latest meeting held with each family (not cancelled, not
    professionals only)."""
    return (
        select(Meeting.family_id, func.max(Meeting.starts_at).label("at"))
        .where(Meeting.family_id.in_(family_ids), *_held_with_family(now))
        .group_by(Meeting.family_id)
    )


def last_contacts(family_ids: list[uuid.UUID], now: datetime) -> dict:
    """The latest meeting held with each family (not cancelled, not professionals only), in one query."""
    if not family_ids:
        return {}
    return {fid: db.as_utc(at) for fid, at in db.session.execute(query_last_contacts(family_ids, now))}


def query_next_meetings(family_ids: list[uuid.UUID], now: datetime) -> Select:
    """(family id, ``at``): the start of each family's next meeting that is not cancelled."""
    return (
        select(Meeting.family_id, func.min(Meeting.starts_at).label("at"))
        .where(Meeting.family_id.in_(family_ids), Meeting.cancelled_at.is_(None), Meeting.starts_at >= now)
        .group_by(Meeting.family_id)
    )


def next_meetings(family_ids: list[uuid.UUID], now: datetime) -> dict:
    """The start of each family's next meeting that is not cancelled, in one query."""
    if not family_ids:
        return {}
    return {fid: db.as_utc(at) for fid, at in db.session.execute(query_next_meetings(family_ids, now))}


def last_contact_day(family_id, now: datetime):
    """The day of the latest meeting held with the family of the enclosing statement (``family_id`` is its
    column), as ``last_contacts`` counts it: a correlated subquery for a caseload's rows."""
    stmt = select(Meeting.day).where(Meeting.family_id == family_id, *_held_with_family(now))
    return stmt.order_by(Meeting.starts_at.desc()).limit(1).scalar_subquery()


def next_meeting_of(family_id, now: datetime, column: str = "starts_at"):
    """A column (``starts_at``, or ``day``) of the family's next meeting that is not cancelled, as
    ``next_meetings`` finds it: a correlated subquery for a caseload's rows."""
    planned = (Meeting.family_id == family_id, Meeting.cancelled_at.is_(None), Meeting.starts_at >= now)
    stmt = select(getattr(Meeting, column)).where(*planned)
    return stmt.order_by(Meeting.starts_at).limit(1).scalar_subquery()


def unread_count(family_id):
    """How many replies, questions and suggestions from the family no consultant has seen yet, as
    ``waiting_replies`` counts them: a correlated expression for a caseload's rows."""
    counts = [
        select(func.count()).where(model.family_id == family_id, model.seen_at.is_(None)).scalar_subquery()
        for model in (MeetingReply, MeetingQuestion, MeetingSuggestion)
    ]
    return counts[0] + counts[1] + counts[2]


def waiting_replies(family_ids: list[uuid.UUID]) -> dict:
    """How many replies, questions and suggestions from each family no consultant has seen yet (three queries)."""
    if not family_ids:
        return {}
    counts: dict = {}
    for model in (MeetingReply, MeetingQuestion, MeetingSuggestion):
        stmt = (
            select(model.family_id, func.count())
            .where(model.family_id.in_(family_ids), model.seen_at.is_(None))
            .group_by(model.family_id)
        )
        for fid, n in db.session.execute(stmt):
            counts[fid] = counts.get(fid, 0) + n
    return counts


def referat_due(meeting: Meeting, working_days: int) -> date:
    """The last day the referat may come: ``working_days`` working days after the meeting's (Danish) day."""
    return _due(meeting.ends_at, working_days)


def _due(ends_at: datetime, working_days: int) -> date:
    return add_working_days(db.local_date(ends_at), working_days)


def referat_late(meeting: Meeting, working_days: int, now: datetime) -> bool:
    """A held meeting (not cancelled) whose referat has not come by its deadline."""
    if meeting.cancelled or meeting.referat_at is not None or meeting.ends_at >= now:
        return False
    return referat_due(meeting, working_days) < db.local_date(now)


def late_referats(family_ids: list[uuid.UUID], now: datetime, working_days: int) -> dict:
    """How many of each family's held meetings have no referat past its deadline (one query): the meetings that
    ended at least that many days ago are read, and the working days counted for each."""
    if not family_ids:
        return {}
    # N working days are at least N days: a meeting that ended since then cannot be late (a day more for the zone).
    stmt = select(Meeting.family_id, Meeting.ends_at).where(
        Meeting.family_id.in_(family_ids),
        Meeting.cancelled_at.is_(None),
        Meeting.referat_at.is_(None),
        Meeting.ends_at < now - timedelta(days=max(working_days - 1, 0)),
    )
    today = db.local_date(now)
    late = Counter(fid for fid, ends_at in db.session.execute(stmt) if _due(db.as_utc(ends_at), working_days) < today)
    return dict(late)
