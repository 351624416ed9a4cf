"""The demo: two families and their consultants, created once; fresh activation links on every run."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update

from . import db, gate
from .auth.models import Passkey, Role, SecurityNotice, User
from .auth.services import activation_display, create_user, issue_activation
from .consent import services as consent_services
from .consent.models import ConsentRequest, ConsentTemplate, PartnerLink
from .families import services
from .families.models import AssignmentRole, CaseType, Family, Person, Phase
from .meetings import services as meeting_services
from .meetings.models import MeetingMode, MeetingType
from .network import services as network_services
from .network.models import NetworkPerson, NetworkRevision, PersonKind, RelationKind, Ring, Sector
from .plans import services as plan_services
from .plans.models import GoalStatus, WhoKind
from .scales import queries as scale_queries
from .scales import services as scale_services
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
    admin = create_user(Role.ADMIN, "Per Holt", actor=None, phone="+45 21 00 00 09")
    create_user(Role.LEADER, "Lene Holm", actor=None, phone="+45 21 00 00 01")
    mette = create_user(Role.CONSULTANT, "Mette Sørensen", actor=None, phone="+45 21 00 00 02")
    ali = create_user(Role.CONSULTANT, "Ali Khan", actor=None, phone="+45 21 00 00 03")
    mette.reachable = "man-tor kl. 9-15, fre kl. 9-12"
    ali.reachable = "man-fre kl. 8.30-14"

    nielsen = services.create_family(
        f"Familien Nielsen {DEMO_MARK}", CaseType.INVESTIGATION, _years_ago(0, 2), actor=admin
    )
    sara = services.add_adult(nielsen, "Sara Nielsen", "mor", actor=mette, custody=True)
    jonas = services.add_adult(nielsen, "Jonas Hansen", "far", actor=mette, custody=True)
    # Sara hears of a new adult with custody; in the demo both were there from the start, so she has read it.
    db.session.execute(update(SecurityNotice).where(SecurityNotice.user_id == sara.id).values(read_at=db.utcnow()))
    for name, years in (("Alma", 4), ("Noah", 9), ("Freja", 13)):
        services.add_child(nielsen, name, _years_ago(years, 3), actor=mette)
    services.assign_consultant(nielsen, mette, AssignmentRole.PRIMARY, actor=admin)
    services.assign_consultant(nielsen, ali, AssignmentRole.CO_CONSULTANT, actor=admin)
    services.change_phase(nielsen, Phase.DEVELOPMENT, actor=mette)
    _demo_plan(nielsen, mette, sara)
    map_people = _demo_network(nielsen, mette, sara)
    _demo_meetings(nielsen, mette, sara, map_people)
    _demo_scales(nielsen, mette, sara, jonas)
    _demo_consent(nielsen, mette, sara)
    # The year wheel from the suggested plan: follow-ups by the cadence, network meetings twice a year.
    # Suggestion titles are translated: give them a (Danish) request context, as the CLI has none.
    with current_app.test_request_context(headers={"Accept-Language": "da"}):
        yearwheel_services.accept_suggestions(nielsen, db.utcnow().astimezone(LOCAL).date(), actor=mette)

    # A family nobody has met for too long: the caseload marks its follow-up as overdue.
    larsen = services.create_family(
        f"Familien Larsen {DEMO_MARK}", CaseType.INVESTIGATION, _years_ago(0, 4), actor=admin
    )
    services.add_adult(larsen, "Peter Larsen", "far", actor=mette, custody=True)
    services.add_child(larsen, "Emil", _years_ago(11, 2), actor=mette)
    services.assign_consultant(larsen, mette, AssignmentRole.PRIMARY, actor=admin)

    berg = services.create_family(f"Familien Berg {DEMO_MARK}", CaseType.SUPPORT, _years_ago(0, 5), actor=admin)
    services.add_adult(berg, "Maria Berg", "mor", actor=ali, custody=True)
    services.add_child(berg, "Oliver", _years_ago(7, 1), actor=ali)
    services.assign_consultant(berg, ali, AssignmentRole.PRIMARY, actor=admin)


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
        version=0,  # the plan is still blank
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


def _person(name, relation, ring, sector, **extra) -> dict:
    return {"name": name, "relation": relation, "ring": ring, "sector": sector, "helps_with": "", "phone": "", **extra}


#: Nielsen's map two months ago: (kind, data). Bente was further away then, and Hanne and Louise were not there.
_MAP_BEFORE = [
    (
        PersonKind.PRIVATE,
        _person(
            "Bente",
            "mormor",
            Ring.MIDDLE,
            Sector.FAMILY,
            helps_with="Henter Alma om torsdagen",
            phone="20 11 22 33",
            co_consultant_may_see=True,
        ),
    ),
    (PersonKind.PRIVATE, _person("Erik", "morfar", Ring.MIDDLE, Sector.FAMILY, co_consultant_may_see=True)),
    (PersonKind.PRIVATE, _person("Kim", "Jonas' bror", Ring.FAR, Sector.FAMILY)),
    (PersonKind.PRIVATE, _person("Bo", "Noahs fodboldtræner", Ring.MIDDLE, Sector.LEISURE, co_consultant_may_see=True)),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Lise Holm",
            "Noahs lærer",
            Ring.MIDDLE,
            Sector.SCHOOL,
            organisation="Vestre Skole",
            helps_with="Noahs hverdag i 3.b",
            phone="99 17 40 00",
            decides=False,
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Pia Madsen",
            "pædagog",
            Ring.MIDDLE,
            Sector.SCHOOL,
            organisation="Børnehuset Mælkebøtten",
            helps_with="Almas dag i børnehaven",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Karsten Berg",
            "sagsbehandler",
            Ring.MIDDLE,
            Sector.AUTHORITIES,
            organisation="Børn og Familie",
            decides=True,
            phone="99 17 12 34",
            helps_with="Træffer afgørelse om jeres støtte",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Jens Nygaard",
            "jobkonsulent",
            Ring.FAR,
            Sector.AUTHORITIES,
            organisation="Jobcentret",
            decides=True,
            helps_with="Saras ydelse og jobsøgning",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Anne Vestergaard",
            "psykolog",
            Ring.FAR,
            Sector.SCHOOL,
            organisation="PPR",
            helps_with="Vurderer, hvad Noah har brug for i skolen",
        ),
    ),
    (
        PersonKind.PROFESSIONAL,
        _person(
            "Susanne Lund", "egen læge", Ring.FAR, Sector.HEALTH, organisation="Lægehuset Torvet", phone="97 92 00 00"
        ),
    ),
]


def _demo_network(family: Family, consultant: User, parent: User) -> dict[str, NetworkPerson]:
    """Nielsen's network map with two months of history, the family tree and the cases at the authorities.

    :return: the map's people by name (the meetings pick participants from them).
    """
    made: dict[str, NetworkPerson] = {}
    for kind, data in _MAP_BEFORE:
        actor = parent if kind is PersonKind.PRIVATE else consultant
        made[data["name"]] = network_services.add_person(family, kind, data, actor=actor, among=list(made.values()))
    # What the map looked like then is kept; the changes since are today's.
    two_months_ago = db.utcnow() - timedelta(days=61)
    stmt = select(NetworkRevision).where(NetworkRevision.family_id == family.id).order_by(NetworkRevision.at)
    for minutes, revision in enumerate(db.session.scalars(stmt)):
        revision.at = two_months_ago + timedelta(minutes=minutes)
    network_services.update_person(family, made["Bente"], {"ring": Ring.CLOSE}, actor=parent, among=[])
    for data in (
        _person("Hanne", "veninde", Ring.MIDDLE, Sector.FRIENDS, helps_with="Lytter, når det er svært"),
        _person("Louise", "Saras søster", Ring.CLOSE, Sector.FAMILY, co_consultant_may_see=True),
    ):
        made[data["name"]] = network_services.add_person(
            family, PersonKind.PRIVATE, data, actor=parent, among=list(made.values())
        )
    _demo_tree(family, parent, made)
    _demo_cases(family, consultant, made)
    return made


def _demo_tree(family: Family, parent: User, made: dict[str, NetworkPerson]) -> None:
    """Sara's parents and sister, Jonas' brother, and the three children of Sara and Jonas."""
    household = {p.name: p.id for p in db.session.scalars(select(Person).where(Person.family_id == family.id))}
    p = {name: f"p:{pid}" for name, pid in household.items()}
    n = {name: f"n:{person.id}" for name, person in made.items()}
    relations = [
        (RelationKind.PARENT, n["Bente"], p["Sara Nielsen"]),
        (RelationKind.PARENT, n["Erik"], p["Sara Nielsen"]),
        (RelationKind.PARTNER, n["Bente"], n["Erik"]),
        (RelationKind.SIBLING, n["Louise"], p["Sara Nielsen"]),
        (RelationKind.SIBLING, n["Kim"], p["Jonas Hansen"]),
    ]
    for child in ("Alma", "Noah", "Freja"):
        relations += [
            (RelationKind.PARENT, p["Sara Nielsen"], p[child]),
            (RelationKind.PARENT, p["Jonas Hansen"], p[child]),
        ]
    for kind, a, b in relations:
        network_services.add_relation(family, kind, a, b, actor=parent, visible=set(p.values()) | set(n.values()))


def _demo_cases(family: Family, consultant: User, made: dict[str, NetworkPerson]) -> None:
    """The family's cases at the jobcentre, the school, PPR and Børn og Familie."""
    cases = [
        (
            "Børn og Familie",
            "Jeres støtte fra en familiekonsulent",
            "Karsten Berg",
            "Karsten Berg, sagsbehandler",
            "Opfølgning hver 6. uge. Næste gang på skolen om fem dage.",
        ),
        (
            "Jobcentret",
            "Sara søger et fritidsjob og får hjælp til ansøgninger",
            "Jens Nygaard",
            "Jens Nygaard, jobkonsulent",
            "Samtale på jobcentret i næste uge.",
        ),
        ("Vestre Skole", "Noahs trivsel i frikvartererne", "Lise Holm", "Skolens leder", "Møde på skolen om fem dage."),
        (
            "PPR",
            "Hvad Noah har brug for i skolen",
            "Anne Vestergaard",
            "PPR sammen med skolen",
            "Anne ser Noah i klassen i december.",
        ),
    ]
    for authority, about, contact, decided_by, next_step in cases:
        data = {
            "authority": authority,
            "about": about,
            "contact_id": made[contact].id,
            "decided_by": decided_by,
            "next_step": next_step,
        }
        network_services.add_case(family, data, actor=consultant)


