"""Consent to sharing: versioned texts, requests to the family, the parents' append-only records, and the
revocable links through which a named partner sees what is consented."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, created_at, uuidpk
from ..tenancy import Tenanted

#: The kinds of information a consent can cover, as the templates name them.
KINDS = ("plan", "meetings", "referat", "scales", "meeting_invitation")


class ConsentTemplate(Base):
    """One version of a consent text, as validated data (consent.templates). Never changed: a new text is a new
    version, and consents given to an older text no longer count."""

    __tablename__ = "consent_templates"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[uuidpk]
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    #: title, purpose and text in every language, the kinds covered, who must consent, how long it lasts.
    data: Mapped[dict] = mapped_column(JSON)
    #: The version in use for its key; requests on older versions must be consented again.
    active: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ConsentTemplate {self.key} v{self.version}>"


class ConsentRequest(Tenanted, Base):
    """The consultant asks the family: may this be shared with this recipient, for this purpose?"""

    __tablename__ = "consent_requests"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_templates.id"))
    #: Who would receive the information: a person on the family's network map.
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("network_people.id"))
    #: The child the consent concerns, if it concerns one.
    about_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    #: The consultant's own words on why, shown with the text.
    note: Mapped[str] = mapped_column(String(300), default="")
    #: The one meeting an invitation consent is for (a network meeting): a new meeting needs a new consent.
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    def __repr__(self) -> str:
        return f"<ConsentRequest {self.id}>"


class ConsentRecord(Tenanted, Base):
    """A parent gave or withdrew consent: who, when, to exactly which text, about what, to whom, until when.
    Append-only (below, and database triggers in the migration)."""

    __tablename__ = "consent_records"
    #: The n-th record of a parent on a request: two taps at once cannot both add "given".
    __table_args__ = (UniqueConstraint("request_id", "user_id", "seq"),)

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_requests.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    #: "given" or "withdrawn".
    action: Mapped[str] = mapped_column(String(12))
    at: Mapped[created_at]
    #: A given consent ends then (None: until withdrawn).
    expires_at: Mapped[datetime | None]
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_templates.id"))
    language: Mapped[str] = mapped_column(String(5))
    seq: Mapped[int] = mapped_column(default=1)
    #: The exact text the parent saw.
    text: Mapped[str] = mapped_column(Text)
    #: Everything else the parent was shown, as it was then: title, recipient, purpose, the consultant's note, the
    #: child, the meeting, what is covered. A renamed map entry cannot change whom a consent was given to.
    shown: Mapped[dict] = mapped_column(JSON, default=dict)
    #: SHA-256 of the text and everything shown with it, so the consent can be shown to be what it was.
    text_hash: Mapped[str] = mapped_column(String(64))
    #: How the parent confirmed: "passkey" (a fresh passkey confirmation) or "sign-in" (a new sign-in).
    confirmed_by: Mapped[str] = mapped_column(String(20))

    def __repr__(self) -> str:
        return f"<ConsentRecord {self.action} at {self.at}>"


@event.listens_for(ConsentRecord, "before_update")
@event.listens_for(ConsentRecord, "before_delete")
def _append_only(_mapper, _connection, _target):
    raise RuntimeError("consent records are append-only")


class PartnerLink(Tenanted, Base):
    """A time-limited, revocable address through which a named partner sees what the family has consented to
    share with them; with a meeting, it is that meeting's invitation. Only the address's hash is kept."""

    __tablename__ = "partner_links"

    id: Mapped[uuidpk]
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("network_people.id"))
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<PartnerLink {self.id}>"
