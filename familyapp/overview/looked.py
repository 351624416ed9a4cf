"""Hvem har set jeres oplysninger: the professionals' reads and changes on a family, the steps of a recovery, and
partners' visits through a link, newest first, a page at a time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from .. import db
from ..audit import AuditEvent
from ..auth.models import User
from ..consent import queries
from ..families.models import Family
from ..network import queries as network_queries

#: "Who has looked" shows this many events a page.
PER_PAGE = 100


@dataclass(frozen=True)
class LookedPage:
    """One page of "who has looked": (event, who did it) newest first, and where the next, older page starts."""

    rows: list[tuple[AuditEvent, str]]
    #: Show events from before this time next; None on the last page.
    older: datetime | None
    #: The names of the people an event is about (a consultant assigned to the family), by their id as text.
    about: dict[str, str] = field(default_factory=dict)


def _whole_moments(events: list[AuditEvent], per_page: int) -> list[AuditEvent]:
    """The first page's events, ending before the moment the next page starts. The next page asks for events
    strictly older than this page's last one, so events sharing that moment must not be split across pages."""
    page, next_at = events[:per_page], events[per_page].at
    whole = [e for e in page if e.at != next_at]
    return whole or page  # a whole page at one moment cannot be split; never loop on it


def _partner_names(family: Family) -> dict[str, str]:
    """The name behind each of the family's partner links, by the link id the audit keeps (two queries)."""
    links = {str(link.id): link.recipient_id for link in queries.links_of(family)}
    people = network_queries.people_by_id(family, set(links.values()))
    return {key: people[rid].label for key, rid in links.items() if rid in people}


def who_looked(family: Family, before: datetime | None = None, per_page: int = PER_PAGE) -> LookedPage:
    """Professionals' reads and changes on the family, and partners' visits through a link, newest first, with
    the name of who did it ("" when not known); one page of them (four queries).

    :param before: only events before this time (the previous page's ``older``).
    """
    stmt = (
        select(AuditEvent)
        .where(
            AuditEvent.family_id == family.id,
            or_(
                AuditEvent.actor_role.in_(("consultant", "admin", "leader")),
                AuditEvent.action.in_(("partner.viewed", "recovery.completed")),
            ),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page + 1)
    )
    if before is not None:
        stmt = stmt.where(AuditEvent.at < before)
    events = list(db.session.scalars(stmt))
    older = None
    if len(events) > per_page:
        events = _whole_moments(events, per_page)
        older = events[-1].at
    subjects = {_subject(e) for e in events} - {None}
    ids = {e.actor_id for e in events if e.actor_id} | subjects
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    partners = _partner_names(family)
    about = {str(uid): names[uid] for uid in subjects if uid in names}
    return LookedPage(rows=[(e, _who(e, names, partners)) for e in events], older=older, about=about)


def _subject(event: AuditEvent) -> uuid.UUID | None:
    """The login an event is about, when the family should hear its name: the consultant assigned."""
    if event.action != "family.consultant_assigned":
        return None
    try:
        return uuid.UUID(str((event.data or {}).get("consultant")))
    except ValueError:
        return None  # an event from before the id was kept


def _who(event: AuditEvent, users: dict, partners: dict) -> str:
    """The professional's name, or for a partner's visit the name behind the link."""
    if event.action == "partner.viewed":
        return partners.get(event.object_id or "", "")
    return users.get(event.actor_id, "")