def _demo_meetings(family: Family, consultant: User, parent: User, map_people: dict) -> None:
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
        version=held.version,
    )
    school = meeting_services.participant_from_map(map_people["Lise Holm"])
    caseworker = meeting_services.participant_from_map(map_people["Karsten Berg"])
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


def _demo_consent(family: Family, consultant: User, parent: User) -> None:
    """Mette asks to share the plan with Noah's teacher (Sara has not answered yet); the meetings were shared with
    the caseworker for a while, until Sara withdrew that consent last week."""
    templates = {t.key: t for t in db.session.scalars(select(ConsentTemplate).where(ConsentTemplate.active))}
    people = {p.name: p for p in db.session.scalars(select(NetworkPerson).where(NetworkPerson.family_id == family.id))}
    note = "Skolen vil gerne vide, hvad I arbejder med, så de kan hjælpe Noah i frikvartererne."
    consent_services.create_request(family, templates["share-plan"], people["Lise Holm"], actor=consultant, note=note)
    shared = consent_services.create_request(
        family, templates["share-meetings"], people["Karsten Berg"], actor=consultant
    )
    now = db.utcnow()
    consent_services.give(family, shared, parent, language="da", now=now - timedelta(days=40), confirmed_by="passkey")
    consent_services.withdraw(
        family, shared, parent, language="da", now=now - timedelta(days=6), confirmed_by="passkey"
    )


