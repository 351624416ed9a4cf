"""Builders for test data, on top of the real services (so audit events and invariants hold in tests too)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from familyapp import db, tenancy
from familyapp.auth.models import Role, User
from familyapp.auth.services import create_user
from familyapp.families import services
from familyapp.families.models import AssignmentRole, CaseType, Family
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingMode, MeetingType
from familyapp.network import services as network_services
from familyapp.network.models import PersonKind, RelationKind, Ring, Sector
from familyapp.plans import services as plan_services
from familyapp.plans.models import WhoKind

#: The municipality every test works in (made once per run by conftest); OTHER is made by tests that need one.
HOME = uuid.UUID("00000000-0000-4000-8000-00000000000a")
OTHER = uuid.UUID("00000000-0000-4000-8000-00000000000b")


def add_municipality(url: str, municipality_id: uuid.UUID, name: str) -> None:
    """A municipality in the database at ``url``, made once (committed: the table is not a tenant's)."""
    from sqlalchemy import insert, select

    from familyapp.tenancy import Municipality

    engine = db.make_engine(url)
    with engine.begin() as conn:
        if conn.scalar(select(Municipality.id).where(Municipality.id == municipality_id)) is None:
            code = name.lower().replace(" ", "-")
            conn.execute(
                insert(Municipality).values(id=municipality_id, code=code, name=name, created_at=datetime.now(UTC))
            )
    engine.dispose()


@dataclass
class World:
    family_a: Family
    family_b: Family
    parent_a: User
    parent_a2: User
    parent_b: User
    consultant_a: User
    consultant_b: User
    admin: User
    #: Family A's second consultant ("makker"): sees and edits, but never vouches for a login.
    co_consultant_a: User
    leader: User
    #: Another municipality (OTHER): its admin, and its consultant with a family of their own.
    admin_other: User | None = None
    consultant_other: User | None = None
    family_other: Family | None = None
    #: The national operator: in no municipality.
    operator: User | None = None

    def by_role(self, name: str) -> User | None:
        """The user for a role name of the access matrix; None is the anonymous visitor."""
        return {
            "parent_a": self.parent_a,
            "parent_b": self.parent_b,
            "consultant_a": self.consultant_a,
            "consultant_b": self.consultant_b,
            "admin": self.admin,
            "anonymous": None,
            "co_consultant_a": self.co_consultant_a,
            "leader": self.leader,
            "consultant_other": self.consultant_other,
            "admin_other": self.admin_other,
            "operator": self.operator,
        }[name]


def make_family(name: str = "Familien Test", case_type: CaseType = CaseType.INVESTIGATION) -> Family:
    return services.create_family(name, case_type, date(2026, 1, 5), actor=None)


def make_consultant(name: str = "Karin Konsulent", phone: str | None = "+45 11 22 33 44") -> User:
    return create_user(Role.CONSULTANT, name, actor=None, phone=phone)


def make_world() -> World:
    """Family A (two parents living apart, a child) with consultant A and co-consultant A2; family B with
    consultant B; an admin and a team leader."""
    admin = create_user(Role.ADMIN, "Anne Admin", actor=None)
    leader = create_user(Role.LEADER, "Lone Leder", actor=None, phone="+45 99 88 77 66")
    family_a = make_family("Familien A")
    family_b = make_family("Familien B", CaseType.SUPPORT)
    # As in real life: the admin opens the case and assigns its consultants before the family has logins (a
    # consultant assigned later is told to the family, tests/overview/test_views.py).
    consultant_a = make_consultant("Mette A")
    consultant_b = make_consultant("Ali B")
    services.assign_consultant(family_a, consultant_a, AssignmentRole.PRIMARY, actor=admin)
    services.assign_consultant(family_b, consultant_b, AssignmentRole.PRIMARY, actor=admin)
    co_consultant_a = make_consultant("Kim A2")
    services.assign_consultant(family_a, co_consultant_a, AssignmentRole.CO_CONSULTANT, actor=admin)
    parent_a = services.add_adult(family_a, "Sara A", "mor", actor=None, custody=True)
    parent_a2 = services.add_adult(family_a, "Jonas A", "far", actor=None, custody=True)
    services.add_child(family_a, "Alma", date(2022, 3, 1), actor=None)
    parent_b = services.add_adult(family_b, "Maria B", "mor", actor=None, custody=True)
    for family, parent, consultant in ((family_a, parent_a, consultant_a), (family_b, parent_b, consultant_b)):
        make_plan(family, parent, consultant)
        meeting = make_meeting(family, parent, consultant)
        make_network(family, parent, consultant)
        make_answer(family, parent, meeting, (6, 7, 5, 8))
        make_consent(family, parent, consultant)
    db.session.commit()
    with tenancy.entered(other_municipality()):
        admin_other = create_user(Role.ADMIN, "Tove Anden", actor=None)
        consultant_other = make_consultant("Jens Anden")
        family_other = make_family("Familien C")
        services.assign_consultant(family_other, consultant_other, AssignmentRole.PRIMARY, actor=admin_other)
        db.session.commit()
    with tenancy.entered(tenancy.NATIONAL):
        operator = create_user(Role.OPERATOR, "Ole Operatør", actor=None)
        db.session.commit()
    return World(
        family_a,
        family_b,
        parent_a,
        parent_a2,
        parent_b,
        consultant_a,
        consultant_b,
        admin,
        co_consultant_a,
        leader,
        admin_other,
        consultant_other,
        family_other,
        operator,
    )


def other_municipality() -> uuid.UUID:
    """The second municipality of the tests (made in the test's transaction when it is not there yet)."""
    from familyapp.tenancy import Municipality

    if db.session.get(Municipality, OTHER) is None:
        db.session.add(Municipality(id=OTHER, code="anden", name="Anden Kommune"))
        db.session.flush()
    return OTHER


#: The session cookie's name without HTTPS (tests run on plain http://localhost).
COOKIE = "familyapp_session"


def make_plan(family: Family, parent: User, consultant: User) -> dict:
    """A plan with one goal and step, one agreement and one readiness item (each change keeps a revision)."""
    plan_services.update_words(
        family, {"dreams": "Ro", "works": "Aftensmad", "worries": "Morgener"}, actor=parent, version=0
    )
    goal = plan_services.add_goal(family, {"title": "Op til tiden", "private_note": ""}, actor=consultant)
    step = plan_services.add_step(family, goal, "Vækkeur", actor=parent)
    agreement = plan_services.add_agreement(
        family,
        {"what": "Ringe til skolen", "who": (WhoKind.MEMBER, parent.person_id), "due": date(2026, 12, 1)},
        actor=consultant,
    )
    item = plan_services.add_readiness_item(
        family,
        {"situation": "Morgenerne går i stykker", "what_we_do": "Tage en dag ad gangen", "who_we_call": "Mette"},
        actor=consultant,
    )
    return {"goal": goal, "step": step, "agreement": agreement, "item": item}


def person_data(name: str, relation: str, ring=Ring.CLOSE, sector=Sector.FAMILY, **extra) -> dict:
    """The data of a person on the network map, with plain defaults."""
    return {"name": name, "relation": relation, "ring": ring, "sector": sector, "helps_with": "", "phone": "", **extra}


def make_network(family: Family, parent: User, consultant: User) -> dict:
    """A grandmother (private, hidden from a partner consultant), a teacher who supports and a caseworker who
    decides; the grandmother as the parent's mother in the family tree; one case at the jobcentre."""
    add = network_services.add_person
    granny = add(family, PersonKind.PRIVATE, person_data("Bente", "mormor"), actor=parent, among=[])
    teacher = add(
        family,
        PersonKind.PROFESSIONAL,
        person_data("Lise Lærer", "lærer", Ring.MIDDLE, Sector.SCHOOL, organisation="Vestre Skole", decides=False),
        actor=consultant,
        among=[],
    )
    caseworker = add(
        family,
        PersonKind.PROFESSIONAL,
        person_data("Karsten Berg", "sagsbehandler", Ring.FAR, Sector.AUTHORITIES, decides=True),
        actor=consultant,
        among=[],
    )
    relation = network_services.add_relation(
        family, RelationKind.PARENT, f"n:{granny.id}", f"p:{parent.person_id}", actor=parent, visible=set()
    )
    case = network_services.add_case(
        family,
        {"authority": "Jobcentret", "about": "Sara søger job", "contact_id": caseworker.id, "next_step": "Samtale"},
        actor=consultant,
    )
    return {"granny": granny, "teacher": teacher, "caseworker": caseworker, "relation": relation, "case": case}


def meeting_participant(family: Family, meeting, data: dict):
    """A participant row from participant data (as meeting services build them), for tests that add one."""
    from familyapp.meetings.models import MeetingParticipant, ParticipantKind

    return MeetingParticipant(
        family_id=family.id, meeting_id=meeting.id, **{**data, "kind": ParticipantKind(data["kind"])}
    )


def invite_member(family: Family, meeting, user: User) -> None:
    """Add a family member's person to a meeting's participants (only the invited answer, ask and suggest)."""
    from sqlalchemy import inspect

    row = meeting_participant(family, meeting, {"kind": "member", "person_id": user.person_id})
    if "participants" in inspect(meeting).unloaded:
        db.session.add(row)
    else:
        meeting.participants.append(row)
    db.session.flush()


def make_meeting(family: Family, parent: User, consultant: User, starts_at: datetime | None = None, **data):
    """A follow-up meeting (by default in a week, 10-11) with the parent and the consultant."""
    starts_at = starts_at or (db.utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=7))
    values = {
        "type": MeetingType.FOLLOW_UP,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "mode": MeetingMode.IN_PERSON,
        "place": "Rådhuset, lokale 2",
        "purpose": "Vi ser på planen",
        "preparation": "Hvad vil du gerne have ud af mødet?",
        **data,
    }
    participants = [
        {"kind": "member", "person_id": parent.person_id, "role": "mor"},
        {"kind": "consultant", "user_id": consultant.id, "role": "familiekonsulent"},
        {"kind": "other", "name": "Lise Lærer", "role": "lærer", "decides": False},
    ]
    return meeting_services.create_meeting(family, values, participants, actor=consultant, now=db.utcnow())


