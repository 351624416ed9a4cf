"""Familien Nielsen's meetings in the demo."""

from __future__ import annotations

from .. import db
from ..auth.models import User
from ..families.models import Family
from ..meetings import services as meeting_services
from ..meetings.models import MeetingMode, MeetingType
from .common import at


def add_meetings(family: Family, consultant: User, parent: User, map_people: dict) -> None:
    """A meeting held three weeks ago with its referat, the next one in five days, and a work meeting."""
    people = [
        {"kind": "member", "person_id": parent.person_id, "role": "mor"},
        {"kind": "consultant", "user_id": consultant.id, "role": "familiekonsulent"},
    ]
    now = db.utcnow()
    held = meeting_services.create_meeting(
        family,
        {
            "type": MeetingType.HOME_VISIT,
            "starts_at": at(-21, 10),
            "ends_at": at(-21, 11),
            "mode": MeetingMode.IN_PERSON,
            "place": "Hjemme hos Sara",
            "purpose": "Vi laver jeres plan sammen.",
            "preparation": "",
        },
        people,
        actor=consultant,
        now=now,
    )
    meeting_services.save_referat(
        family,
        held,
        {
            "minutes": "Vi skrev jeres drømme og tre mål ind i planen.",
            "decisions": "Sara ringer til skolen om Noah.",
            "next_step": "Opfølgningsmøde med skolen. Kontaktperson: Mette.",
        },
        actor=consultant,
        version=held.version,
    )
    school = meeting_services.participant_from_map(map_people["Lise Holm"])
    caseworker = meeting_services.participant_from_map(map_people["Karsten Berg"])
    meeting_services.create_meeting(
        family,
        {
            "type": MeetingType.FOLLOW_UP,
            "starts_at": at(5, 14),
            "ends_at": at(5, 15),
            "mode": MeetingMode.IN_PERSON,
            "place": "Skolen, mødelokale 1",
            "purpose": "Vi taler om, hvordan Noah har det i skolen, og hvad der kan hjælpe.",
            "preparation": "Hvorfor er mødet vigtigt for dig? Hvad vil du gerne have ud af det?",
        },
        [*people, school, caseworker],
        actor=consultant,
        now=now,
    )
    meeting_services.create_meeting(
        family,
        {
            "type": MeetingType.WORK,
            "starts_at": at(9, 9),
            "ends_at": at(9, 10),
            "mode": MeetingMode.VIDEO,
            "place": "Video",
            "purpose": "Skole og jobcenter aftaler, hvem der gør hvad, så I får færre møder.",
            "preparation": "",
        },
        [people[1], caseworker],
        actor=consultant,
        now=now,
    )
