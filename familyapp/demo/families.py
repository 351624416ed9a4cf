"""The demo's users and families, and loading it: created once, topped up with the parts added by later
releases, fresh activation links on every run."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, update

from .. import db, tenancy
from ..auth.models import Passkey, Role, SecurityNotice, User
from ..auth.services import activation_display, create_user, issue_activation
from ..families import services
from ..families.models import AssignmentRole, CaseType, Family, Phase
from ..gate.models import ConsentRequest
from ..network.models import NetworkPerson
from ..yearwheel import services as yearwheel_services
from . import consent, meetings, network, plan, scales
from .common import DEMO_MARK, DEMO_USERS, FIRST, LOCAL, SECOND, SECOND_USERS, years_ago


def _create() -> None:
    """The users and the three families; Familien Nielsen gets every part of the demo."""
    admin = create_user(Role.ADMIN, "Per Holt", actor=None, phone="+45 21 00 00 09")
    create_user(Role.LEADER, "Lene Holm", actor=None, phone="+45 21 00 00 01")
    mette = create_user(Role.CONSULTANT, "Mette Sørensen", actor=None, phone="+45 21 00 00 02")
    ali = create_user(Role.CONSULTANT, "Ali Khan", actor=None, phone="+45 21 00 00 03")
    mette.reachable = "man-tor kl. 9-15, fre kl. 9-12"
    ali.reachable = "man-fre kl. 8.30-14"

    nielsen = services.create_family(
        f"Familien Nielsen {DEMO_MARK}", CaseType.INVESTIGATION, years_ago(0, 2), actor=admin
    )
    sara = services.add_adult(nielsen, "Sara Nielsen", "mor", actor=mette, custody=True)
    jonas = services.add_adult(nielsen, "Jonas Hansen", "far", actor=mette, custody=True)
    # Sara hears of a new adult with custody; in the demo both were there from the start, so she has read it.
    db.session.execute(update(SecurityNotice).where(SecurityNotice.user_id == sara.id).values(read_at=db.utcnow()))
    for name, years in (("Alma", 4), ("Noah", 9), ("Freja", 13)):
        services.add_child(nielsen, name, years_ago(years, 3), actor=mette)
    services.assign_consultant(nielsen, mette, AssignmentRole.PRIMARY, actor=admin)
    services.assign_consultant(nielsen, ali, AssignmentRole.CO_CONSULTANT, actor=admin)
    services.change_phase(nielsen, Phase.DEVELOPMENT, actor=mette)
    plan.add_plan(nielsen, mette, sara)
    map_people = network.add_network(nielsen, mette, sara)
    meetings.add_meetings(nielsen, mette, sara, map_people)
    scales.add_scales(nielsen, mette, sara, jonas)
    consent.add_consent(nielsen, mette, sara)
    # The year wheel from the suggested plan: follow-ups by the cadence, network meetings twice a year.
    # Suggestion titles are translated: give them a (Danish) request context, as the CLI has none.
    with current_app.test_request_context(headers={"Accept-Language": "da"}):
        yearwheel_services.accept_suggestions(nielsen, db.utcnow().astimezone(LOCAL).date(), actor=mette)

    # A family nobody has met for too long: the caseload marks its follow-up as overdue.
    larsen = services.create_family(
        f"Familien Larsen {DEMO_MARK}", CaseType.INVESTIGATION, years_ago(0, 4), actor=admin
    )
    services.add_adult(larsen, "Peter Larsen", "far", actor=mette, custody=True)
    services.add_child(larsen, "Emil", years_ago(11, 2), actor=mette)
    services.assign_consultant(larsen, mette, AssignmentRole.PRIMARY, actor=admin)

    berg = services.create_family(f"Familien Berg {DEMO_MARK}", CaseType.SUPPORT, years_ago(0, 5), actor=admin)
    services.add_adult(berg, "Maria Berg", "mor", actor=ali, custody=True)
    services.add_child(berg, "Oliver", years_ago(7, 1), actor=ali)
    services.assign_consultant(berg, ali, AssignmentRole.PRIMARY, actor=admin)


def _top_up() -> None:
    """A demo made by an older release gets the demo data of the features added since, once."""
    nielsen = db.session.scalar(select(Family).where(Family.name == f"Familien Nielsen {DEMO_MARK}"))
    if nielsen is None:
        return
    if db.session.scalar(select(NetworkPerson.id).where(NetworkPerson.family_id == nielsen.id).limit(1)) is None:
        users = {u.name: u for u in db.session.scalars(select(User).where(User.name.in_(DEMO_USERS)))}
        network.add_network(nielsen, users["Mette Sørensen"], users["Sara Nielsen"])
        db.session.flush()
    if db.session.scalar(select(ConsentRequest.id).where(ConsentRequest.family_id == nielsen.id).limit(1)) is None:
        users = {u.name: u for u in db.session.scalars(select(User).where(User.name.in_(DEMO_USERS)))}
        consent.add_consent(nielsen, users["Mette Sørensen"], users["Sara Nielsen"])
        db.session.flush()


def _create_second() -> None:
    """The second municipality: its own admin, a consultant and one family, never seen from the first."""
    admin = create_user(Role.ADMIN, "Tove Thomsen", actor=None, phone="+45 99 17 00 01")
    jens = create_user(Role.CONSULTANT, "Jens Mikkelsen", actor=None, phone="+45 99 17 00 02")
    jens.reachable = "man-fre kl. 8-15"
    family = services.create_family(f"Familien Kristensen {DEMO_MARK}", CaseType.SUPPORT, years_ago(0, 3), actor=admin)
    services.add_adult(family, "Hanne Kristensen", "mor", actor=jens, custody=True)
    services.add_child(family, "Ida", years_ago(6, 4), actor=jens)
    services.assign_consultant(family, jens, AssignmentRole.PRIMARY, actor=admin)


def _municipality(code: str, name: str, phone: str) -> tenancy.Municipality:
    """The demo's municipality; a database upgraded from before municipalities has one, which becomes the first."""
    found = {m.code: m for m in tenancy.municipalities()}
    municipality = found.get(code)
    if municipality is None and code == FIRST[0] and "kommune" in found:
        municipality = found["kommune"]
        municipality.code, municipality.name = code, name
    if municipality is None:
        municipality = tenancy.add_municipality(code, name, phone)
    return municipality


