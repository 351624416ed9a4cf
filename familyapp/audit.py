"""Append-only audit trail: every professional read of a family's pages and every change by anyone."""

from __future__ import annotations

import hashlib
import uuid

from flask import current_app, has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, event, inspect, select, update
from sqlalchemy.orm import Mapped, mapped_column

from . import db
from .db import Base, created_at, uuidpk
from .tenancy import TenantedOrNational


class AuditEvent(TenantedOrNational, Base):
    """One thing that happened. Rows are never updated or deleted (enforced below)."""

    __tablename__ = "audit_events"

    id: Mapped[uuidpk]
    at: Mapped[created_at]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The actor's role at the time, kept even if the role changes later.
    actor_role: Mapped[str | None] = mapped_column(String(20))
    family_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("families.id"), index=True)
    #: A dotted tag such as "family.viewed" or "passkey.added".
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: Small, non-sensitive facts only (a page name, a changed field's name); never answers or free text.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Salted hash of the client address, so repeated abuse can be seen without storing the address.
    ip_hash: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} at {self.at}>"


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper, _connection, target):
    raise RuntimeError("audit events are append-only")


def _ip_hash() -> str | None:
    if not has_request_context() or not request.remote_addr:
        return None
    salt = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(salt + request.remote_addr.encode()).hexdigest()


#: Audited reads: a professional looking at the family's pages (or a calendar app or a partner's link fetching
#: what they may see). They are kept like changes, but they change nothing of the family, so its version stays.
READ_ACTIONS = frozenset({"family.viewed", "calendar.feed_read", "partner.viewed", "partner.refused"})


def family_changed(family) -> None:
    """Something of the family changed: its version goes up (by the database, so two changes at once both count),
    and every page of it stops matching a browser's kept copy. Called by ``record_event`` for every change; a
    change that is not audited (a draft kept, a reply marked as seen) calls it itself.

    :param family: the Family (its class gives the table, so the core needs no import of the families package).
    """
    model = type(family)
    state = inspect(family)
    if state.transient or state.pending:
        return  # a family being created starts at its first version
    if state.persistent:
        # Written with the family's next flush; the attribute is read back afterwards.
        family.version = model.version + 1
    else:
        db.session.execute(update(model).where(model.id == family.id).values(version=model.version + 1))


def record_event(actor, action: str, *, family=None, obj=None, data: dict | None = None) -> AuditEvent:
    """Add an audit event to the session (the caller commits).

    :param actor: the User who acted, or None for the system or an anonymous visitor.
    :param action: a dotted tag, e.g. ``"family.viewed"``.
    :param family: the Family concerned, if any.
    :param obj: the object concerned, if any (its class name and id are stored).
    :param data: small non-sensitive details.
    :return: the new event.
    """
    actor = actor if getattr(actor, "is_authenticated", False) else None
    ev = AuditEvent(
        at=db.utcnow(),
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        family_id=family.id if family is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None else None,
        data=data or {},
        ip_hash=_ip_hash(),
    )
    db.session.add(ev)
    if family is not None and action not in READ_ACTIONS:
        family_changed(family)
    return ev


def latest_events(family_id=None, limit: int = 50) -> list[AuditEvent]:
    """The newest events, optionally for one family."""
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc()).limit(limit)
    if family_id is not None:
        stmt = stmt.where(AuditEvent.family_id == family_id)
    return list(db.session.scalars(stmt))
