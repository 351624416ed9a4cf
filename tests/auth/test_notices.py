"""Notices to a login's owner: left for them, read newest first, only their own, and marked read (audited)."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth import notices
from familyapp.auth.models import SecurityNotice


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session."""
    return SimpleNamespace(**{f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)})


def _tell(user, kind="custody_added", ago=timedelta(0), **data):
    notice = notices.tell(user.id, kind, family_id=None, data=data)
    notice.created_at = db.utcnow() - ago
    db.session.flush()
    return notice


def test_a_notice_is_left_unread_for_the_owner(a):
    notice = notices.tell(a.parent_a.id, "new_passkey", family_id=a.family_a.id, data={"by": "Mette A"})
    stored = db.session.scalar(select(SecurityNotice).where(SecurityNotice.id == notice.id))
    assert stored.user_id == a.parent_a.id and stored.family_id == a.family_a.id
    assert stored.kind == "new_passkey" and stored.data == {"by": "Mette A"}
    assert stored.read_at is None and stored.created_at is not None


def test_unread_notices_are_the_owners_own_newest_first(a):
    old = _tell(a.parent_a, ago=timedelta(hours=2), name="old")
    new = _tell(a.parent_a, ago=timedelta(minutes=1), name="new")
    middle = _tell(a.parent_a, ago=timedelta(hours=1), name="middle")
    _tell(a.parent_a2, name="someone else's")
    assert notices.unread_notices(a.parent_a) == [new, middle, old]
    assert [n.data["name"] for n in notices.unread_notices(a.parent_a2)] == ["someone else's"]
    assert notices.unread_notices(a.parent_b) == []


def test_has_unread_is_only_the_owners(a):
    assert not notices.has_unread(a.parent_a)
    _tell(a.parent_a2)
    assert not notices.has_unread(a.parent_a) and notices.has_unread(a.parent_a2)


def test_mark_read_marks_only_the_owners_and_is_audited(a):
    mine = [_tell(a.parent_a), _tell(a.parent_a, ago=timedelta(minutes=5))]
    theirs = _tell(a.parent_a2)
    now = db.utcnow()
    assert notices.mark_read(a.parent_a, now) == 2
    for notice in mine:
        db.session.refresh(notice)
        assert notice.read_at == now
    db.session.refresh(theirs)
    assert theirs.read_at is None
    assert notices.unread_notices(a.parent_a) == [] and not notices.has_unread(a.parent_a)
    assert notices.has_unread(a.parent_a2)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "notices.read")))
    assert [(e.actor_id, e.object_id) for e in events] == [(a.parent_a.id, str(a.parent_a.id))]


def test_a_read_notice_is_not_marked_again(a):
    notice = _tell(a.parent_a)
    first = db.utcnow()
    notices.mark_read(a.parent_a, first)
    assert notices.mark_read(a.parent_a, first + timedelta(hours=1)) == 0
    db.session.refresh(notice)
    assert notice.read_at == first
