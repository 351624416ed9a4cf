"""The demo: two families and their consultants, created once; fresh activation links on every run."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from . import db
from .auth.models import Passkey, Role, User
from .auth.services import activation_display, create_user, issue_activation
from .families import services
from .families.models import AssignmentRole, CaseType, Family, Person, Phase
from .meetings import services as meeting_services
from .meetings.models import MeetingMode, MeetingType
from .plans import services as plan_services
from .plans.models import GoalStatus, WhoKind
from .yearwheel import services as yearwheel_services

DEMO_MARK = "(demo)"
LOCAL = ZoneInfo("Europe/Copenhagen")


def _years_ago(years: int, months: int = 0) -> date:
    today = db.utcnow().date()
    month = today.month - months
    year = today.year - years
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, min(today.day, 28))


def _create() -> None:
    leader = create_user(Role.ADMIN, "Lene Holm", actor=None, phone="+45 21 00 00 01")
    mette = create_user(Role.CONSULTANT, "Mette Sørensen", actor=None, phone="+45 21 00 00 02")
    ali = create_user(Role.CONSULTANT, "Ali Khan", actor=None, phone="+45 21 00 00 03")
    mette.reachable = "man-tor kl. 9-15, fre kl. 9-12"
    ali.reachable = "man-fre kl. 8.30-14"

    nielsen = services.create_family(
        f"Familien Nielsen {DEMO_MARK}", CaseType.INVESTIGATION, _years_ago(0, 2), actor=leader
    )
    sara = services.add_adult(nielsen, "Sara Nielsen", "mor", actor=mette)
    services.add_adult(nielsen, "Jonas Hansen", "far", actor=mette)
    for name, years in (("Alma", 4), ("Noah", 9), ("Freja", 13)):
        services.add_child(nielsen, name, _years_ago(years, 3), actor=mette)
    services.assign_consultant(nielsen, mette, AssignmentRole.PRIMARY, actor=leader)
    services.assign_consultant(nielsen, ali, AssignmentRole.PARTNER, actor=leader)
    services.change_phase(nielsen, Phase.DEVELOPMENT, actor=mette)
    _demo_plan(nielsen, mette, sara)
    _demo_meetings(nielsen, mette, sara)
    # The year wheel from the suggested plan: follow-ups by the cadence, network meetings twice a year.
    # Suggestion titles are translated: give them a (Danish) request context, as the CLI has none.
    with current_app.test_request_context(headers={"Accept-Language": "da"}):
        yearwheel_services.accept_suggestions(nielsen, db.utcnow().astimezone(LOCAL).date(), actor=mette)

    # A family nobody has met for too long: the caseload marks its follow-up as overdue.
    larsen = services.create_family(
        f"Familien Larsen {DEMO_MARK}", CaseType.INVESTIGATION, _years_ago(0, 4), actor=leader
    )
    services.add_adult(larsen, "Peter Larsen", "far", actor=mette)
    services.add_child(larsen, "Emil", _years_ago(11, 2), actor=mette)
    services.assign_consultant(larsen, mette, AssignmentRole.PRIMARY, actor=leader)

    berg = services.create_family(f"Familien Berg {DEMO_MARK}", CaseType.SUPPORT, _years_ago(0, 5), actor=leader)
    services.add_adult(berg, "Maria Berg", "mor", actor=ali)
    services.add_child(berg, "Oliver", _years_ago(7, 1), actor=ali)
    services.assign_consultant(berg, ali, AssignmentRole.PRIMARY, actor=leader)


def _demo_plan(family: Family, consultant: User, parent: User) -> None:
    """A plan in the family's own words, with one agreement due this week."""
    today = db.utcnow().date()
    plan_services.update_words(
        family,
        {
            "dreams": "Vi vil have en hverdag, hvor vi har overskud til hinanden.\n\n"
            "Jeg drømmer om et fast arbejde, og at børnene har venner og trives i skolen.",
            "works": "Aftensmaden sammen\nAlma er glad i børnehaven\nMormor henter om torsdagen",
            "worries": "Morgenerne er kaotiske\nNoah er meget alene i frikvartererne\nØkonomien",
        },
        actor=parent,
        version=None,
    )
    goals = [
        ("Vi kommer op og ud ad døren til tiden", GoalStatus.YELLOW, None, "Alle er i skole og børnehave kl. 8."),
        ("Noah har en ven at lege med efter skole", GoalStatus.RED, "Noah", "Noah leger med en ven hver uge."),
        ("Sara får et fritidsjob", GoalStatus.GREEN, "Sara Nielsen", "Jeg har et job nogle timer om ugen."),
    ]
    persons = {p.name: p.id for p in db.session.scalars(select(Person).where(Person.family_id == family.id))}
    made = []
    for title, status, who, green in goals:
        data = {"title": title, "status": status.value, "person_id": persons.get(who), "green_looks_like": green}
        made.append(plan_services.add_goal(family, data, actor=consultant))
    plan_services.add_step(family, made[0], "Madpakkerne smøres om aftenen", actor=parent)
    step = plan_services.add_step(family, made[0], "Tøjet lægges frem aftenen før", actor=parent)
    plan_services.set_step_done(family, step, True, actor=parent)
    plan_services.add_step(family, made[1], "Spørge klasselæreren om en legeaftale", actor=consultant)
    note = {
        "title": made[1].title,
        "term": "short",
        "status": "red",
        "person_id": made[1].person_id,
        "green_looks_like": made[1].green_looks_like,
        "private_note": "Aftal med Sara, om skolen må kontakte PPR. Spørg til Noahs søvn.",
    }
    plan_services.update_goal(family, made[1], note, actor=consultant, version=made[1].version)
    agreements = [
        ("Ringe til skolen om Noahs frikvarterer", (WhoKind.MEMBER, parent.person_id), today + timedelta(days=3)),
        ("Søge om plads i fritidsklub", (WhoKind.CONSULTANT, consultant.id), today + timedelta(days=12)),
        ("Invitere til netværksmøde", (WhoKind.OTHER, "Mormor"), None),
    ]
    for what, who, due in agreements:
        plan_services.add_agreement(family, {"what": what, "who": who, "due": due}, actor=consultant)


