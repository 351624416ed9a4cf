"""What the tests of the consent screens share (the centre, invitations, and the partner's page in
tests/overview/test_partner_views.py): people on the map, texts, the world's plan request, partner links and a
network meeting with the parents' consent to invite."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from familyapp import db
from familyapp.consent import services
from familyapp.gate.models import ConsentRequest, ConsentTemplate
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingMode, MeetingType
from familyapp.network.models import NetworkPerson


def c_url(world, rest=""):
    return f"/families/{world.family_a.id}/consent{rest}"


def person(world, name, family=None):
    family = family or world.family_a
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == name)
    return db.session.scalar(stmt)


def template(key):
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def plan_request(world):
    """The world's request to share the plan with the teacher (given by parent A)."""
    return db.session.scalar(select(ConsentRequest).where(ConsentRequest.family_id == world.family_a.id))


def new_link(app, world, name="Lise Lærer", meeting=None):
    with app.test_request_context():
        _link, token = services.create_link(
            world.family_a, person(world, name), actor=world.consultant_a, now=db.utcnow(), meeting=meeting
        )
        db.session.commit()
    return f"/partner/{token}"


def network_meeting(app, world, names=("Bente", "Lise Lærer")):
    """A network meeting in ten days with these people from the map."""
    with app.test_request_context():
        now = db.utcnow()
        data = {
            "type": MeetingType.NETWORK,
            "starts_at": now + timedelta(days=10),
            "ends_at": now + timedelta(days=10, hours=2),
            "mode": MeetingMode.IN_PERSON,
            "place": "Biblioteket",
            "purpose": "Hvem kan hjælpe?",
            "preparation": "",
        }
        people = [meeting_services.participant_from_map(person(world, n)) for n in names]
        meeting = meeting_services.create_meeting(world.family_a, data, people, actor=world.consultant_a, now=now)
        db.session.commit()
    return meeting


def invite_consent(app, world, meeting, names=("Bente", "Lise Lærer")):
    """Both parents consent to inviting these people to the meeting."""
    with app.test_request_context():
        for name in names:
            request = services.create_request(
                world.family_a,
                template("network-meeting"),
                person(world, name),
                actor=world.consultant_a,
                meeting=meeting,
            )
            for parent in (world.parent_a, world.parent_a2):
                services.give(world.family_a, request, parent, language="da", now=db.utcnow(), confirmed_by="passkey")
        db.session.commit()
