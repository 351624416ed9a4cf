"""Familien Nielsen's answers to the scales in the demo, and the meetings they belong to."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from .. import db
from ..auth.models import User
from ..families.models import Family, Person
from ..meetings import services as meeting_services
from ..meetings.models import MeetingMode, MeetingType
from ..scales import queries as scale_queries
from ..scales import services as scale_services
from .common import LOCAL, at


def _answer(family, user, key_start: str, values, *, sent_at: datetime, discussed_by=None, note=""):
    """A sent answer in the user's window whose key starts with ``key_start``, sent at ``sent_at``."""
    windows = scale_queries.windows_for(family, user, db.utcnow())
    window, row = next((w, r) for w, r in windows if w.key.startswith(key_start))
    definition = scale_queries.parsed(row)
    response = scale_services.open_response(family, user, window, row, now=sent_at)
    answers = dict(zip([i.key for i in definition.items], values, strict=True))
    scale_services.submit(family, response, definition, answers, actor=user, now=sent_at)
    if discussed_by is not None:
        scale_services.mark_discussed(family, response, note, actor=discussed_by, now=sent_at + timedelta(hours=2))


def add_scales(family: Family, consultant: User, sara: User, jonas: User) -> None:
    """Two earlier follow-ups with both parents' answers before and after; a phone call yesterday (the
    collaboration scale is open) and a home visit tomorrow (the wellbeing scale is open). Jonas's last answers
    dropped and wait in Mette's review queue; Sara's were talked through."""
    both = [
        {"kind": "member", "person_id": sara.person_id, "role": "mor"},
        {"kind": "member", "person_id": jonas.person_id, "role": "far"},
        {"kind": "consultant", "user_id": consultant.id, "role": "familiekonsulent"},
    ]
    now = db.utcnow()

    def meeting(days, hour, kind, mode, place, purpose):
        data = {
            "type": kind,
            "starts_at": at(days, hour),
            "ends_at": at(days, hour + 1),
            "mode": mode,
            "place": place,
            "purpose": purpose,
            "preparation": "",
        }
        return meeting_services.create_meeting(family, data, both, actor=consultant, now=now)

    first = meeting(-56, 10, MeetingType.FOLLOW_UP, MeetingMode.IN_PERSON, "Rådhuset", "Vi lærer hinanden at kende.")
    second = meeting(-35, 10, MeetingType.FOLLOW_UP, MeetingMode.IN_PERSON, "Rådhuset", "Vi følger op på planen.")
    meeting(-1, 11, MeetingType.PHONE, MeetingMode.PHONE, "Mette ringer til jer", "Kort snak om ugen.")
    meeting(1, 13, MeetingType.HOME_VISIT, MeetingMode.IN_PERSON, "Hjemme hos Sara", "Vi taler om morgenerne.")
    answers = {
        sara: [((4.8, 6.1, 5.2, 6.3), (9.4, 9.5, 9.0, 9.6)), ((6.5, 7.0, 6.2, 7.2), (9.6, 9.7, 9.4, 9.5))],
        jonas: [((7.6, 7.4, 7.8, 7.4), (9.5, 9.4, 9.6, 9.5)), ((6.0, 5.8, 6.4, 6.1), (8.6, 8.9, 8.8, 8.9))],
    }
    for user, rounds in answers.items():
        for held, (wellbeing, alliance) in zip((first, second), rounds, strict=True):
            latest = held is second and user is jonas
            reviewer = None if latest else consultant
            note = "" if latest else "Vi talte om det på mødet."
            _answer(
                family,
                user,
                f"wellbeing.m.{held.id}",
                wellbeing,
                sent_at=held.starts_at - timedelta(hours=20),
                discussed_by=reviewer,
                note=note,
            )
            _answer(
                family,
                user,
                f"alliance.m.{held.id}",
                alliance,
                sent_at=held.ends_at + timedelta(hours=3),
                discussed_by=reviewer,
                note=note,
            )
    start = family.start_date
    sent = datetime.combine(start + timedelta(days=3), time(20), tzinfo=LOCAL).astimezone(UTC)
    _answer(family, sara, "progression.c.0", (4, 3, 6, 3, 6, 5, 4, 7), sent_at=sent, discussed_by=consultant)
    noah = db.session.scalar(select(Person.id).where(Person.family_id == family.id, Person.name == "Noah"))
    _answer(family, sara, f"functioning.c.0.{noah}", (3, 2, 2, 3, 4, 3, 3), sent_at=sent, discussed_by=consultant)
    _answer(family, consultant, f"functioning.c.0.{noah}", (3, 2, 3, 3, 4, 4, 3), sent_at=sent)
