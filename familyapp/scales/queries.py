"""Read-only queries for the scales: which definitions are in use, which windows a person has, their answers,
and what waits for review. Other features (the home screen, the caseload) read these.

A family member sees only their own answers; the family's consultants see everyone's (reviewing is the point).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask import g
from sqlalchemy import Select, String, cast, exists, func, select

from .. import db
from ..auth.models import Role, User
from ..families import queries as family_queries
from ..families.models import Family, PersonKind
from ..meetings import queries as meeting_queries
from . import definitions, schedule
from .models import ScaleDefinition, ScaleResponse, ScaleSetting

#: An adult without a birth date is taken to be this old when a scale is chosen by age.
ADULT_AGE = 30
#: A window that closed this recently is still offered, and the answer is marked late.
LATE_GRACE = timedelta(days=14)


def active_definitions() -> list[ScaleDefinition]:
    """The definitions in use, newest first (one query per request)."""
    if "scale_definitions" not in g:
        stmt = (
            select(ScaleDefinition).where(ScaleDefinition.active.is_(True)).order_by(ScaleDefinition.loaded_at.desc())
        )
        g.scale_definitions = list(db.session.scalars(stmt))
    return g.scale_definitions


def parsed(row: ScaleDefinition) -> definitions.Definition:
    """The definition behind a row, built once per request."""
    cache = g.setdefault("parsed_definitions", {})
    if row.id not in cache:
        cache[row.id] = definitions.build(row.data)
    return cache[row.id]


def pick(purpose: str, respondent: str, age: int | None) -> ScaleDefinition | None:
    """The definition in use for a purpose, a kind of respondent and an age (the person's, or the child's)."""
    if age is None and respondent == "self":
        age = ADULT_AGE
    for row in active_definitions():
        if (
            row.purpose == purpose
            and row.respondent == respondent
            and (age is None or row.min_age <= age <= row.max_age)
        ):
            return row
    return None


def _meeting_windows(family: Family, user: User, age: int | None, meetings) -> list[tuple]:
    """Before and after each meeting with the family that the person takes part in (and has not said they cannot
    come to)."""
    away = meeting_queries.not_coming(family, user)
    theirs = [
        m
        for m in meetings
        if not m.cancelled
        and m.type.with_family
        and m.id not in away
        and user.person_id in {p.person_id for p in m.participants}
    ]
    found = []
    for purpose, make in (("wellbeing", _before), ("alliance", _after)):
        row = pick(purpose, "self", age)
        if row is not None:
            rules = parsed(row).schedule
            found += [(make(purpose, meeting, rules), row) for meeting in theirs]
    return found


def _before(purpose, meeting, rules) -> schedule.Window:
    return schedule.before_meeting(purpose, meeting.id, meeting.starts_at, rules.get("hours_before", 48))


def _after(purpose, meeting, rules) -> schedule.Window:
    return schedule.after_meeting(purpose, meeting.id, meeting.ends_at, rules.get("days_after", 7))


def _cadence(purpose: str, respondent: str, age, family: Family, today, about=None) -> list[tuple]:
    row = pick(purpose, respondent, age)
    if row is None:
        return []
    rules = parsed(row).schedule
    window = schedule.every_months(purpose, family.start_date, rules["months"], rules["window_days"], today, about)
    return [(window, row)] if window else []


def windows_for(
    family: Family, user: User, now: datetime, meetings: list | None = None
) -> list[tuple[schedule.Window, ScaleDefinition]]:
    """Every window the user has in the family, with the definition to fill in it.

    Parents: wellbeing before and alliance after their meetings, the progression wheel, and functioning for each
    child; a young person: their own wellbeing, alliance and functioning; the consultant: a professional's
    functioning rating for each child. Children's ages choose the version (child 6-12, adult 13+).

    :param meetings: the family's meetings with participants, when the page has them already (else two queries).
    """
    today = db.local_date(now)
    people, _consultants = family_queries.household(family)
    children = [p for p, _u, _m in people if p.kind is PersonKind.CHILD and p.id != user.person_id]
    found: list[tuple] = []
    if user.role in (Role.PARENT, Role.YOUNG_PERSON):
        me = next((p for p, _u, _m in people if p.id == user.person_id), None)
        age = me.age_on(today) if me else None
        if meetings is None:
            meetings = meeting_queries.list_meetings(family)
        found += _meeting_windows(family, user, age, meetings)
        if user.role is Role.PARENT:
            found += _cadence("progression", "self", age, family, today)
            for child in children:
                found += _cadence("functioning", "parent", child.age_on(today), family, today, child.id)
        elif me is not None:
            # A young person's own rating sits beside the parents' ratings of them.
            found += _cadence("functioning", "self", age, family, today, me.id)
    elif user.role is Role.CONSULTANT:
        for child in children:
            found += _cadence("functioning", "professional", child.age_on(today), family, today, child.id)
    return sorted(found, key=lambda pair: pair[0].opens_at)


def find_response(family: Family, user: User, window_key: str) -> ScaleResponse | None:
    """The person's answer row in a window, if they have kept a draft, answered or declined there (one query)."""
    stmt = select(ScaleResponse).where(
        ScaleResponse.family_id == family.id, ScaleResponse.user_id == user.id, ScaleResponse.window_key == window_key
    )
    return db.session.scalar(stmt)