def load_demo() -> list[tuple[str, str, str, str, str]]:
    """Create the demo data if missing, in its two municipalities; issue activations for demo users without a
    passkey.

    :return: rows of (municipality, name, role, activation link or sign-in hint, code).
    """
    rows = []
    for (code, name, phone), create, top_up, names in (
        (FIRST, _create, _top_up, DEMO_USERS),
        (SECOND, _create_second, lambda: None, SECOND_USERS),
    ):
        municipality = _municipality(code, name, phone)
        db.session.flush()
        with tenancy.entered(municipality.id):
            # Asked of this municipality only (on SQLite nothing else would keep them apart).
            here = tenancy.here(Family.municipality_id)
            exists = db.session.scalar(select(Family.id).where(Family.name.endswith(DEMO_MARK), here).limit(1))
            if exists is None:
                create()
                db.session.flush()
            else:
                top_up()
            rows += [(municipality.name, *row) for row in _activations(names)]
            db.session.commit()
    return rows


def _activations(names: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """Fresh activations for the demo users of the current municipality who have no passkey yet."""
    users = list(db.session.scalars(select(User).where(User.name.in_(names), tenancy.here(User.municipality_id))))
    users.sort(key=lambda u: names.index(u.name))
    rows = []
    for user in users:
        if db.session.scalar(select(func.count()).where(Passkey.user_id == user.id)):
            rows.append((user.name, user.role.value, "has a passkey: sign in at /auth/login", "-"))
            continue
        _a, token, code = issue_activation(user, actor=None)
        shown = activation_display(token, code)
        rows.append((user.name, user.role.value, shown["url"], shown["code"]))
    return rows
