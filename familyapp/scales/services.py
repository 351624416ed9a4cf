"""Loading scale definitions, and a person's answers: drafted, sent once, declined, discussed.

Services flush and audit; the view (or the CLI command) commits. Audit data holds the scale's purpose and the
alerts, never the answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import db, textdata
from ..audit import family_changed, record_event
from ..families.models import Family
from . import definitions, queries, scoring
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
        same = [row for row in known if row.version == data.get("version")]
        if same:
            if _add_languages(same[0], data):
                stored.append(f"{same[0].key} v{same[0].version} (languages)")
            continue
        replaces_active = any(row.active for row in known)
        row = store_definition(session, data, source="shipped", activate=False)
        if replaces_active or not _overlapping(session, row):
            store_activate(session, row)
        stored.append(f"{row.key} v{row.version}")
    return stored


def _add_languages(row, data: dict) -> bool:
    """A kept version gains the languages the shipped file of the same version adds (its wording never changes).
    :return: whether it gained any."""
    merged = textdata.with_new_languages(row.data, data)
    if merged is None or merged == row.data:
        return False
    row.data = merged
    return True


def store_activate(session: Session, row: ScaleDefinition) -> None:
    """Put a stored definition in use. It replaces the definitions in use for the same slot whose ages it covers
    completely; one that also covers other ages stays in use for them (the newest wins where both fit), so no age
    is left without a scale."""
    for other in _overlapping(session, row):
        if row.min_age <= other.min_age and other.max_age <= row.max_age:
            other.active = False
    row.active = True
    session.flush()


#: ``open_response`` looks the row up itself unless it is given.
_LOOK_UP = object()


def open_response(
    family: Family, user, window: Window, row: ScaleDefinition, *, now: datetime, kept=_LOOK_UP
) -> ScaleResponse:
    """The person's answer row in a window, made by their first draft, answer or "no thanks" (a POST). Showing the
    form stores nothing, so neither the row nor a "shown" event comes from merely opening it: a family member's
    read is not audited, and the consultant's is audited as a page view.

    :param now: when the row is made; kept as ``shown_at`` (when the person first started the answer).
    :param kept: the person's row in the window as the page found it (None: they have none yet), if it has.
    :return: the response (new or existing).
    """
    response = queries.find_response(family, user, window.key) if kept is _LOOK_UP else kept
    if response is not None:
        if response.submitted_at is None:
            # The meeting may have moved since the draft was kept: the window follows it.
            response.opens_at, response.closes_at = window.opens_at, window.closes_at
        return response
    response = blank_response(family, user, window, row)
    response.shown_at = now
    try:
        # Two tabs starting the same answer at once: the second uses the first one's row.
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        return queries.find_response(family, user, window.key)
    return response


def blank_response(family: Family, user, window: Window, row: ScaleDefinition) -> ScaleResponse:
    """A person's answer in a window before anything is stored (not added to the session)."""
    return ScaleResponse(
        family_id=family.id,
        definition_id=row.id,
        user_id=user.id,
        about_person_id=window.about_person_id,
        meeting_id=window.meeting_id,
        purpose=window.purpose,
        window_key=window.key,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
    )


def save_draft(response: ScaleResponse, pending: dict) -> None:
    """Keep what has been filled so far, so a person who leaves the page finds it again (not audited: nothing is
    sent until the person sends it)."""
    if response.submitted_at is None:
        response.pending = pending
        # The form shows the draft when it is opened again, so a kept copy of the form is old now.
        family_changed(db.session.get(Family, response.family_id))
        db.session.flush()


