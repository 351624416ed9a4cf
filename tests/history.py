"""A family's history, built through the app's own services, and what a page costs as that history grows.

``grow(world, months)`` gives family A what a real case collects: a meeting every two weeks (the consultant's
referat after it, the parent's wellbeing answer before it and collaboration answer after it), a plan step ticked
off and back, a person added to the network map and removed again, a consent withdrawn and given again, and the
consultant's audited visits, every month. Used by the page-cost tests and by ``bench/``; the budget it checks is
DESIGN.md section 8: a constant number of statements per page, and rows bounded by what the page shows.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import event, func, select

from familyapp import db
from familyapp.meetings import services as meeting_services
from tests import factories
from tests.dbutil import TENANCY_STATEMENTS

#: Statements that run the transaction rather than read or write data (not counted).
_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
#: Months of history the page costs are measured at: fresh, one year, two years.
MONTHS = (0, 12, 24)

#: Days between the family's meetings in the history.
EVERY = 14


def _monthly(world, month: int) -> None:
    """What changes once a month: the plan, the network map, a consent, the consultant's visits."""
    from familyapp.consent import services as consent_services
    from familyapp.gate.models import ConsentRequest
    from familyapp.network import services as network_services
    from familyapp.network.models import PersonKind
    from familyapp.plans import services as plan_services
    from familyapp.plans.models import GoalStep

    family, parent, consultant = world.family_a, world.parent_a, world.consultant_a
    step = db.session.scalar(select(GoalStep).where(GoalStep.family_id == family.id).limit(1))
    plan_services.set_step_done(family, step, month % 2 == 0, actor=parent)
    person = network_services.add_person(
        family, PersonKind.PRIVATE, factories.person_data(f"Ven {month}", "ven"), actor=parent, among=[]
    )
    # Gone again by the next visit: the map keeps its versions, while the people on it today stay the same.
    network_services.remove_person(family, person, actor=consultant)
    request = db.session.scalar(select(ConsentRequest).where(ConsentRequest.family_id == family.id).limit(1))
    now = db.utcnow()
    consent_services.withdraw(family, request, parent, language="da", now=now, confirmed_by="passkey")
    # A moment later: records at the same instant have no order (PostgreSQL may then read the withdrawal as the
    # latest, and next month's withdrawal would find nothing to withdraw).
    later = now + timedelta(microseconds=1)
    consent_services.give(family, request, parent, language="da", now=later, confirmed_by="passkey")
    for _ in range(4):
        from familyapp.audit import record_event

        record_event(consultant, "family.viewed", family=family, data={"page": "home"})


def grow(world, months: int, before: int = 0) -> None:
    """Give family A ``months`` months of history that ended ``before`` months ago (meetings every two weeks, with
    answers and referats; monthly changes to the plan, the map and a consent)."""
    family, parent, consultant = world.family_a, world.parent_a, world.consultant_a
    noon = db.utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
    for days in range((before + months) * 30, before * 30 + EVERY - 1, -EVERY):
        meeting = factories.make_meeting(family, parent, consultant, starts_at=noon - timedelta(days=days))
        factories.make_answer(family, parent, meeting, (5, 6, 5, 6))
        factories.make_answer(family, parent, meeting, (9, 9, 8, 9), purpose="alliance")
        meeting_services.save_referat(
            family,
            meeting,
            {"minutes": "Vi talte om morgenerne.", "decisions": "Vækkeur.", "next_step": "Nyt møde."},
            actor=consultant,
            version=meeting.version,
        )
    for month in range(before, before + months):
        _monthly(world, month)
    db.session.commit()


@dataclass
class Cost:
    """What one request cost the database: its statements, and the rows its SELECTs returned."""

    statements: list[str] = field(default_factory=list)
    rows: int = 0

    def __len__(self) -> int:
        return len(self.statements)


@contextlib.contextmanager
def cost(engine):
    """Count the statements run inside the block and the rows their SELECTs return.

    Rows are counted by running each SELECT again, wrapped in ``count(*)``, on the same connection after it ran:
    the number of rows the page asked the database for, whether or not it read them all.
    """
    seen = Cost()
    counting = []

    def _before(conn, _cursor, statement, parameters, _context, _many):
        if counting:
            return
        if _CONTROL.match(statement) or statement.startswith(TENANCY_STATEMENTS):
            # BEGIN, SAVEPOINT, COMMIT and (on PostgreSQL) the transaction's municipality: how a transaction runs,
            # not what the page reads (tests/test_tenancy.py counts the municipality's statements)
            return
        seen.statements.append(statement)
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            counting.append(True)
            try:
                raw = conn.connection.dbapi_connection.cursor()
                raw.execute(f"SELECT count(*) FROM ({statement}) AS counted", parameters)
                seen.rows += raw.fetchone()[0]
                raw.close()
            finally:
                counting.clear()

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _before)


def costs_as_history_grows(app, client, world, user, url) -> list[Cost]:
    """What a GET of ``url`` costs with a fresh family A, with one year and with two years of history.

    :param user: who is signed in (the world's user; None for nobody).
    :param url: the address, or a function of nothing that gives it (called after each growth, e.g. to find the
        latest meeting).
    :return: one Cost per entry of MONTHS; each measured on a repeat visit (the first one warms up the session).
    """
    engine = app.extensions["db_engine"]
    if user is not None:
        factories.sign_in(client, user)
    measured, done = [], 0
    for months in MONTHS:
        if months > done:
            with app.app_context():
                grow(world, months - done, before=done)
            done = months
        address = url() if callable(url) else url
        assert client.get(address).status_code == 200, address
        with cost(engine) as seen:
            response = client.get(address)
        assert response.status_code == 200, address
        measured.append(seen)
    return measured


def people_on_map(family) -> int:
    """How many people are on the family's network map today (pages that list them grow with them, not with the
    history)."""
    from familyapp.network.models import NetworkPerson

    stmt = select(func.count()).where(NetworkPerson.family_id == family.id, NetworkPerson.removed_at.is_(None))
    return db.session.scalar(stmt)