def demo_partner_link() -> tuple[str, str] | None:
    """A fresh link for Noah's teacher (earlier demo links stop): it shows the plan once Sara consents.

    :return: (who, address), or None without the demo.
    """
    family = db.session.scalar(select(Family).where(Family.name == f"Familien Nielsen {DEMO_MARK}"))
    if family is None:
        return None
    teacher = db.session.scalar(
        select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.name == "Lise Holm")
    )
    mette = db.session.scalar(select(User).where(User.name == "Mette Sørensen"))
    now = db.utcnow()
    for link in db.session.scalars(select(PartnerLink).where(PartnerLink.recipient_id == teacher.id)):
        gate.revoke_link(family, link, actor=mette, now=now)
    _link, token = consent_services.create_link(family, teacher, actor=mette, now=now)
    return f"{teacher.name} ({teacher.organisation})", consent_services.partner_url(token)


def _top_up() -> None:
    """A demo made by an older release gets the demo data of the features added since, once."""
    nielsen = db.session.scalar(select(Family).where(Family.name == f"Familien Nielsen {DEMO_MARK}"))
    if nielsen is None:
        return
    if db.session.scalar(select(NetworkPerson.id).where(NetworkPerson.family_id == nielsen.id).limit(1)) is None:
        users = {u.name: u for u in db.session.scalars(select(User).where(User.name.in_(DEMO_USERS)))}
        _demo_network(nielsen, users["Mette Sørensen"], users["Sara Nielsen"])
        db.session.flush()
    if db.session.scalar(select(ConsentRequest.id).where(ConsentRequest.family_id == nielsen.id).limit(1)) is None:
        users = {u.name: u for u in db.session.scalars(select(User).where(User.name.in_(DEMO_USERS)))}
        _demo_consent(nielsen, users["Mette Sørensen"], users["Sara Nielsen"])
        db.session.flush()


