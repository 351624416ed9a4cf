"""Users, their passkeys, one-time activations, server-side sessions and rate-limit counters."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, created_at, str_100, uuidpk
from ..tenancy import TenantedOrNational


class Role(enum.Enum):
    """What a login is for; decides which pages exist for it."""

    PARENT = "parent"
    YOUNG_PERSON = "young_person"
    CONSULTANT = "consultant"
    ADMIN = "admin"
    #: The team's leader: confirms recoveries, sees figures across families, never a family's content.
    LEADER = "leader"
    #: National: adds municipalities and their first admin; belongs to none, sees no family.
    OPERATOR = "operator"

    @property
    def is_professional(self) -> bool:
        return self in (Role.CONSULTANT, Role.ADMIN, Role.LEADER, Role.OPERATOR)


class User(TenantedOrNational, Base):
    """A login. Parents and young people are linked to a Person in a family; professionals are not."""

    __tablename__ = "users"

    id: Mapped[uuidpk]
    role: Mapped[Role]
    name: Mapped[str_100]
    #: Shown to families as the way to reach their consultant.
    phone: Mapped[str | None] = mapped_column(String(40))
    #: When families can reach the consultant, in plain words ("Man-fre kl. 9-15").
    reachable: Mapped[str | None] = mapped_column(String(100))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    #: "da" or "en"; None means: follow the browser.
    language: Mapped[str | None] = mapped_column(String(5))
    #: Random WebAuthn user handle (never the primary key): identifies the user to authenticators.
    webauthn_handle: Mapped[bytes] = mapped_column(LargeBinary(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]

    person: Mapped[Person | None] = relationship(lazy="raise")  # noqa: F821
    passkeys: Mapped[list[Passkey]] = relationship(back_populates="user", lazy="raise", order_by="Passkey.created_at")

    # Flask-Login protocol
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class Passkey(TenantedOrNational, Base):
    """A WebAuthn credential registered by a user."""

    __tablename__ = "passkeys"

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    #: 0 means "this authenticator keeps no counter" (synced passkeys).
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    transports: Mapped[list] = mapped_column(JSON, default=list)
    label: Mapped[str_100]
    backed_up: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="passkeys", lazy="raise")

    def __repr__(self) -> str:
        return f"<Passkey {self.id} of {self.user_id}>"


class Activation(TenantedOrNational, Base):
    """A one-time link and code that lets a person register a passkey (first time or after a lost phone)."""

    __tablename__ = "activations"

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the secret in the link; the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the normalised short code typed by hand.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: Set when a newer activation for the same user replaced this one.
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")

    def usable(self, now: datetime) -> bool:
        """Not used, not replaced and not expired."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<Activation {self.id} for {self.user_id}>"


class UserSession(TenantedOrNational, Base):
    """A server-side session: the cookie holds only a random id whose hash is the key here."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime]
    #: When the user signed in (absolute timeout and "recent sign-in" checks).
    signed_in_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<UserSession of {self.user_id}>"


class RateLimitHit(Base):
    """Attempts counted per key and time window, in the database so that every worker sees them."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (UniqueConstraint("key", "window_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<RateLimitHit {self.key} {self.count}>"


class RecoveryRequest(TenantedOrNational, Base):
    """A new activation for a login that already has a passkey (a lost phone). One professional asks, a second
    one confirms, and only then the one who asked is shown the link and code, once: nobody alone can hand
    themselves someone else's login."""

    __tablename__ = "recovery_requests"

    id: Mapped[uuidpk]
    #: The login to recover.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    #: The family of a parent or young person; None for a professional's own login.
    family_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("families.id"), index=True)
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    #: After this, the request can be neither confirmed nor handed out.
    expires_at: Mapped[datetime]
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    #: When the link and code were shown to the one who asked (once).
    handed_out_at: Mapped[datetime | None]
    activation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("activations.id"))
    #: A newer request for the same login, or the one who asked withdrew it.
    cancelled_at: Mapped[datetime | None]

    def state(self, now: datetime) -> str:
        """ "waiting" for a second person, "confirmed" (ready to hand out), "done", "cancelled" or "expired"."""
        if self.handed_out_at is not None:
            return "done"
        if self.cancelled_at is not None:
            return "cancelled"
        if now >= self.expires_at:
            return "expired"
        return "confirmed" if self.confirmed_at is not None else "waiting"

    def __repr__(self) -> str:
        return f"<RecoveryRequest {self.id} for {self.user_id}>"


class LoginConfirmation(TenantedOrNational, Base):
    """A professional's login made by an admin, waiting for a second person (the team leader or another admin).
    Until it is confirmed the login is not active: no activation, no sign-in, no family to be assigned to. So no
    admin alone can make up a consultant, assign it to a family and read the family through it."""

    __tablename__ = "login_confirmations"

    id: Mapped[uuidpk]
    #: The new login (one confirmation each).
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    #: The admin who made it.
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<LoginConfirmation for {self.user_id}>"


class SecurityNotice(TenantedOrNational, Base):
    """Something the owner of a login must hear about: a new phone on their login, a new adult with custody in
    their family. Shown at their next sign-in on any device until they have read it, and pushed to their phones."""

    __tablename__ = "security_notices"

    id: Mapped[uuidpk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    family_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("families.id"), index=True)
    #: "new_passkey", "custody_added" or "consultant_assigned".
    kind: Mapped[str] = mapped_column(String(40))
    #: Names to show (who did it, who confirmed it, who was added); never secrets.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[created_at]
    read_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<SecurityNotice {self.kind} for {self.user_id}>"
