"""Notices to the owner of a login about what changed on it (a new passkey, a new adult with custody): shown at
their next sign-in on any device until read, and pushed to their phones. Services flush and audit; the caller
commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update

from .. import db
from ..audit import record_event
from .models import SecurityNotice, User


def tell(user_id, kind: str, *, family_id=None, data: dict) -> SecurityNotice:
    """Leave a notice for the owner of a login, shown at their next sign-in anywhere and pushed to their phones."""
    notice = SecurityNotice(user_id=user_id, family_id=family_id, kind=kind, data=data, created_at=db.utcnow())
    db.session.add(notice)
    db.session.flush()
    return notice


def unread_notices(user: User) -> list[SecurityNotice]:
    """The owner's notices not yet read, newest first."""
    stmt = (
        select(SecurityNotice)
        .where(SecurityNotice.user_id == user.id, SecurityNotice.read_at.is_(None))
        .order_by(SecurityNotice.created_at.desc())
    )
    return list(db.session.scalars(stmt))


def any_unread(user: User):
    """Whether the owner has a notice to read, as a SQL condition a screen can select beside its other figures
    (the home screen loads the notices only when there are some)."""
    return exists().where(SecurityNotice.user_id == user.id, SecurityNotice.read_at.is_(None))


def has_unread(user: User) -> bool:
    """Whether the owner has a notice to read (asked once, at sign-in)."""
    return bool(db.session.scalar(select(any_unread(user))))


def mark_read(user: User, now: datetime) -> int:
    """The owner has read their notices."""
    result = db.session.execute(
        update(SecurityNotice)
        .where(SecurityNotice.user_id == user.id, SecurityNotice.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    record_event(user, "notices.read", obj=user)
    return result.rowcount or 0