def earlier_window(
    family: Family, user: User, key: str, now: datetime
) -> tuple[schedule.Window, ScaleDefinition] | None:
    """A window of the person's that has given way to the next one (an answer filled offline and sent much
    later): rebuilt from their answer row if a draft was kept, else from the key of an earlier cadence period."""
    response = find_response(family, user, key)
    if response is not None:
        window = schedule.Window(
            key=response.window_key,
            purpose=response.purpose,
            opens_at=db.as_utc(response.opens_at),
            closes_at=db.as_utc(response.closes_at),
            meeting_id=response.meeting_id,
            about_person_id=response.about_person_id,
        )
        return window, db.session.get(ScaleDefinition, response.definition_id)
    purpose, _c, rest = key.partition(".c.")
    period, _dot, about = rest.partition(".")
    if not period.isdigit():
        return None
    for current, row in windows_for(family, user, now):
        same = current.purpose == purpose and str(current.about_person_id or "") == about and ".c." in current.key
        if same and int(period) < int(current.key.split(".")[2]):
            rules = parsed(row).schedule
            earlier = schedule.period_window(
                purpose, family.start_date, rules["months"], rules["window_days"], int(period), current.about_person_id
            )
            return earlier, row
    return None


def responses_of(family: Family, user: User | None = None) -> list[ScaleResponse]:
    """Answers in the family, oldest first: one person's (a family member sees only their own), or everyone's."""
    stmt = select(ScaleResponse).where(ScaleResponse.family_id == family.id).order_by(ScaleResponse.opens_at)
    if user is not None:
        stmt = stmt.where(ScaleResponse.user_id == user.id)
    return list(db.session.scalars(stmt))


def shared_totals(family: Family, parent_ids: set) -> list[ScaleResponse]:
    """The sent totals a partner's link may show: only of the parents who themselves consented (never the other
    parent's), and never their ratings of the work with the consultant. Oldest first, one query."""
    if not parent_ids:
        return []
    stmt = (
        select(ScaleResponse)
        .where(
            ScaleResponse.family_id == family.id,
            ScaleResponse.user_id.in_(parent_ids),
            ScaleResponse.submitted_at.is_not(None),
            ScaleResponse.total.is_not(None),
            ScaleResponse.purpose != "alliance",
        )
        .order_by(ScaleResponse.opens_at)
    )
    return list(db.session.scalars(stmt))


def definitions_by_id(ids: set[uuid.UUID]) -> dict[uuid.UUID, ScaleDefinition]:
    """Definitions by id, used or not (an old answer keeps its own version); one query."""
    if not ids:
        return {}
    return {d.id: d for d in db.session.scalars(select(ScaleDefinition).where(ScaleDefinition.id.in_(ids)))}


def to_fill(family: Family, user: User, now: datetime, meetings: list | None = None, late: bool = True) -> list[tuple]:
    """What the user can fill now: open windows not yet sent or declined, and (``late``) ones that closed lately.
    The home screen asks only about open ones; a late one waits on the scales page, never nagging.

    :return: (window, definition row, response or None) in order of opening; two queries beyond the windows.
    """
    windows = windows_for(family, user, now, meetings)
    keys = [w.key for w, _d in windows]
    answers = {}
    if keys:
        stmt = select(ScaleResponse).where(
            ScaleResponse.family_id == family.id, ScaleResponse.user_id == user.id, ScaleResponse.window_key.in_(keys)
        )
        answers = {r.window_key: r for r in db.session.scalars(stmt)}
    result = []
    for window, row in windows:
        response = answers.get(window.key)
        if response is not None and (response.submitted_at or response.declined_at):
            continue
        if window.opens_at <= now < window.closes_at + (LATE_GRACE if late else timedelta(0)):
            result.append((window, row, response))
    return result


def show_alliance(user: User) -> bool:
    """Whether the person has chosen to see their own answers about the collaboration."""
    return bool(db.session.scalar(select(ScaleSetting.show_alliance).where(ScaleSetting.user_id == user.id)))


def _to_review(family_ids: list[uuid.UUID], *columns) -> Select:
    """The one query of what waits for review, behind both the caseload's count and the review queue (so they can
    never differ): sent answers from the family not yet talked through. A professional's own rating is not
    reviewed."""
    return select(*columns).where(ScaleResponse.family_id.in_(family_ids), *_waiting_review())


def _waiting_review() -> tuple:
    """What makes an answer wait for review (see ``_to_review``)."""
    # Asked of the answer's own author (not "among every family member's login", which SQLite would try one login
    # at a time for every family of a caseload).
    by_family = exists().where(User.id == ScaleResponse.user_id, User.role.in_((Role.PARENT, Role.YOUNG_PERSON)))
    return ScaleResponse.submitted_at.is_not(None), ScaleResponse.discussed_at.is_(None), by_family


def review_counts(family_id) -> tuple:
    """For the family of the enclosing statement (``family_id`` is its column): how many answers wait for review,
    and how many of them carry an alert, as ``waiting_review`` counts them; correlated subqueries for a caseload's
    rows."""
    waiting = select(func.count()).where(ScaleResponse.family_id == family_id, *_waiting_review())
    # Alerts are a JSON list: none is NULL, JSON null or an empty list.
    flagged = cast(ScaleResponse.alerts, String).not_in(("[]", "null"))
    return waiting.scalar_subquery(), waiting.where(flagged).scalar_subquery()


def waiting_review(family_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """Per family: the answers the review queue lists, and how many of them carry an alert (one query)."""
    if not family_ids:
        return {}
    counts: dict = {}
    for family_id, alerts in db.session.execute(_to_review(family_ids, ScaleResponse.family_id, ScaleResponse.alerts)):
        waiting, flagged = counts.get(family_id, (0, 0))
        counts[family_id] = (waiting + 1, flagged + (1 if alerts else 0))
    return counts


def review_queue(family_ids: list[uuid.UUID]) -> list[ScaleResponse]:
    """Sent answers not yet discussed in these families, newest first (one query)."""
    if not family_ids:
        return []
    stmt = _to_review(family_ids, ScaleResponse).order_by(ScaleResponse.submitted_at.desc())
    return list(db.session.scalars(stmt))


def names_of(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the people who answered (one query)."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
