"""The one consent gate: what the family has consented to share with someone outside it, asked by every feature
that shows anything to a partner (a partner's link, a network meeting's invitation, scale totals). It refuses by
default: no consent in force, a recipient off the map, a text no longer in use or a kind of information it does
not know all share nothing. Part of the core, so that meetings and the network map ask it without importing the
consent screens. The records it judges by (texts, requests, the parents' records, partner links) live beside it
in ``gate.models``; the consent feature writes them, the gate and the screens read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import column, select, table

from .. import db
from ..audit import record_event
from ..auth.models import Role, User
from ..families.models import Family, Membership
from .models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink

#: The two columns of the network map the gate reads: whether a recipient is still on the map. Named here as a
#: bare table so that the core does not import the network feature (which asks the gate).
_map = table("network_people", column("id"), column("removed_at"))


def custodians(family: Family) -> list[User]:
    """The parents with custody (one query)."""
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.family_id == family.id, Membership.custody.is_(True), User.role == Role.PARENT)
    )
    return list(db.session.scalars(stmt))


def latest_records(requests: list[ConsentRequest]) -> dict[tuple, ConsentRecord]:
    """Each parent's latest record per request: (request id, user id) -> record (one query)."""
    if not requests:
        return {}
    # A withdrawal and a new consent can share a moment: their sequence number tells which came last.
    stmt = (
        select(ConsentRecord)
        .where(ConsentRecord.request_id.in_([r.id for r in requests]))
        .order_by(ConsentRecord.at, ConsentRecord.seq)
    )
    return {(r.request_id, r.user_id): r for r in db.session.scalars(stmt)}


def active(record: ConsentRecord | None, now: datetime) -> bool:
    """A record that is a given consent, not yet expired."""
    return record is not None and record.action == "given" and (record.expires_at is None or now < record.expires_at)


@dataclass(frozen=True)
class Permission:
    """What may be shared with one recipient now: the kinds covered, and whose own consent is in force."""

    kinds: frozenset
    #: Parents whose own consent covers each kind (scale answers are shared only for a parent who consented).
    consented: dict
    #: The network meetings the recipient may be invited to (an invitation consent is for one meeting).
    invitations: frozenset = frozenset()

    def allows(self, kind: str, meeting_id=None) -> bool:
        """The gate's answer for one kind of information; anything it does not know is refused."""
        if kind == "meeting_invitation":
            return meeting_id is not None and meeting_id in self.invitations
        return kind in SHAREABLE and kind in self.kinds


#: What a consent can share with a partner; a text covering anything else shares nothing of it.
SHAREABLE = frozenset({"plan", "meetings", "referat", "scales"})


def permissions(family: Family, recipient_ids: set[uuid.UUID], now: datetime) -> dict[uuid.UUID, Permission]:
    """Everything the family has consented to share with each of these recipients now (four queries, however
    many recipients).

    A request counts when its text is the version in use, its recipient is still on the map, and enough parents
    with custody have a consent in force: one, or all, as the text says.
    """
    empty = Permission(frozenset(), {})
    if not recipient_ids:
        return {}
    requests = list(
        db.session.scalars(
            select(ConsentRequest)
            .join(_map, _map.c.id == ConsentRequest.recipient_id)
            .where(
                ConsentRequest.family_id == family.id,
                ConsentRequest.recipient_id.in_(recipient_ids),
                _map.c.removed_at.is_(None),
            )
        )
    )
    if not requests:
        return dict.fromkeys(recipient_ids, empty)
    templates = {
        t.id: t
        for t in db.session.scalars(
            select(ConsentTemplate).where(ConsentTemplate.id.in_({r.template_id for r in requests}))
        )
    }
    latest = latest_records(requests)
    parents = {u.id for u in custodians(family)}
    found: dict[uuid.UUID, tuple[set, dict, set]] = {rid: (set(), {}, set()) for rid in recipient_ids}
    for request in requests:
        template = templates[request.template_id]
        given = {uid for uid in parents if active(latest.get((request.id, uid)), now)}
        enough = given == parents if template.data["requires"] == "all" else bool(given)
        if not template.active or not parents or not enough:
            continue
        kinds, consented, invitations = found[request.recipient_id]
        for kind in template.data["covers"]:
            if kind == "meeting_invitation":
                if request.meeting_id is not None:
                    invitations.add(request.meeting_id)
                continue
            if kind in SHAREABLE:
                kinds.add(kind)
                consented.setdefault(kind, set()).update(given)
    return {
        rid: Permission(frozenset(kinds), consented, frozenset(invitations))
        for rid, (kinds, consented, invitations) in found.items()
    }


def permission(family: Family, recipient_id: uuid.UUID, now: datetime) -> Permission:
    """Everything the family has consented to share with one recipient now."""
    return permissions(family, {recipient_id}, now)[recipient_id]


def may_share(family: Family, recipient_id: uuid.UUID, kind: str, now: datetime, meeting_id=None) -> bool:
    """The one gate: may this kind of information ("plan", "meetings", "referat", "scales") be shared with this
    recipient now, or ("meeting_invitation") may they be invited to this meeting? Every sharing feature asks here."""
    return permission(family, recipient_id, now).allows(kind, meeting_id)


def asked_about_meeting(meeting) -> set[uuid.UUID]:
    """The people on the map the family has been asked about inviting to this meeting (one query)."""
    stmt = select(ConsentRequest.recipient_id).where(ConsentRequest.meeting_id == meeting.id)
    return set(db.session.scalars(stmt))


def invitation_template() -> ConsentTemplate | None:
    """The text in use for inviting someone to a network meeting (one query)."""
    stmt = select(ConsentTemplate).where(ConsentTemplate.active.is_(True), ConsentTemplate.key == "network-meeting")
    return db.session.scalar(stmt)


def is_recipient(person) -> bool:
    """Whether anyone has been asked for consent to share with this person on the map (one query)."""
    stmt = select(ConsentRequest.id).where(ConsentRequest.recipient_id == person.id).limit(1)
    return db.session.scalar(stmt) is not None


def revoke_link(family: Family, link: PartnerLink, *, actor, now: datetime) -> None:
    """Stop a partner link from working."""
    if link.revoked_at is None:
        link.revoked_at = now
        db.session.flush()
        record_event(actor, "partner_link.revoked", family=family, obj=link)


def revoke_links_of(family: Family, recipient, *, actor, now: datetime) -> None:
    """Stop every link of someone taken off the map."""
    stmt = select(PartnerLink).where(PartnerLink.recipient_id == recipient.id, PartnerLink.revoked_at.is_(None))
    for link in db.session.scalars(stmt):
        revoke_link(family, link, actor=actor, now=now)
