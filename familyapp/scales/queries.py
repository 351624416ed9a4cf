"""Read-only queries for the scales: which definitions are in use, which windows a person has, their answers,
and what waits for review. Other features (the home screen, the caseload) read these.

A family member sees only their own answers; the family's consultants see everyone's (reviewing is the point).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import cache

from flask import g
from sqlalchemy import Select, String, and_, bindparam, case, cast, func, or_, select
from sqlalchemy.orm import defer

from .. import db
from ..auth.models import Role, User
from ..families import queries as family_queries
from ..families.models import Family, PersonKind
from ..meetings import queries as meeting_queries
from ..meetings.models import Meeting
from . import answer_pages, definitions, schedule
from .models import ScaleDefinition, ScaleResponse, ScaleSetting

#: An adult without a birth date is taken to be this old when a scale is chosen by age.
ADULT_AGE = 30
#: A window that closed this recently is still offered, and the answer is marked late.
LATE_GRACE = timedelta(days=14)


#: Parsed definitions by id, kept for the life of the process: a stored version never changes (a new wording or
#: threshold is a new row), so it is read and decoded once, not on every page. As small as the versions loaded.
_PARSED: dict[uuid.UUID, definitions.Definition] = {}


def _remember(ids) -> None:
    """Parse the definitions among ``ids`` that the process has not seen yet (one query, only when there are)."""
    missing = set(ids) - _PARSED.keys()
    if missing:
        stmt = select(ScaleDefinition.id, ScaleDefinition.data).where(ScaleDefinition.id.in_(missing))
        for id_, data in db.session.execute(stmt):
            _PARSED[id_] = definitions.build(data)


def active_definitions() -> list[ScaleDefinition]:
    """The definitions in use, newest first (one query per request; their texts come from the process's cache)."""
    if "scale_definitions" not in g:
        g.scale_definitions = list(db.session.scalars(_ACTIVE))
    return g.scale_definitions


#: ``active_definitions``' statement, built once (nearly every family screen asks it).
_ACTIVE = (
    select(ScaleDefinition)
    .options(defer(ScaleDefinition.data))
    .where(ScaleDefinition.active.is_(True))
    .order_by(ScaleDefinition.loaded_at.desc())
)


def parsed(row: ScaleDefinition) -> definitions.Definition:
    """The definition behind a row, parsed once per process."""
    if row.id not in _PARSED:
        if "data" in row.__dict__:  # loaded with the row already
            _PARSED[row.id] = definitions.build(row.data)
        else:
            _remember({row.id})
    return _PARSED[row.id]


def parsed_by_id(ids: set[uuid.UUID]) -> dict[uuid.UUID, definitions.Definition]:
    """Parsed definitions by id, used or not (an old answer keeps its own version): no query once the process
    has read them."""
    _remember(ids)
    return {id_: _PARSED[id_] for id_ in ids}


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


def _my_meetings(family: Family, user: User, *conditions, answer_key: str | None = None) -> Select:
    """The person's meetings that meet ``conditions`` (``meetings.queries.query_taking_part``).

    :param answer_key: also the person's answer row in the window with this key, if they have one (outer join).
    """
    stmt = meeting_queries.query_taking_part(family, user, *conditions)
    if answer_key is not None:
        kept = and_(
            ScaleResponse.meeting_id == Meeting.id,
            ScaleResponse.user_id == user.id,
            ScaleResponse.window_key == answer_key,
        )
        stmt = stmt.add_columns(ScaleResponse).outerjoin(ScaleResponse, kept)
    return stmt


def _meeting_windows(age: int | None, meetings) -> list[tuple]:
    """Before and after each of the person's meetings that ``meetings`` reads.

    :param meetings: a function of the rules of the scales in use before and after meetings (purpose -> rules)
        that reads the meetings (rows with id, starts_at and ends_at), or None for no meetings.
    """
    rows = {purpose: pick(purpose, "self", age) for purpose in ("wellbeing", "alliance")}
    rules = {purpose: parsed(row).schedule for purpose, row in rows.items() if row is not None}
    if not rules or meetings is None:
        return []
    theirs = meetings(rules)
    found = []
    for purpose, make in (("wellbeing", _before), ("alliance", _after)):
        if purpose in rules:
            found += [(make(purpose, meeting, rules[purpose]), rows[purpose]) for meeting in theirs]
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


def _windows(family: Family, user: User, now: datetime, meetings) -> list[tuple[schedule.Window, ScaleDefinition]]:
    """The person's windows: around the meetings that ``meetings`` reads (see ``_meeting_windows``), and the
    cadence windows of now. One query for the people (none when the page has them), and what ``meetings`` asks."""
    today = db.local_date(now)
    people = family_queries.people(family)
    children = [p for p, _u, _m in people if p.kind is PersonKind.CHILD and p.id != user.person_id]
    found: list[tuple] = []
    if user.role in (Role.PARENT, Role.YOUNG_PERSON):
        me = next((p for p, _u, _m in people if p.id == user.person_id), None)
        age = me.age_on(today) if me else None
        found += _meeting_windows(age, meetings)
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


def windows_for(family: Family, user: User, now: datetime) -> list[tuple[schedule.Window, ScaleDefinition]]:
    """Every window the user has in the family, around all their meetings ever (for building answers in tests and
    the demo; pages ask ``to_fill`` or ``window_of``, which read only the meetings they need), with the
    definition to fill in it.

    Parents: wellbeing before and alliance after their meetings, the progression wheel, and functioning for each
    child; a young person: their own wellbeing, alliance and functioning; the consultant: a professional's
    functioning rating for each child. Children's ages choose the version (child 6-12, adult 13+).
    """
    return _windows(family, user, now, lambda _rules: db.session.execute(_my_meetings(family, user)).all())


def window_of(family: Family, user: User, key: str, now: datetime) -> tuple | None:
    """One of the person's windows by its key, with the definition and their answer row in it (a draft, or one
    sent or declined; None if they have none yet); None for another person's window or a made-up key. A meeting's
    window reads only that meeting (with the answer row, in one query), a cadence window no meeting: a few
    queries, whatever the family's history.

    :return: (window, definition row, response or None), or None.
    """
    _purpose, _dot, rest = key.partition(".")
    kind, _dot, ident = rest.partition(".")
    meeting_id = None
    if kind == "m":
        try:
            meeting_id = uuid.UUID(ident)
        except ValueError:
            return None
    kept: list[ScaleResponse] = []

    def that_meeting(_rules):
        stmt = _my_meetings(family, user, Meeting.id == meeting_id, answer_key=key)
        rows = db.session.execute(stmt).all()
        kept.extend(row.ScaleResponse for row in rows if row.ScaleResponse is not None)
        return rows

    found = _windows(family, user, now, that_meeting if meeting_id else None)
    window, row = next(((w, r) for w, r in found if w.key == key), (None, None))
    if window is None:
        return None
    return window, row, kept[0] if kept else (None if meeting_id else find_response(family, user, key))


#: A day of margin around the windows' reach: a wall-clock day or "48 hours" is 23 to 25 real hours.
_MARGIN = timedelta(days=1)


def _around(family: Family, user: User, now: datetime, late: bool):
    """The person's meetings whose windows are open at ``now`` (or, with ``late``, closed less than LATE_GRACE
    ago): a window before a meeting opens some hours before it starts and closes when it starts, one after a
    meeting opens when it ends and closes some days later. A few meetings, however long the family's history."""
    grace = LATE_GRACE if late else timedelta(0)

    def near(rules):
        before, after = rules.get("wellbeing"), rules.get("alliance")
        values = {"family": family.id, "viewer": user.id, "person": user.person_id}
        if before is not None:
            hours = timedelta(hours=before.get("hours_before", 48))
            values |= {"starts_after": now - grace, "starts_until": now + hours + _MARGIN}
        if after is not None:
            days = timedelta(days=after.get("days_after", 7))
            values |= {"ends_after": now - days - grace - _MARGIN, "ends_until": now}
        return db.session.execute(_near(before is not None, after is not None), values).all()

    return near


@cache
def _near(before: bool, after: bool) -> Select:
    """``_around``'s statement for the scales in use (before meetings, after them or both), built once a process
    (the home screen asks it on every visit)."""
    reach = []
    if before:
        reach.append(
            and_(Meeting.starts_at > bindparam("starts_after"), Meeting.starts_at <= bindparam("starts_until"))
        )
    if after:
        reach.append(and_(Meeting.ends_at > bindparam("ends_after"), Meeting.ends_at <= bindparam("ends_until")))
    viewer = db.stand_in(id="viewer", person_id="person")
    return _my_meetings(db.stand_in(id="family"), viewer, or_(*reach))


def find_response(family: Family, user: User, window_key: str) -> ScaleResponse | None:
    """The person's answer row in a window, if they have kept a draft, answered or declined there (one query)."""
    stmt = select(ScaleResponse).where(
        ScaleResponse.family_id == family.id, ScaleResponse.user_id == user.id, ScaleResponse.window_key == window_key
    )
    return db.session.scalar(stmt)


def earlier_window(family: Family, user: User, key: str, now: datetime) -> tuple | None:
    """A window of the person's that has given way to the next one (an answer filled offline and sent much
    later): rebuilt from their answer row if a draft was kept, else from the key of an earlier cadence period.

    :return: (window, definition row, response or None), as ``window_of``, or None.
    """
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
        return window, db.session.get(ScaleDefinition, response.definition_id), response
    purpose, _c, rest = key.partition(".c.")
    period, _dot, about = rest.partition(".")
    if not period.isdigit():
        return None
    for current, row in _windows(family, user, now, None):
        same = current.purpose == purpose and str(current.about_person_id or "") == about and ".c." in current.key
        if same and int(period) < int(current.key.split(".")[2]):
            rules = parsed(row).schedule
            earlier = schedule.period_window(
                purpose, family.start_date, rules["months"], rules["window_days"], int(period), current.about_person_id
            )
            return earlier, row, None
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


def to_fill(family: Family, user: User, now: datetime, late: bool = False) -> list[tuple]:
    """What the user can fill now: open windows not yet sent or declined, and (``late``) ones that closed lately.
    The home screen asks only about open ones; a late one waits on the scales page, never nagging. Reads only the
    meetings around now, so it costs the same whatever the family's history.

    :return: (window, definition row, response or None) in order of opening; two queries beyond the family's
        people and the definitions (the meetings around now, and the person's answers in their windows).
    """
    windows = _windows(family, user, now, _around(family, user, now, late))
    keys = [w.key for w, _d in windows]
    answers = {}
    if keys:
        values = {"family": family.id, "viewer": user.id, "keys": keys}
        answers = {r.window_key: r for r in db.session.scalars(_ANSWERS_IN, values)}
    result = []
    for window, row in windows:
        response = answers.get(window.key)
        if response is not None and (response.submitted_at or response.declined_at):
            continue
        if window.opens_at <= now < window.closes_at + (LATE_GRACE if late else timedelta(0)):
            result.append((window, row, response))
    return result


#: ``to_fill``'s answers of the person in their windows, built once.
_ANSWERS_IN = select(ScaleResponse).where(
    ScaleResponse.family_id == bindparam("family"),
    ScaleResponse.user_id == bindparam("viewer"),
    ScaleResponse.window_key.in_(bindparam("keys", expanding=True)),
)


def show_alliance(user: User) -> bool:
    """Whether the person has chosen to see their own answers about the collaboration."""
    return bool(db.session.scalar(select(ScaleSetting.show_alliance).where(ScaleSetting.user_id == user.id)))


def review_counts(family_id) -> tuple:
    """For the family of the enclosing statement (``family_id`` is its column): how many answers wait for review,
    and how many of them carry an alert, as ``waiting_review`` counts them; correlated subqueries for a caseload's
    rows."""
    waiting = select(func.count()).where(ScaleResponse.family_id == family_id, *answer_pages.waiting_for_review())
    # Alerts are a JSON list: none is NULL, JSON null or an empty list.
    flagged = cast(ScaleResponse.alerts, String).not_in(("[]", "null"))
    return waiting.scalar_subquery(), waiting.where(flagged).scalar_subquery()


def waiting_review(family_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """Per family: the answers the review queue lists, and how many of them carry an alert (one query, counted in
    SQL: a row per family, however many answers wait)."""
    if not family_ids:
        return {}
    # Alerts are kept as a JSON list: "[]" (or JSON null on older rows) is none. Compared as text on both databases.
    flagged = case((func.coalesce(cast(ScaleResponse.alerts, String), "null").in_(("[]", "null")), 0), else_=1)
    stmt = answer_pages.query_to_review(family_ids, ScaleResponse.family_id, func.count(), func.sum(flagged)).group_by(
        ScaleResponse.family_id
    )
    return {family_id: (waiting, int(alerts or 0)) for family_id, waiting, alerts in db.session.execute(stmt)}


def names_of(user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the people who answered (one query)."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
