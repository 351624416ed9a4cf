"""Consent: texts, requests, the parents' records, the one gate every sharing feature calls, and partner links.

Services flush and audit; the view commits. Records are only ever added, never changed or deleted.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import db, tenancy, textdata
from ..audit import record_event
from ..auth.models import Role
from ..dates import add_months
from ..db import LOCAL_ZONE
from ..families.models import Family, Membership, Person
from ..gate import active, latest_records, permissions, revoke_link
from ..gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from ..i18n import machine_translated
from ..meetings.models import Meeting
from ..network.models import NetworkPerson
from . import texts

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
            continue
        same = session.scalar(
            select(ConsentTemplate).where(
                ConsentTemplate.key == data["key"], ConsentTemplate.version == data["version"]
            )
        )
        merged = textdata.with_new_languages(same.data, data) if same is not None else None
        if merged is not None and merged != same.data:
            # A version's wording never changes; a translation it lacked may be added (a new language of the app).
            same.data = merged
            stored.append(f"{same.key} v{same.version} (languages)")
    return stored


# Requests and records -------------------------------------------------------------------------------------


def create_request(
    family: Family, template: ConsentTemplate, recipient, *, actor, about=None, note="", meeting=None
) -> ConsentRequest:
    """Ask the family for consent to share with a recipient on their map.

    :param template: a text in use.
    :param recipient: a NetworkPerson of the family (the view loads it within the family).
    :param about: the child it concerns, if any.
    :param meeting: the network meeting an invitation consent is for (required for such texts, refused for others).
    :raises ConsentError: "outdated", "meeting_needed", "no_meeting" or "already_asked" (the same question is
        open already: asked twice by a double tap, say).
    :return: the request.
    """
    if not template.active:
        raise ConsentError("outdated")
    invitation = "meeting_invitation" in template.data["covers"]
    if invitation and meeting is None:
        raise ConsentError("meeting_needed")
    if not invitation and meeting is not None:
        raise ConsentError("no_meeting")
    about_id, meeting_id = (about.id if about is not None else None), (meeting.id if meeting is not None else None)
    same = select(ConsentRequest.id).where(
        ConsentRequest.family_id == family.id,
        ConsentRequest.template_id == template.id,
        ConsentRequest.recipient_id == recipient.id,
        ConsentRequest.about_person_id.is_(None) if about_id is None else ConsentRequest.about_person_id == about_id,
        ConsentRequest.meeting_id.is_(None) if meeting_id is None else ConsentRequest.meeting_id == meeting_id,
    )
    if db.session.scalar(same.limit(1)) is not None:
        raise ConsentError("already_asked")
    request = ConsentRequest(
        family_id=family.id,
        template_id=template.id,
        recipient_id=recipient.id,
        about_person_id=about_id,
        meeting_id=meeting_id,
        note=note or "",
        created_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    record_event(actor, "consent.requested", family=family, obj=request, data={"text": template.key})
    return request


def custody_of(family: Family, user) -> bool | None:
    """Whether a parent has custody: True, False, or None while the consultant has not recorded it."""
    return db.session.scalar(
        select(Membership.custody).where(Membership.family_id == family.id, Membership.user_id == user.id)
    )


def _next_seq(request: ConsentRequest, user) -> int:
    """The number the parent's next record on a request gets."""
    stmt = (
        select(func.count())
        .select_from(ConsentRecord)
        .where(ConsentRecord.request_id == request.id, ConsentRecord.user_id == user.id)
    )
    return 1 + (db.session.scalar(stmt) or 0)


