"""The rows Mine oplysninger (``export.py``) is made of: one statement per kind of row, for one family and, where
the rows are the person's own, for that person only. Each statement joins in the names and meetings its rows point
to (a person taken off the map, a former consultant), so a page of rows or the whole download reads each kind in
one query however long the history is, and nothing has to be held in memory to name it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from .. import db
from ..audit import AuditEvent
from ..auth.models import User
from ..families import queries as family_queries
from ..families.models import Family
from ..gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from ..meetings.models import Meeting, MeetingParticipant, MeetingSuggestion
from ..network import queries as network_queries
from ..network.models import NetworkPerson, NetworkRevision
from ..plans.models import PlanRevision
from ..scales.models import ScaleDefinition, ScaleResponse


@dataclass
class Names:
    """The household's names (members and consultants), loaded once, and the people on the map the fixed
    sections name (the family tree); everything else is named by the statements below."""

    people: dict
    on_map: dict = field(default_factory=dict)

    def who(self, user_id, otherwise: str | None = "") -> str:
        """A user's name: a household member or consultant, else the name the row's statement joined in (a
        former consultant)."""
        return self.people.get(user_id) or otherwise or ""

    def person(self, person_id) -> str:
        """A household member's name."""
        return self.people.get(person_id, "") if person_id else ""

    def map_name(self, network_id) -> str:
        """The name of someone on the network map, as it is now."""
        found = self.on_map.get(network_id)
        return found.name if found is not None else ""


def meeting(kind, starts_at) -> dict | None:
    """A meeting by its type and time, so a reader knows which one is meant (None: no meeting)."""
    if kind is None:
        return None
    return {"type": kind.value, "starts_at": starts_at}


def names_of(family: Family) -> Names:
    """The household's names (kept for the request by ``family_queries``)."""
    return Names(people=family_queries.names(family))


def tree_names(family: Family, relations: list, names: Names) -> Names:
    """The people on the map the family tree names, removed ones too (one query, if any)."""
    ids = {r.a_network_id for r in relations} | {r.b_network_id for r in relations}
    names.on_map = network_queries.people_by_id(family, ids - {None})
    return names


# ---- the base of each kind: which rows, for the page's count and paging -------------------------------------


def plan_revisions(family: Family, _user: User) -> Select:
    """Every kept version of the plan."""
    return select(PlanRevision).where(PlanRevision.family_id == family.id)


def map_revisions(family: Family, _user: User) -> Select:
    """Every kept version of the map."""
    return select(NetworkRevision).where(NetworkRevision.family_id == family.id)


def meetings(family: Family, _user: User) -> Select:
    """Every meeting of the family."""
    return select(Meeting).where(Meeting.family_id == family.id)


def own_rows(model):
    """The user's own replies, questions or suggestions on this family's meetings only (a person can belong to
    more than one family)."""

    def base(family: Family, user: User) -> Select:
        return (
            select(model)
            .join(Meeting, Meeting.id == model.meeting_id)
            .where(model.user_id == user.id, model.family_id == family.id, Meeting.family_id == family.id)
        )

    return base


def answers(family: Family, user: User) -> Select:
    """The person's own answers to the questionnaires (never the other parent's)."""
    return select(ScaleResponse).where(ScaleResponse.family_id == family.id, ScaleResponse.user_id == user.id)


def consents(family: Family, user: User) -> Select:
    """The person's own consents given and withdrawn."""
    return select(ConsentRecord).where(ConsentRecord.family_id == family.id, ConsentRecord.user_id == user.id)


def links(family: Family, _user: User) -> Select:
    """The family's partner links."""
    return select(PartnerLink).where(PartnerLink.family_id == family.id)


def visits(family: Family, _user: User) -> Select:
    """Each time a partner opened their link."""
    return select(AuditEvent).where(AuditEvent.family_id == family.id, AuditEvent.action == "partner.viewed")


# ---- the same rows with what they point to, in the order the download keeps ---------------------------------


def _in_time(stmt: Select, columns, newest: bool) -> Select:
    """Oldest first (the download), or newest first (a page of the screen)."""
    return stmt.order_by(*(c.desc() if newest else c for c in columns))


def named_plan_revisions(base: Select, newest: bool = False) -> Select:
    """Plan versions, oldest first, with the names of who changed and who agreed (for a former consultant)."""
    actor, agreed = aliased(User), aliased(User)
    stmt = (
        base.add_columns(actor.name, agreed.name)
        .outerjoin(actor, actor.id == PlanRevision.actor_id)
        .outerjoin(agreed, agreed.id == PlanRevision.agreed_by_id)
    )
    return _in_time(stmt, (PlanRevision.at, PlanRevision.id), newest)


