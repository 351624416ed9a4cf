"""Consent: texts, requests, the parents' records, the one gate every sharing feature calls, and partner links.

Services flush and audit; the view commits. Records are only ever added, never changed or deleted.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..audit import record_event
from ..auth.models import Role, User
from ..db import LOCAL_ZONE
from ..families.models import Family, Membership
from ..meetings.cadence import add_months
from . import texts
from .models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink

#: A partner link works this long unless revoked (the consent decides, on every visit, what it shows).
LINK_LIFETIME = timedelta(days=30)


class ConsentError(Exception):
    """A consent change that cannot be made; ``key`` names the message (consent.views.MESSAGES)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


# Texts ----------------------------------------------------------------------------------------------------


def store_template(session: Session, data: dict) -> ConsentTemplate:
    """Validate a consent text and keep it as the version in use for its key (older versions stay for the
    consents given to them, which no longer count).

    :raises DefinitionError: when the text is wrong or this key and version exist.
    """
    texts.validate(data)
    known = list(session.scalars(select(ConsentTemplate).where(ConsentTemplate.key == data["key"])))
    if any(row.version == data["version"] for row in known):
        raise texts.DefinitionError([f"{data['key']} version {data['version']} exists: raise 'version'"])
    for row in known:
        row.active = False
    row = ConsentTemplate(key=data["key"], version=data["version"], data=data, active=True)
    session.add(row)
    session.flush()
    return row


def sync_shipped(session: Session) -> list[str]:
    """Keep the consent texts that come with the app (new keys and newer versions).

    :return: "key vN" for each version stored.
    """
    stored = []
    for data in texts.shipped():
        newest = session.scalar(
            select(ConsentTemplate.version)
            .where(ConsentTemplate.key == data["key"])
            .order_by(ConsentTemplate.version.desc())
        )
        if newest is None or newest < data["version"]:
            row = store_template(session, data)
            stored.append(f"{row.key} v{row.version}")
    return stored


# Requests and records -------------------------------------------------------------------------------------


