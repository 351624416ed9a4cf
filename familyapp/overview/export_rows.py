"""The rows Mine oplysninger (``export.py``) is made of, each kind loaded in one query, and everything they point
to, named: household members and consultants, people on the map (removed ones too), meetings and former users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from .. import db
from ..auth.models import User
from ..consent import queries
from ..families import queries as family_queries
from ..families.models import Family
from ..gate.models import ConsentRecord, ConsentRequest, PartnerLink
from ..meetings import queries as meeting_queries
from ..meetings.models import Meeting, MeetingQuestion, MeetingReply, MeetingSuggestion
from ..network import queries as network_queries
from ..network.models import NetworkRevision
from ..plans.models import PlanRevision


@dataclass
class Names:
    """Everything the export names things by, loaded once: family members and consultants, people on the map
    (removed ones too), the family's meetings, and anyone else who changed something (a former consultant)."""

    people: dict
    meetings: dict[uuid.UUID, Meeting]
    on_map: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def who(self, user_id) -> str:
        """A user's name (members and consultants, current or former)."""
        return self.people.get(user_id) or self.users.get(user_id, "")

    def person(self, person_id) -> str:
        """A household member's name."""
        return self.people.get(person_id, "") if person_id else ""

    def map_name(self, network_id) -> str:
        """The name of someone on the network map, as it is now."""
        found = self.on_map.get(network_id)
        return found.name if found is not None else ""

    def map_role(self, network_id) -> str:
        """Who someone on the map is to the family, with where they work ("lærer, Vestre Skole")."""
        found = self.on_map.get(network_id)
        return found.role if found is not None else ""

    def meeting(self, meeting_id) -> dict | None:
        """A meeting by its type and time, so a reader knows which one is meant."""
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return None
        return {"type": meeting.type.value, "starts_at": meeting.starts_at}


@dataclass
class Loaded:
    """The rows the export is made of that other rows are named through, each loaded in one query."""

    meetings: list[Meeting]
    replies: list[MeetingReply]
    questions: list[MeetingQuestion]
    suggestions: list[MeetingSuggestion]
    relations: list
    plan_revisions: list[PlanRevision]
    map_revisions: list[NetworkRevision]
    requests: dict[uuid.UUID, ConsentRequest]
    records: list[ConsentRecord]
    links: list[PartnerLink]


def load(family: Family, user: User) -> Loaded:
    """The family's meetings, histories, consents and links, and the user's own words about meetings."""
    return Loaded(
        meetings=meeting_queries.list_meetings(family),
        replies=_own_rows(MeetingReply, family, user),
        questions=_own_rows(MeetingQuestion, family, user),
        suggestions=_own_rows(MeetingSuggestion, family, user),
        relations=network_queries.list_relations(family),
        plan_revisions=_revisions(PlanRevision, family),
        map_revisions=_revisions(NetworkRevision, family),
        requests={r.id: r for r in queries.list_requests(family)},
        records=queries.history(family, user),
        links=queries.links_of(family),
    )


def names_for(family: Family, rows: Loaded) -> Names:
    """Everything the loaded rows point to, named: people on the map and former users in one query each."""
    names = Names(people=family_queries.names(family), meetings={m.id: m for m in rows.meetings})
    on_map = (
        {r.a_network_id for r in rows.relations}
        | {r.b_network_id for r in rows.relations}
        | {r.person_id for r in rows.map_revisions}
        | {s.network_person_id for s in rows.suggestions}
        | {r.recipient_id for r in rows.requests.values()}
        | {link.recipient_id for link in rows.links}
    )
    names.on_map = network_queries.people_by_id(family, on_map - {None})
    changed_by = {r.actor_id for r in [*rows.plan_revisions, *rows.map_revisions]}
    names.users = _user_names(names.people, changed_by | {r.agreed_by_id for r in rows.plan_revisions})
    return names


def _own_rows(model, family: Family, user: User) -> list:
    """The user's own replies, questions or suggestions on this family's meetings only (a person can belong to
    more than one family); one query."""
    stmt = (
        select(model)
        .join(Meeting, Meeting.id == model.meeting_id)
        .where(model.user_id == user.id, model.family_id == family.id, Meeting.family_id == family.id)
        .order_by(Meeting.starts_at)
    )
    return list(db.session.scalars(stmt))


def _revisions(model, family: Family) -> list:
    """Every kept version of the plan or of the map, oldest first (one query)."""
    return list(db.session.scalars(select(model).where(model.family_id == family.id).order_by(model.at)))


def _user_names(known: dict, ids: set) -> dict:
    """Names of users not among the family's members and consultants (one query, if any)."""
    missing = {i for i in ids if i and i not in known}
    if not missing:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(missing))).all())
