"""Planning, moving and cancelling meetings, the family's replies and questions, the referat, and calendar
subscriptions. Services flush and audit; the view commits."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import db, tenancy
from ..audit import family_changed, record_event
from ..families.models import Family
from ..locking import check_version
from .invitations import invites
from .models import (
    Answer,
    CalendarFeed,
    Meeting,
    MeetingParticipant,
    MeetingQuestion,
    MeetingReply,
    MeetingSuggestion,
    ParticipantKind,
)

#: Meetings further away than this are surely a typo in the year.
FAR = timedelta(days=2 * 366)


class MeetingError(Exception):
    """A meeting change that cannot be made; ``key`` names the message (meetings.views.MESSAGES)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """Refuse a meeting that ends before it starts, or lies years away."""
    if ends_at <= starts_at:
        raise MeetingError("ends_before_start")
    if abs(starts_at - now) > FAR:
        raise MeetingError("too_far")


def overlapping(
    family: Family, starts_at: datetime, ends_at: datetime, exclude=None, user_ids: tuple = ()
) -> list[Meeting]:
    """Other meetings at the same time for the family or for the same people, in any family (a consultant
    booked twice). Allowed, but the consultant is warned."""
    same_people = select(MeetingParticipant.meeting_id).where(MeetingParticipant.user_id.in_(user_ids))
    stmt = select(Meeting).where(
        (Meeting.family_id == family.id) | Meeting.id.in_(same_people),
        Meeting.cancelled_at.is_(None),
        Meeting.starts_at < ends_at,
        Meeting.ends_at > starts_at,
    )
    if exclude is not None:
        stmt = stmt.where(Meeting.id != exclude.id)
    return list(db.session.scalars(stmt))


def _set_participants(meeting: Meeting, participants: list[dict]) -> None:
    meeting.participants.clear()
    for p in participants:
        meeting.participants.append(
            MeetingParticipant(
                family_id=meeting.family_id,
                kind=ParticipantKind(p["kind"]),
                person_id=p.get("person_id"),
                user_id=p.get("user_id"),
                network_person_id=p.get("network_person_id"),
                name=p.get("name", ""),
                role=p.get("role", ""),
                decides=bool(p.get("decides")),
            )
        )


def participant_from_map(person) -> dict:
    """A participant picked from the network map: name, role and say as they are on the map today."""
    return {
        "kind": "network",
        "network_person_id": person.id,
        "name": person.name,
        "role": person.role,
        "decides": person.decides,
    }


def participant_as_before(participant: MeetingParticipant) -> dict:
    """A participant from the map kept exactly as the meeting has them."""
    return {
        "kind": "network",
        "network_person_id": participant.network_person_id,
        "name": participant.name,
        "role": participant.role,
        "decides": participant.decides,
    }


FIELDS = ("type", "starts_at", "ends_at", "mode", "place", "purpose", "preparation")


def create_meeting(family: Family, data: dict, participants: list[dict], *, actor, now: datetime) -> Meeting:
    """Plan a meeting.

    :param data: type, starts_at, ends_at (UTC), mode, place, purpose, preparation.
    :param participants: dicts with kind, person_id / user_id / name, role, decides.
    :return: the meeting.
    """
    check_times(data["starts_at"], data["ends_at"], now)
    meeting = Meeting(family_id=family.id, participants=[], **{k: data[k] for k in FIELDS})
    _set_participants(meeting, participants)
    db.session.add(meeting)
    db.session.flush()
    record_event(actor, "meeting.created", family=family, obj=meeting)
    return meeting


def update_meeting(
    family: Family, meeting: Meeting, data: dict, participants: list[dict], *, actor, now: datetime, version
) -> Meeting:
    """Change a meeting; a new time marks it as moved, and the old time stays visible. ``version`` is the one
    the form showed: another one, or None, raises Conflict."""
    check_version(meeting, version)
    if meeting.cancelled:
        raise MeetingError("cancelled")
    check_times(data["starts_at"], data["ends_at"], now)
    if data["starts_at"] != meeting.starts_at:
        meeting.moved_from = meeting.starts_at
    for key in FIELDS:
        setattr(meeting, key, data[key])
    _set_participants(meeting, participants)
    db.session.flush()
    record_event(actor, "meeting.changed", family=family, obj=meeting)
    return meeting


def cancel_meeting(family: Family, meeting: Meeting, reason: str, *, actor) -> None:
    """Cancel a meeting; it stays in the list, marked as cancelled."""
    if meeting.cancelled:
        raise MeetingError("cancelled")
    meeting.cancelled_at, meeting.cancel_reason = db.utcnow(), reason
    db.session.flush()
    record_event(actor, "meeting.cancelled", family=family, obj=meeting)