def create_request(
    family: Family, template: ConsentTemplate, recipient, *, actor, about=None, note=""
) -> ConsentRequest:
    """Ask the family for consent to share with a recipient on their map.

    :param template: a text in use.
    :param recipient: a NetworkPerson of the family (the view loads it within the family).
    :param about: the child it concerns, if any.
    :return: the request.
    """
    if not template.active:
        raise ConsentError("outdated")
    request = ConsentRequest(
        family_id=family.id,
        template_id=template.id,
        recipient_id=recipient.id,
        about_person_id=about.id if about is not None else None,
        note=note or "",
        created_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    record_event(actor, "consent.requested", family=family, obj=request, data={"text": template.key})
    return request


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
    stmt = (
        select(ConsentRecord).where(ConsentRecord.request_id.in_([r.id for r in requests])).order_by(ConsentRecord.at)
    )
    return {(r.request_id, r.user_id): r for r in db.session.scalars(stmt)}


def active(record: ConsentRecord | None, now: datetime) -> bool:
    """A record that is a given consent, not yet expired."""
    return record is not None and record.action == "given" and (record.expires_at is None or now < record.expires_at)


def _confirm_text(template: ConsentTemplate, language: str) -> str:
    data = template.data
    return data["text"].get(language) or data["text"]["da"]


def give(family: Family, request: ConsentRequest, user, *, language: str, now: datetime, confirmed_by: str):
    """A parent consents, to the exact text in their language; kept with a hash of that text.

    :raises ConsentError: "outdated" (the text has a newer version), "already_given", "not_custodian".
    :return: the new record.
    """
    template = db.session.get(ConsentTemplate, request.template_id)
    if not template.active:
        raise ConsentError("outdated")
    if user.role is not Role.PARENT:
        raise ConsentError("not_parent")
    if active(latest_records([request]).get((request.id, user.id)), now):
        raise ConsentError("already_given")
    months = template.data["months"]
    expires = None
    if months:
        local = now.astimezone(LOCAL_ZONE)
        day = add_months(local.date(), months)
        expires = datetime.combine(day, local.time(), tzinfo=LOCAL_ZONE).astimezone(UTC)
    text = _confirm_text(template, language)
    record = ConsentRecord(
        family_id=family.id,
        request_id=request.id,
        user_id=user.id,
        action="given",
        at=now,
        expires_at=expires,
        template_id=template.id,
        language=language,
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        confirmed_by=confirmed_by,
    )
    db.session.add(record)
    db.session.flush()
    record_event(user, "consent.given", family=family, obj=record, data={"text": template.key})
    return record


def withdraw(family: Family, request: ConsentRequest, user, *, language: str, now: datetime, confirmed_by: str):
    """A parent withdraws their consent; it stops counting at once. The history keeps both records.

    :raises ConsentError: "not_given" when there is nothing to withdraw.
    """
    latest = latest_records([request]).get((request.id, user.id))
    if not active(latest, now):
        raise ConsentError("not_given")
    template = db.session.get(ConsentTemplate, request.template_id)
    text = _confirm_text(template, language)
    record = ConsentRecord(
        family_id=family.id,
        request_id=request.id,
        user_id=user.id,
        action="withdrawn",
        at=now,
        template_id=template.id,
        language=language,
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        confirmed_by=confirmed_by,
    )
    db.session.add(record)
    db.session.flush()
    record_event(user, "consent.withdrawn", family=family, obj=record, data={"text": template.key})
    return record


# The gate -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    """What may be shared with one recipient now: the kinds covered, and whose own consent is in force."""

    kinds: frozenset
    #: Parents whose own consent covers each kind (scale answers are shared only for a parent who consented).
    consented: dict


def permissions(family: Family, recipient_ids: set[uuid.UUID], now: datetime) -> dict[uuid.UUID, Permission]:
    """Everything the family has consented to share with each of these recipients now (four queries, however
    many recipients).

    A request counts when its text is the version in use and enough parents with custody have a consent in force:
    one, or all, as the text says.
    """
    empty = Permission(frozenset(), {})
    if not recipient_ids:
        return {}
    requests = list(
        db.session.scalars(
            select(ConsentRequest).where(
                ConsentRequest.family_id == family.id, ConsentRequest.recipient_id.in_(recipient_ids)
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
    found: dict[uuid.UUID, tuple[set, dict]] = {rid: (set(), {}) for rid in recipient_ids}
    for request in requests:
        template = templates[request.template_id]
        given = {uid for uid in parents if active(latest.get((request.id, uid)), now)}
        enough = given == parents if template.data["requires"] == "all" else bool(given)
        if not template.active or not parents or not enough:
            continue
        kinds, consented = found[request.recipient_id]
        for kind in template.data["covers"]:
            kinds.add(kind)
            consented.setdefault(kind, set()).update(given)
    return {rid: Permission(frozenset(kinds), consented) for rid, (kinds, consented) in found.items()}


def permission(family: Family, recipient_id: uuid.UUID, now: datetime) -> Permission:
    """Everything the family has consented to share with one recipient now."""
    return permissions(family, {recipient_id}, now)[recipient_id]


def may_share(family: Family, recipient_id: uuid.UUID, kind: str, now: datetime) -> bool:
    """The one gate: may this kind of information ("plan", "meetings", "referat", "scales",
    "meeting_invitation") be shared with this recipient now? Every sharing feature asks here."""
    return kind in permission(family, recipient_id, now).kinds


# Partner links --------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(family: Family, recipient, *, actor, now: datetime, meeting=None) -> tuple[PartnerLink, str]:
    """A new address for a partner (or a meeting's invitation for them). The secret is returned once; only its
    hash is kept.

    :return: (the link, the secret for the address).
    """
    token = secrets.token_urlsafe(32)
    link = PartnerLink(
        family_id=family.id,
        recipient_id=recipient.id,
        meeting_id=meeting.id if meeting is not None else None,
        token_hash=_hash(token),
        created_by_id=actor.id,
        expires_at=now + LINK_LIFETIME,
    )
    db.session.add(link)
    db.session.flush()
    record_event(actor, "partner_link.created", family=family, obj=link, data={"invitation": meeting is not None})
    return link, token


def partner_url(token: str) -> str:
    """The full address of a partner link, on the configured public origin (also from the CLI)."""
    with current_app.test_request_context(base_url=current_app.config["WEBAUTHN_ORIGIN"]):
        return url_for("partner.view", token=token, _external=True)


def revoke_link(family: Family, link: PartnerLink, *, actor, now: datetime) -> None:
    """Stop a partner link from working."""
    if link.revoked_at is None:
        link.revoked_at = now
        db.session.flush()
        record_event(actor, "partner_link.revoked", family=family, obj=link)


def link_for_token(token: str) -> PartnerLink | None:
    """The link behind a secret address, or None."""
    return db.session.scalar(select(PartnerLink).where(PartnerLink.token_hash == _hash(token[:100])))


class MissingConsent(Exception):
    """Some invited people may not be sent the invitation yet; ``names`` says who."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


def send_invitations(family: Family, meeting, people: list, *, actor, now: datetime) -> list[tuple]:
    """Send a network meeting's invitation to the people invited from the map: one link each, only when the
    parents have consented for every one of them.

    :param people: the NetworkPersons invited (participants from the map).
    :return: (person, secret) per invitation.
    :raises MissingConsent: naming everyone without consent; then nothing is sent.
    """
    allowed = permissions(family, {p.id for p in people}, now)
    missing = [p.name for p in people if "meeting_invitation" not in allowed[p.id].kinds]
    if missing:
        raise MissingConsent(missing)
    return [(p, create_link(family, p, actor=actor, now=now, meeting=meeting)[1]) for p in people]
