"""Reminder queries (familyapp/reminders/queries.py): who of the asked people has reminders on a phone with at
least one kind switched on, in one query, and nobody else."""

from __future__ import annotations

import uuid

from familyapp import db
from familyapp.reminders import queries
from familyapp.reminders.models import PushSubscription, ReminderSetting


def phone(user) -> PushSubscription:
    """A push subscription row for the user (a browser's address; no push service is contacted)."""
    endpoint = f"https://push.example/{uuid.uuid4()}"
    row = PushSubscription(
        user_id=user.id, endpoint=endpoint, endpoint_hash=db.secret_hash(endpoint), p256dh="k", auth="a"
    )
    db.session.add(row)
    db.session.flush()
    return row


def settings(user, meeting=False, scale=False, referat=False) -> None:
    db.session.add(ReminderSetting(user_id=user.id, meeting=meeting, scale=scale, referat=referat))
    db.session.flush()


def test_a_phone_without_settings_counts_as_every_kind_on(ctx, world):
    phone(world.parent_a)
    assert queries.with_reminders({world.parent_a.id, world.parent_a2.id}) == {world.parent_a.id}


def test_every_kind_switched_off_is_no_reminders(ctx, world):
    phone(world.parent_a)
    settings(world.parent_a)
    assert queries.with_reminders({world.parent_a.id}) == set()


def test_any_one_kind_switched_on_is_enough(ctx, world):
    for user, kind in ((world.parent_a, "meeting"), (world.parent_a2, "scale"), (world.parent_b, "referat")):
        phone(user)
        settings(user, **{kind: True})
    assert queries.with_reminders({world.parent_a.id, world.parent_a2.id, world.parent_b.id}) == {
        world.parent_a.id,
        world.parent_a2.id,
        world.parent_b.id,
    }


def test_settings_without_a_phone_are_no_reminders(ctx, world):
    settings(world.parent_a, meeting=True, scale=True, referat=True)
    assert queries.with_reminders({world.parent_a.id}) == set()


def test_someone_not_asked_about_is_never_returned(ctx, world):
    phone(world.parent_a)
    phone(world.parent_b)
    assert queries.with_reminders({world.parent_a2.id, world.parent_a.id}) == {world.parent_a.id}


def test_two_phones_are_one_person_in_one_query(ctx, world, count_queries):
    phone(world.parent_a)
    phone(world.parent_a)
    phone(world.parent_a2)
    with count_queries() as q:
        found = queries.with_reminders({world.parent_a.id, world.parent_a2.id, world.parent_b.id})
    assert found == {world.parent_a.id, world.parent_a2.id} and len(q) == 1


def test_nobody_asked_about_asks_nothing(ctx, count_queries):
    with count_queries() as q:
        assert queries.with_reminders(set()) == set()
    assert q == []