def _at(days: int, hour: int) -> datetime:
    """A whole hour in Danish time, some days from today, in UTC."""
    day = db.utcnow().astimezone(LOCAL).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=LOCAL).astimezone(UTC)


def _demo_meetings(family: Family, consultant: User, parent: User) -> None:
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
            "starts_at": _at(-21, 10),
            "ends_at": _at(-21, 11),
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
    )
    school = {"kind": "other", "name": "Lise Holm", "role": "Noahs lærer", "decides": False}
    caseworker = {"kind": "other", "name": "Karsten Berg", "role": "sagsbehandler", "decides": True}
    meeting_services.create_meeting(
        family,
        {
            "type": MeetingType.FOLLOW_UP,
            "starts_at": _at(5, 14),
            "ends_at": _at(5, 15),
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
            "starts_at": _at(9, 9),
            "ends_at": _at(9, 10),
            "mode": MeetingMode.VIDEO,
            "place": "Video",
            "purpose": "Skole og jobcenter aftaler, hvem der gør hvad, så I får færre møder.",
            "preparation": "",
        },
        [people[1], caseworker],
        actor=consultant,
        now=now,
    )


DEMO_USERS = ("Lene Holm", "Mette Sørensen", "Ali Khan", "Sara Nielsen", "Jonas Hansen", "Maria Berg")


def load_demo() -> list[tuple[str, str, str, str]]:
    """Create the demo data if missing; issue activations for demo users without a passkey.

    :return: rows of (name, role, activation link or sign-in hint, code).
    """
    exists = db.session.scalar(select(Family.id).where(Family.name.endswith(DEMO_MARK)).limit(1))
    if exists is None:
        _create()
        db.session.flush()
    users = list(db.session.scalars(select(User).where(User.name.in_(DEMO_USERS))))
    users.sort(key=lambda u: DEMO_USERS.index(u.name))
    rows = []
    for user in users:
        if db.session.scalar(select(func.count()).where(Passkey.user_id == user.id)):
            rows.append((user.name, user.role.value, "has a passkey: sign in at /auth/login", "-"))
            continue
        _a, token, code = issue_activation(user, actor=None)
        shown = activation_display(token, code)
        rows.append((user.name, user.role.value, shown["url"], shown["code"]))
    return rows