def make_answer(family: Family, user: User, meeting, values, *, purpose="wellbeing", now=None, client_id=None):
    """A sent answer in the user's window before (wellbeing) or after (alliance) the meeting, sent at ``now``
    (by default just after the window opened)."""
    from familyapp.scales import queries as scale_queries
    from familyapp.scales import services as scale_services

    window = next(
        w
        for w, _row in scale_queries.windows_for(family, user, db.utcnow())
        if w.key.startswith(f"{purpose}.m.{meeting.id}")
    )
    row = next(r for w, r in scale_queries.windows_for(family, user, db.utcnow()) if w.key == window.key)
    definition = scale_queries.parsed(row)
    when = now or window.opens_at + timedelta(minutes=5)
    response = scale_services.open_response(family, user, window, row, now=when)
    answers = dict(zip([i.key for i in definition.items], values, strict=True))
    return scale_services.submit(family, response, definition, answers, actor=user, now=when, client_id=client_id)


def make_consent(family: Family, parent: User, consultant: User, key: str = "share-plan", give: bool = True):
    """A request to share with the teacher on the map, given by the parent, and a partner link for the teacher.

    :return: (request, record or None, link, secret of the link).
    """
    from sqlalchemy import select

    from familyapp.consent import services as consent_services
    from familyapp.gate.models import ConsentTemplate
    from familyapp.network.models import NetworkPerson

    template = db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))
    teacher = db.session.scalar(
        select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == "Lise Lærer")
    )
    request = consent_services.create_request(
        family, template, teacher, actor=consultant, note="Skolen vil gerne hjælpe"
    )
    record = None
    if give:
        record = consent_services.give(family, request, parent, language="da", now=db.utcnow(), confirmed_by="passkey")
    link, token = consent_services.create_link(family, teacher, actor=consultant, now=db.utcnow())
    return request, record, link, token


def sign_in(client, user: User) -> None:
    """Create a real signed-in server-side session for a user, in the user's municipality as a passkey sign-in
    makes it, and put its cookie in the test client."""
    import secrets

    from familyapp import tenancy
    from familyapp.auth.sessions import UserSession

    token = secrets.token_urlsafe(32)
    now = db.utcnow()
    data = {"_user_id": str(user.id), "_fresh": True}
    with client.application.app_context(), tenancy.entered(tenancy.of(user)):
        db.session.add(
            UserSession(
                id=db.secret_hash(token), user_id=user.id, data=data, created_at=now, last_seen_at=now, signed_in_at=now
            )
        )
        db.session.commit()
    client.set_cookie(COOKIE, token)