def _add_record(family: Family, request: ConsentRequest, user, action: str, shown: dict, **values) -> ConsentRecord:
    """Append the parent's next record on a request. Two taps at once both try to add record number n: the
    second fails on the unique (request, parent, n) and is told nothing changed.

    :raises ConsentError: "already_given" or "not_given" for the tap that lost.
    """
    seq = _next_seq(request, user)
    canonical = json.dumps(shown, sort_keys=True, ensure_ascii=False)
    record = ConsentRecord(
        family_id=family.id,
        request_id=request.id,
        user_id=user.id,
        action=action,
        seq=seq,
        text=shown["text"],
        shown=shown,
        text_hash=hashlib.sha256(canonical.encode()).hexdigest(),
        **values,
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise ConsentError("already_given" if action == "given" else "not_given") from None
    return record


def give(family: Family, request: ConsentRequest, user, *, language: str, now: datetime, confirmed_by: str):
    """A parent with custody consents, to the exact text and details shown in their language; kept with a hash
    of all of it.

    :raises ConsentError: "outdated" (the text has a newer version), "not_parent", "not_custodian",
        "custody_unknown" (not recorded yet) or "already_given".
    :return: the new record.
    """
    template = db.session.get(ConsentTemplate, request.template_id)
    if not template.active:
        raise ConsentError("outdated")
    if user.role is not Role.PARENT:
        raise ConsentError("not_parent")
    custody = custody_of(family, user)
    if custody is None:
        raise ConsentError("custody_unknown")
    if not custody:
        raise ConsentError("not_custodian")
    if active(latest_records([request]).get((request.id, user.id)), now):
        raise ConsentError("already_given")
    months = template.data["months"]
    expires = None
    if months:
        local = now.astimezone(LOCAL_ZONE)
        day = add_months(local.date(), months)
        expires = datetime.combine(day, local.time(), tzinfo=LOCAL_ZONE).astimezone(UTC)
    shown = what_is_shown(family, request, template, language)
    record = _add_record(
        family,
        request,
        user,
        "given",
        shown,
        at=now,
        expires_at=expires,
        template_id=template.id,
        language=language,
        confirmed_by=confirmed_by,
    )
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
    shown = what_is_shown(family, request, template, language)
    record = _add_record(
        family,
        request,
        user,
        "withdrawn",
        shown,
        at=now,
        template_id=template.id,
        language=language,
        confirmed_by=confirmed_by,
    )
    record_event(user, "consent.withdrawn", family=family, obj=record, data={"text": template.key})
    return record


def what_is_shown(family: Family, request: ConsentRequest, template: ConsentTemplate, language: str) -> dict:
    """What the parent sees when answering a request, in their language, kept with the record as it was: the
    title, the recipient (name and who they are), the purpose and the consultant's note, the child, the meeting,
    what is covered and the text itself."""
    data = template.data
    recipient = db.session.get(NetworkPerson, request.recipient_id)
    child = db.session.get(Person, request.about_person_id) if request.about_person_id else None
    meeting = db.session.get(Meeting, request.meeting_id) if request.meeting_id else None
    shown = {
        "title": data["title"].get(language) or data["title"]["da"],
        "to": recipient.name,
        "to_who": recipient.role,
        "why": data["purpose"].get(language) or data["purpose"]["da"],
        "note": request.note,
        "about": child.name if child else "",
        "meeting_at": meeting.starts_at.isoformat() if meeting else "",
        "covers": list(data["covers"]),
        "months": data["months"],
        "text": data["text"].get(language) or data["text"]["da"],
        "version": template.version,
    }
    if machine_translated(language) and data["text"].get(language):
        # A machine translation is shown with the Danish text beside it: the record keeps both.
        shown["text_da"] = data["text"]["da"]
    return shown


# The gate -------------------------------------------------------------------------------------------------


# Partner links --------------------------------------------------------------------------------------------


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
        token_hash=db.secret_hash(token),
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


def link_for_token(token: str) -> PartnerLink | None:
    """The link behind a secret address, or None; the work enters its municipality."""
    key = db.secret_hash(token[:100])
    return tenancy.find_by_key("partner", key, select(PartnerLink).where(PartnerLink.token_hash == key))


class MissingConsent(Exception):
    """Some invited people may not be sent the invitation yet; ``names`` says who."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


def send_invitations(family: Family, meeting, people: list, *, actor, now: datetime) -> list[tuple]:
    """Send a network meeting's invitation to the people invited from the map: one link each, only when the
    parents have consented to inviting every one of them to this meeting. Earlier invitations to the same meeting
    stop working, so only the newest address is in use.

    :param people: the NetworkPersons invited (participants from the map).
    :return: (person, secret) per invitation.
    :raises MissingConsent: naming everyone without consent; then nothing is sent.
    """
    allowed = permissions(family, {p.id for p in people}, now)
    missing = [p.name for p in people if not allowed[p.id].allows("meeting_invitation", meeting.id)]
    if missing:
        raise MissingConsent(missing)
    earlier = select(PartnerLink).where(
        PartnerLink.family_id == family.id, PartnerLink.meeting_id == meeting.id, PartnerLink.revoked_at.is_(None)
    )
    for link in db.session.scalars(earlier):
        revoke_link(family, link, actor=actor, now=now)
    return [(p, create_link(family, p, actor=actor, now=now, meeting=meeting)[1]) for p in people]
