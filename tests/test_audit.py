"""The audit trail (familyapp/audit.py): what an event records, the client address only as a salted hash, the
actor only when signed in, rows that cannot be changed, and the newest events per family."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent, latest_events, record_event


def test_an_event_names_its_actor_family_and_object(app, world):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.10"}):
        consultant = db.session.merge(world.consultant_a)
        family = db.session.merge(world.family_a)
        event = record_event(consultant, "test.done", family=family, obj=consultant, data={"page": "plan"})
        db.session.flush()
        assert event.actor_id == consultant.id and event.actor_role == consultant.role.value
        assert event.family_id == family.id
        assert (event.object_type, event.object_id) == ("User", str(consultant.id))
        assert event.data == {"page": "plan"} and event.at is not None


def test_the_address_is_kept_only_as_a_hash_salted_with_the_secret(app, world):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.10"}):
        event = record_event(None, "test.seen")
    salted = hashlib.sha256(app.config["SECRET_KEY"].encode() + b"192.0.2.10").hexdigest()
    assert event.ip_hash == salted
    assert event.ip_hash != hashlib.sha256(b"192.0.2.10").hexdigest()  # not guessable without the secret


def test_without_a_request_there_is_no_address(ctx):
    assert record_event(None, "test.cli").ip_hash is None


@pytest.mark.parametrize("actor", [None, SimpleNamespace(is_authenticated=False, id="x", role=None)])
def test_an_anonymous_visitor_is_no_actor(ctx, actor):
    event = record_event(actor, "test.anonymous")
    assert event.actor_id is None and event.actor_role is None
    assert event.family_id is None and event.object_type is None and event.data == {}


def test_events_can_be_neither_changed_nor_deleted(ctx):
    event = record_event(None, "test.kept")
    db.session.flush()
    event.action = "test.changed"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    event = record_event(None, "test.kept")
    db.session.flush()
    db.session.delete(event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_the_newest_events_first_for_one_family_or_all(ctx, world):
    family_a, family_b = db.session.merge(world.family_a), db.session.merge(world.family_b)
    for family in (family_a, family_b, family_a):
        record_event(None, "test.listed", family=family)
    db.session.flush()
    for_a = latest_events(family_a.id)
    assert for_a and all(e.family_id == family_a.id for e in for_a)
    assert [e.at for e in for_a] == sorted((e.at for e in for_a), reverse=True)
    assert len(latest_events(limit=2)) == 2
    everyone = {e.family_id for e in latest_events(limit=1000)}
    assert {family_a.id, family_b.id} <= everyone
    total = len(db.session.scalars(select(AuditEvent.id)).all())
    assert len(latest_events(limit=total + 10)) == total