def _previous(response: ScaleResponse, key: str) -> ScaleResponse | None:
    """The same person's last sent answer with a total, on the same scale (same key) and about the same child,
    in the same family, before this one."""
    stmt = (
        select(ScaleResponse)
        .join(ScaleDefinition, ScaleDefinition.id == ScaleResponse.definition_id)
        .where(
            ScaleDefinition.key == key,
            ScaleResponse.family_id == response.family_id,
            ScaleResponse.user_id == response.user_id,
            ScaleResponse.about_person_id.is_(None)
            if response.about_person_id is None
            else ScaleResponse.about_person_id == response.about_person_id,
            ScaleResponse.submitted_at.is_not(None),
            ScaleResponse.total.is_not(None),
            ScaleResponse.id != response.id,
            ScaleResponse.opens_at <= response.opens_at,
        )
        .order_by(ScaleResponse.opens_at.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def score_with_alerts(definition, response: ScaleResponse, answers: dict) -> tuple[scoring.Score, list[str]]:
    """The answer's score, and its alerts compared with the person's previous answer on the same scale."""
    current = scoring.score(definition, answers)
    previous = _previous(response, definition.key)
    earlier = scoring.score(definition, previous.answers or {}) if previous is not None else None
    if earlier is not None and earlier.total != previous.total:
        # The scale's items changed between versions: compare the kept totals, not the items.
        earlier = scoring.Score(items={}, total=previous.total, answered=0)
    return current, scoring.alerts(definition, current, earlier)


def submit(
    family: Family,
    response: ScaleResponse,
    definition: definitions.Definition,
    answers: dict,
    *,
    actor,
    now: datetime,
    window: Window | None = None,
    client_id: str | None = None,
) -> ScaleResponse:
    """Send an answer. The first sent answer of a window stands: a second one raises AlreadySent, and the same
    sending repeated (the same ``client_id``, e.g. after a lost connection or a double tap) is the first again.

    :param response: the person's row in the window, or a blank one not yet stored (``blank_response``): it is
        then stored sent, in one statement.
    :param answers: item key -> value, or None for "not answered" (never 0).
    :param window: the window as it is now (a moved meeting moves it); late is counted against it.
    :return: the response.
    """
    opens_at, closes_at = (window.opens_at, window.closes_at) if window else (response.opens_at, response.closes_at)
    current, alerts = score_with_alerts(definition, response, answers)
    values = {
        "answers": answers,
        "pending": None,
        "total": current.total,
        "alerts": alerts,
        "submitted_at": now,
        "late": now >= closes_at,
        "client_id": client_id,
        "declined_at": None,
        "opens_at": opens_at,
        "closes_at": closes_at,
    }
    if inspect(response).transient:
        stored = _store_sent(response, values, now)
        if stored is response:
            return _sent(family, response, actor)
        response = stored  # another tab or a repeated sending made the row meanwhile: the first one stands
    # One atomic "send if not sent yet": two taps or two tabs cannot both win.
    stmt = (
        update(ScaleResponse)
        .where(ScaleResponse.id == response.id, ScaleResponse.submitted_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(stmt).rowcount != 1:
        db.session.refresh(response)
        if client_id and response.client_id == client_id:
            return response  # the same sending again: already counted
        raise AlreadySent(response)
    for name, value in values.items():
        set_committed_value(response, name, value)  # as stored; nothing left to write
    return _sent(family, response, actor)


def _store_sent(response: ScaleResponse, values: dict, now: datetime) -> ScaleResponse:
    """A new row stored already sent (the person's first step in the window was sending it), or the row someone
    else made in the window meanwhile (then not sent here)."""
    for name, value in values.items():
        setattr(response, name, value)
    response.shown_at = now
    try:
        with db.session.begin_nested():
            db.session.add(response)
        return response
    except IntegrityError:
        stmt = select(ScaleResponse).where(
            ScaleResponse.family_id == response.family_id,
            ScaleResponse.user_id == response.user_id,
            ScaleResponse.window_key == response.window_key,
        )
        return db.session.scalar(stmt)


def _sent(family: Family, response: ScaleResponse, actor) -> ScaleResponse:
    record_event(
        actor, "scale.submitted", family=family, obj=response, data={"purpose": response.purpose, "late": response.late}
    )
    return response


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


def set_show_alliance(user, show: bool, family=None) -> None:
    """The person chooses whether to see their own answers about the collaboration.

    :param family: the family whose pages show it (its version goes up, so a page kept by a browser is made anew).
    """
    setting = db.session.get(ScaleSetting, user.id)
    if setting is None:
        setting = ScaleSetting(user_id=user.id, show_alliance=show)
        db.session.add(setting)
    setting.show_alliance = show
    db.session.flush()
    record_event(user, "scale.setting_changed", family=family, obj=user, data={"show_alliance": show})
