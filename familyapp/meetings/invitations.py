"""Who a meeting invites: the one rule that the meeting pages, the home screen (through ``queries.invites``)
and the services share. A module of its own, below both, so the services need not stand on the queries."""

from __future__ import annotations

from sqlalchemy import exists, inspect, select

from .. import db
from .models import Meeting, MeetingParticipant


def invites(meeting: Meeting, user) -> bool:
    """Whether the meeting invites this family member: their person is among its participants. Only they are
    asked "Can you come?", and only they may answer, ask a question or suggest people for it; a work meeting
    between professionals, or a meeting for the other parent only, invites nobody else of the family. No query
    when the participants are loaded with the meeting (``list_meetings`` and the meeting pages load them), one
    otherwise."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return False
    if "participants" not in inspect(meeting).unloaded:
        return any(p.person_id == person_id for p in meeting.participants)
    listed = exists().where(MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.person_id == person_id)
    return bool(db.session.scalar(select(listed)))