def _demo_answer(family, user, key_start: str, values, *, sent_at: datetime, discussed_by=None, note=""):
    """A sent answer in the user's window whose key starts with ``key_start``, sent at ``sent_at``."""
    windows = scale_queries.windows_for(family, user, db.utcnow())
    window, row = next((w, r) for w, r in windows if w.key.startswith(key_start))
    definition = scale_queries.parsed(row)
    response = scale_services.open_response(family, user, window, row, now=sent_at)
    answers = dict(zip([i.key for i in definition.items], values, strict=True))
    scale_services.submit(family, response, definition, answers, actor=user, now=sent_at)
    if discussed_by is not None:
        scale_services.mark_discussed(family, response, note, actor=discussed_by, now=sent_at + timedelta(hours=2))


def _demo_scales(family: Family, consultant: User, sara: User, jonas: User) -> None:
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
            "starts_at": _at(days, hour),
            "ends_at": _at(days, hour + 1),
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
            _demo_answer(
                family,
                user,
                f"wellbeing.m.{held.id}",
                wellbeing,
                sent_at=held.starts_at - timedelta(hours=20),
                discussed_by=reviewer,
                note=note,
            )
            _demo_answer(
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
    _demo_answer(family, sara, "progression.c.0", (4, 3, 6, 3, 6, 5, 4, 7), sent_at=sent, discussed_by=consultant)
    noah = db.session.scalar(select(Person.id).where(Person.family_id == family.id, Person.name == "Noah"))
    _demo_answer(family, sara, f"functioning.c.0.{noah}", (3, 2, 2, 3, 4, 3, 3), sent_at=sent, discussed_by=consultant)
    _demo_answer(family, consultant, f"functioning.c.0.{noah}", (3, 2, 3, 3, 4, 4, 3), sent_at=sent)


DEMO_USERS = ("Lene Holm", "Per Holt", "Mette Sørensen", "Ali Khan", "Sara Nielsen", "Jonas Hansen", "Maria Berg")


def load_demo() -> list[tuple[str, str, str, str]]:
    """Create the demo data if missing; issue activations for demo users without a passkey.

    :return: rows of (name, role, activation link or sign-in hint, code).
    """
    exists = db.session.scalar(select(Family.id).where(Family.name.endswith(DEMO_MARK)).limit(1))
    if exists is None:
        _create()
        db.session.flush()
    else:
        _top_up()
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
