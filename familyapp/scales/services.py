"""Loading scale definitions, and a person's answers: shown, drafted, sent once, declined, discussed.

Services flush and audit; the view (or the CLI command) commits. Audit data holds the scale's purpose and the
alerts, never the answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import db
from ..audit import record_event
from ..families.models import Family
from . import definitions, scoring
from .definitions import DefinitionError
from .models import ScaleDefinition, ScaleResponse, ScaleSetting
from .schedule import Window


class AlreadySent(Exception):
    """The window already has a sent answer; the first one stands."""

    def __init__(self, response: ScaleResponse):
        super().__init__("already sent")
        self.response = response


def _overlapping(session: Session, row: ScaleDefinition) -> list[ScaleDefinition]:
    """Active definitions for the same purpose, respondent and (some of the same) ages."""
    stmt = select(ScaleDefinition).where(
        ScaleDefinition.active.is_(True),
        ScaleDefinition.purpose == row.purpose,
        ScaleDefinition.respondent == row.respondent,
        ScaleDefinition.min_age <= row.max_age,
        ScaleDefinition.max_age >= row.min_age,
        ScaleDefinition.id != row.id,
    )
    return list(session.scalars(stmt))


def store_definition(session: Session, data: dict, *, source: str, activate: bool) -> ScaleDefinition:
    """Validate a definition and keep it as a new version.

    :param session: the database session (the CLI and the migration step pass their own).
    :param data: the parsed file.
    :param source: "shipped" or "loaded".
    :param activate: put it in use, in place of the versions in use for the same purpose, respondent and ages.
    :return: the new row.
    :raises DefinitionError: when the file is wrong or this key and version are already loaded.
    """
    definition = definitions.validate(data)
    exists = session.scalar(
        select(ScaleDefinition.id).where(
            ScaleDefinition.key == definition.key, ScaleDefinition.version == definition.version
        )
    )
    if exists is not None:
        raise DefinitionError([f"{definition.key} version {definition.version} is already loaded: raise 'version'"])
    row = ScaleDefinition(
        key=definition.key,
        version=definition.version,
        purpose=definition.purpose,
        respondent=definition.respondent,
        min_age=definition.min_age,
        max_age=definition.max_age,
        data=data,
        source=source,
        active=False,
    )
    session.add(row)
    session.flush()
    if activate:
        store_activate(session, row)
    return row


def sync_shipped(session: Session) -> list[str]:
    """Keep the definitions that come with the app: new ones and new versions are stored, and put in use unless
    the municipality has put another in use for the same slot (or the older shipped version was in use).

    :return: "key vN" for each version stored.
    """
    stored = []
    for data in definitions.shipped():
        known = list(session.scalars(select(ScaleDefinition).where(ScaleDefinition.key == data.get("key"))))
        if any(row.version == data.get("version") for row in known):
            continue
        replaces_active = any(row.active for row in known)
        row = store_definition(session, data, source="shipped", activate=False)
        if replaces_active or not _overlapping(session, row):
            store_activate(session, row)
        stored.append(f"{row.key} v{row.version}")
    return stored


def store_activate(session: Session, row: ScaleDefinition) -> None:
    """Put a stored definition in use, in place of the overlapping ones."""
    for other in _overlapping(session, row):
        other.active = False
    row.active = True
    session.flush()


def open_response(family: Family, user, window: Window, row: ScaleDefinition, *, now: datetime) -> ScaleResponse:
    """The person's answer in a window, made the first time the form is shown (that time is kept).

    :return: the response (new or existing).
    """
    response = _own(user, window.key)
    if response is not None:
        return response
    response = ScaleResponse(
        family_id=family.id,
        definition_id=row.id,
        user_id=user.id,
        about_person_id=window.about_person_id,
        meeting_id=window.meeting_id,
        purpose=window.purpose,
        window_key=window.key,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        shown_at=now,
    )
    try:
        # Two tabs opening the same form at once: the second uses the first one's row.
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        return _own(user, window.key)
    record_event(user, "scale.shown", family=family, obj=response, data={"purpose": window.purpose})
    return response


def _own(user, window_key: str) -> ScaleResponse | None:
    stmt = select(ScaleResponse).where(ScaleResponse.user_id == user.id, ScaleResponse.window_key == window_key)
    return db.session.scalar(stmt)


def save_draft(response: ScaleResponse, pending: dict) -> None:
    """Keep what has been filled so far, so a person who leaves the page finds it again (not audited: nothing is
    sent until the person sends it)."""
    if response.submitted_at is None:
        response.pending = pending
        db.session.flush()


def _previous(response: ScaleResponse) -> ScaleResponse | None:
    """The same person's last sent answer for the same purpose (and child), before this one."""
    stmt = (
        select(ScaleResponse)
        .where(
            ScaleResponse.user_id == response.user_id,
            ScaleResponse.purpose == response.purpose,
            ScaleResponse.submitted_at.is_not(None),
            ScaleResponse.id != response.id,
            ScaleResponse.opens_at <= response.opens_at,
        )
        .order_by(ScaleResponse.opens_at.desc())
    )
    if response.about_person_id is not None:
        stmt = stmt.where(ScaleResponse.about_person_id == response.about_person_id)
    return db.session.scalars(stmt).first()