def save_referat(family: Family, meeting: Meeting, data: dict, *, actor, version: int | None) -> None:
    """Write the referat; the family always gets it in full, also for meetings without them. ``version`` is the
    meeting's version the form showed: another one, or None, raises Conflict."""
    check_version(meeting, version)
    meeting.minutes, meeting.decisions, meeting.next_step = data["minutes"], data["decisions"], data["next_step"]
    meeting.referat_at = db.utcnow()
    db.session.flush()
    record_event(actor, "meeting.referat_saved", family=family, obj=meeting)


def _open_for_family(meeting: Meeting, user, now: datetime) -> None:
    """Refuse a family member's answer, question or suggestion for a meeting that does not invite them (checked
    first: nothing is stored), that is cancelled, or that is over."""
    if not invites(meeting, user):
        raise MeetingError("not_invited")
    if meeting.cancelled:
        raise MeetingError("reply_cancelled")
    if meeting.ends_at < now:
        raise MeetingError("reply_past")


def reply(family: Family, meeting: Meeting, user, answer: Answer, reason: str, wish: str, *, now: datetime):
    """A family member's answer (one per person; a new answer replaces the old and waits to be seen)."""
    _open_for_family(meeting, user, now)
    existing = _own_reply(meeting, user)
    if existing is None:
        try:
            # A double tap can race to insert the same answer twice: the second one updates the first instead.
            with db.session.begin_nested():
                existing = MeetingReply(family_id=family.id, meeting_id=meeting.id, user_id=user.id, answer=answer)
                db.session.add(existing)
        except IntegrityError:
            existing = _own_reply(meeting, user)
    existing.answer, existing.reason, existing.wish = answer, reason or "", wish or ""
    existing.updated_at, existing.seen_at = now, None
    db.session.flush()
    record_event(user, "meeting.replied", family=family, obj=meeting, data={"answer": answer.value})
    return existing


def _own_reply(meeting: Meeting, user) -> MeetingReply | None:
    return db.session.scalar(
        select(MeetingReply).where(MeetingReply.meeting_id == meeting.id, MeetingReply.user_id == user.id)
    )


def add_question(family: Family, meeting: Meeting, user, text: str, *, now: datetime) -> MeetingQuestion:
    """A question or topic the family wants to bring to the meeting."""
    _open_for_family(meeting, user, now)
    question = MeetingQuestion(family_id=family.id, meeting_id=meeting.id, user_id=user.id, text=text)
    db.session.add(question)
    db.session.flush()
    record_event(user, "meeting.question_added", family=family, obj=meeting)
    return question


def suggest_participants(family: Family, meeting: Meeting, user, people: list, *, now: datetime) -> int:
    """A family member suggests people from the network map to invite; each person once per family member.

    :param people: NetworkPerson rows the member can see on the map.
    :return: how many suggestions are new.
    """
    _open_for_family(meeting, user, now)
    taken = {p.network_person_id for p in meeting.participants} | set(
        db.session.scalars(
            select(MeetingSuggestion.network_person_id).where(
                MeetingSuggestion.meeting_id == meeting.id, MeetingSuggestion.user_id == user.id
            )
        )
    )
    new = [p for p in people if p.id not in taken]
    for person in new:
        try:
            # A double tap races to suggest the same person twice: the second is simply not added.
            with db.session.begin_nested():
                db.session.add(
                    MeetingSuggestion(
                        family_id=family.id, meeting_id=meeting.id, user_id=user.id, network_person_id=person.id
                    )
                )
        except IntegrityError:
            pass
    db.session.flush()
    record_event(user, "meeting.participants_suggested", family=family, obj=meeting, data={"count": len(new)})
    return len(new)


def mark_seen(meeting: Meeting, now: datetime) -> None:
    """The consultant has seen the family's replies, questions and suggestions: they stop waiting in the caseload.
    Suggestions of people hidden from this consultant are left waiting by the viewer's rules. Not audited: it
    changes nothing of the family's, only what waits for the consultants (reading the meeting was audited).
    """
    for model in (MeetingReply, MeetingQuestion, MeetingSuggestion):
        stmt = update(model).where(model.meeting_id == meeting.id, model.seen_at.is_(None))
        db.session.execute(stmt.values(seen_at=now).execution_options(synchronize_session=False))
    # What waits is shown on the meeting's page, so the page is new (and a kept copy of it old).
    family_changed(db.session.get(Family, meeting.family_id))


def create_feed(user, with_details: bool) -> str:
    """A new private calendar address for the user (an old one stops working). Returns the secret once."""
    revoke_feed(user)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=db.secret_hash(token), with_details=with_details))
    db.session.flush()
    record_event(user, "calendar.feed_created", obj=user, data={"details": with_details})
    return token


def revoke_feed(user) -> bool:
    """Stop the user's calendar address from working."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    record_event(user, "calendar.feed_revoked", obj=user)
    return True


def feed_for_token(token: str) -> CalendarFeed | None:
    """The subscription behind a secret address, or None; the work enters its municipality."""
    key = db.secret_hash(token[:100])
    return tenancy.find_by_key("calendar", key, select(CalendarFeed).where(CalendarFeed.token_hash == key))


def feed_of(user) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