def named_map_revisions(base: Select, newest: bool = False) -> Select:
    """Map versions, oldest first, with who changed it and the person it was about (removed ones too)."""
    stmt = (
        base.add_columns(User.name, NetworkPerson.name)
        .outerjoin(User, User.id == NetworkRevision.actor_id)
        .outerjoin(NetworkPerson, NetworkPerson.id == NetworkRevision.person_id)
    )
    return _in_time(stmt, (NetworkRevision.at, NetworkRevision.id), newest)


def ordered_meetings(base: Select, newest: bool = False) -> Select:
    """Meetings in time order (participants come from ``participants``, in the same order)."""
    return _in_time(base, (Meeting.starts_at, Meeting.id), newest)


def participants(meeting_ids=None, family: Family | None = None) -> Select:
    """Who comes to the given meetings (or to all the family's), by meeting in the order of ``ordered_meetings``,
    with the name of a participant's login for one who is no longer in the household."""
    stmt = (
        select(MeetingParticipant, User.name)
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
        .outerjoin(User, User.id == MeetingParticipant.user_id)
        .order_by(Meeting.starts_at, Meeting.id, MeetingParticipant.created_at, MeetingParticipant.id)
    )
    if meeting_ids is not None:
        return stmt.where(MeetingParticipant.meeting_id.in_(meeting_ids))
    return stmt.where(MeetingParticipant.family_id == family.id, Meeting.family_id == family.id)


def with_meeting(model):
    """The user's own words about meetings, in the meetings' time order, with the meeting named; a suggestion
    also with the person suggested."""

    def named(base: Select, newest: bool = False) -> Select:
        stmt = base.add_columns(Meeting.type, Meeting.starts_at)
        if model is MeetingSuggestion:
            stmt = stmt.add_columns(NetworkPerson.name).outerjoin(
                NetworkPerson, NetworkPerson.id == MeetingSuggestion.network_person_id
            )
        # A reply has no time of its own but is one per meeting; questions keep the order they were asked in.
        return _in_time(stmt, (Meeting.starts_at, getattr(model, "created_at", model.id), model.id), newest)

    return named


def named_answers(base: Select, newest: bool = False) -> Select:
    """Answers in the order they opened, with the questionnaire asked and the meeting."""
    stmt = (
        base.add_columns(ScaleDefinition.data, Meeting.type, Meeting.starts_at)
        .join(ScaleDefinition, ScaleDefinition.id == ScaleResponse.definition_id)
        .outerjoin(Meeting, Meeting.id == ScaleResponse.meeting_id)
    )
    return _in_time(stmt, (ScaleResponse.opens_at, ScaleResponse.id), newest)


def named_consents(base: Select, newest: bool = False) -> Select:
    """Consent records, oldest first, with their request, its text, its recipient and meeting."""
    stmt = (
        base.add_columns(ConsentRequest, ConsentTemplate, NetworkPerson, Meeting.starts_at)
        .join(ConsentRequest, ConsentRequest.id == ConsentRecord.request_id)
        .join(ConsentTemplate, ConsentTemplate.id == ConsentRequest.template_id)
        .outerjoin(NetworkPerson, NetworkPerson.id == ConsentRequest.recipient_id)
        .outerjoin(Meeting, Meeting.id == ConsentRequest.meeting_id)
    )
    return _in_time(stmt, (ConsentRecord.at, ConsentRecord.seq, ConsentRecord.id), newest)


def named_links(base: Select, newest: bool = True) -> Select:
    """Partner links, newest first (in the download too), with the recipient and the meeting of an invitation."""
    return (
        base.add_columns(NetworkPerson, Meeting.type, Meeting.starts_at)
        .outerjoin(NetworkPerson, NetworkPerson.id == PartnerLink.recipient_id)
        .outerjoin(Meeting, Meeting.id == PartnerLink.meeting_id)
        .order_by(PartnerLink.created_at.desc(), PartnerLink.id)
    )


def named_visits(base: Select, newest: bool = True) -> Select:
    """Partners' visits, newest first (who it was comes from ``link_names``)."""
    return base.order_by(AuditEvent.at.desc(), AuditEvent.id)


def link_names(family: Family, ids=None) -> dict[str, str]:
    """The name behind partner links, by the link id as the audit keeps it (text); all the family's, or the given
    ones (one query)."""
    stmt = (
        select(PartnerLink.id, NetworkPerson.name)
        .join(NetworkPerson, NetworkPerson.id == PartnerLink.recipient_id)
        .where(PartnerLink.family_id == family.id)
    )
    if ids is not None:
        wanted = [_uuid(i) for i in ids]
        stmt = stmt.where(PartnerLink.id.in_([i for i in wanted if i is not None]))
    return {str(link_id): name for link_id, name in db.session.execute(stmt)}


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