def submit(
    family: Family,
    response: ScaleResponse,
    definition: definitions.Definition,
    answers: dict,
    *,
    actor,
    now: datetime,
    client_id: str | None = None,
) -> ScaleResponse:
    """Send an answer. The first sent answer of a window stands: a second one raises AlreadySent, and the same
    sending repeated (the same ``client_id``, e.g. after a lost connection) is simply the first one again.

    :param answers: item key -> value, or None for "not answered" (never 0).
    :return: the response.
    """
    if client_id and response.client_id == client_id and response.submitted_at is not None:
        return response
    result = score_with_alerts(definition, response, answers)
    values = {
        "answers": answers,
        "pending": None,
        "total": result[0].total,
        "alerts": result[1],
        "submitted_at": now,
        "late": now >= response.closes_at,
        "client_id": client_id or None,
        "declined_at": None,
    }
    # One atomic "send if not sent yet": two taps or two tabs cannot both win.
    stmt = (
        update(ScaleResponse)
        .where(ScaleResponse.id == response.id, ScaleResponse.submitted_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    try:
        with db.session.begin_nested():
            won = db.session.execute(stmt).rowcount == 1
    except IntegrityError:  # the client id was used for another answer: treat as a repeat, not a new answer
        won = False
    db.session.refresh(response)
    if not won:
        raise AlreadySent(response)
    record_event(
        actor,
        "scale.submitted",
        family=family,
        obj=response,
        data={"purpose": response.purpose, "late": response.late, "alerts": result[1]},
    )
    return response


def score_with_alerts(definition, response: ScaleResponse, answers: dict) -> tuple[scoring.Score, list[str]]:
    """The answer's score, and its alerts compared with the person's previous answer."""
    current = scoring.score(definition, answers)
    previous = _previous(response)
    earlier = scoring.score(definition, previous.answers or {}) if previous is not None else None
    return current, scoring.alerts(definition, current, earlier)


def decline(family: Family, response: ScaleResponse, *, actor, now: datetime) -> None:
    """The person does not want to answer this time. Kept, and never asked about again."""
    if response.submitted_at is not None or response.declined_at is not None:
        return
    response.declined_at, response.pending = now, None
    db.session.flush()
    record_event(actor, "scale.declined", family=family, obj=response, data={"purpose": response.purpose})


def mark_discussed(family: Family, response: ScaleResponse, note: str, *, actor, now: datetime) -> None:
    """The consultant has talked the answer through with the family (FIT: every answer is discussed)."""
    response.discussed_at, response.discussed_by_id, response.note = now, actor.id, note
    db.session.flush()
    record_event(actor, "scale.discussed", family=family, obj=response, data={"purpose": response.purpose})


def set_show_alliance(user, show: bool) -> None:
    """The person chooses whether to see their own answers about the collaboration."""
    setting = db.session.get(ScaleSetting, user.id)
    if setting is None:
        setting = ScaleSetting(user_id=user.id, show_alliance=show)
        db.session.add(setting)
    setting.show_alliance = show
    db.session.flush()
    record_event(user, "scale.setting_changed", obj=user, data={"show_alliance": show})
