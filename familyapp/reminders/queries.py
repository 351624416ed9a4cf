"""Read-only queries about reminders: for the consultant's view of a family, and the person's own browsers."""

from __future__ import annotations

from sqlalchemy import or_, select

from .. import db
from .models import PushSubscription, ReminderSetting


def with_reminders(user_ids: set) -> set:
    """Which of these people have reminders on a phone, with at least one kind switched on (one query). Only
    that: never what."""
    if not user_ids:
        return set()
    some_kind = or_(
        ReminderSetting.user_id.is_(None), ReminderSetting.meeting, ReminderSetting.scale, ReminderSetting.referat
    )
    stmt = (
        select(PushSubscription.user_id)
        .outerjoin(ReminderSetting, ReminderSetting.user_id == PushSubscription.user_id)
        .where(PushSubscription.user_id.in_(user_ids), some_kind)
    )
    return set(db.session.scalars(stmt))


def own_browsers(user_id) -> list[str]:
    """The SHA-256 of the push addresses of the person's own browsers (as stored): the reminders page tells by them
    whether this phone's subscription reminds this person, or is left from someone else on a shared phone."""
    stmt = select(PushSubscription.endpoint_hash).where(PushSubscription.user_id == user_id)
    return list(db.session.scalars(stmt))
