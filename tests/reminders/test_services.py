"""Reminders: subscribing a browser, what is due, and sending each reminder once to a real (local) push receiver
that checks the signature and decrypts the message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db, logs
from familyapp.audit import AuditEvent
from familyapp.auth.models import User
from familyapp.meetings.models import Answer, MeetingReply
from familyapp.reminders import queries as reminder_queries
from familyapp.reminders import services, vapid
from familyapp.reminders.models import PushSubscription, ReminderSent
from tests import factories
from tests.push_receiver import PushReceiver, vapid_claims


def at_noon(day) -> datetime:
    """12:00 Danish time on a date, in UTC."""
    return datetime.combine(day, datetime.min.time(), tzinfo=db.LOCAL_ZONE).replace(hour=12).astimezone(UTC)


@pytest.fixture()
def tomorrow(ctx, world):
    """Family A has a meeting at 10:00 the day after ``now`` (noon, Danish time): the world and that time."""
    now = at_noon(db.local_today() + timedelta(days=3))
    starts = (now + timedelta(days=1)).replace(hour=9, minute=0)
    meeting = factories.make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=starts)
    return world, meeting, now


def sent_keys(user) -> list[str]:
    return sorted(db.session.scalars(select(ReminderSent.key).where(ReminderSent.user_id == user.id)))


class TestSubscribe:
    def test_a_browser_is_kept_once_and_a_shared_phone_changes_hands(self, ctx, world):
        with PushReceiver() as receiver:
            sub = receiver.subscription()
            services.subscribe(world.parent_a, sub, now=db.utcnow())
            services.subscribe(world.parent_a, sub, now=db.utcnow())  # the same browser again
            assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1
            # Another person signs in on the same phone and switches reminders on: it is theirs now.
            services.subscribe(world.parent_b, sub, now=db.utcnow())
            rows = list(db.session.scalars(select(PushSubscription)))
            assert [r.user_id for r in rows] == [world.parent_b.id]
            assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reminders.device_taken_over"))

    @pytest.mark.parametrize(
        "data",
        [
            None,
            "endpoint",
            {"endpoint": "https://fcm.googleapis.com/fcm/send/x"},
            {"endpoint": "https://evil.example/push", "keys": {"p256dh": "A" * 87, "auth": "B" * 22}},
            {"endpoint": "http://fcm.googleapis.com/fcm/send/x", "keys": {"p256dh": "A" * 87, "auth": "B" * 22}},
            {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "<script>", "auth": "B" * 22}},
            {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "A" * 87, "auth": 5}},
            {"endpoint": "https://fcm.googleapis.com/" + "x" * 2100, "keys": {"p256dh": "A" * 87, "auth": "B" * 22}},
            # Base64url, but not a point on the curve: every message to it would fail.
            {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "A" * 87, "auth": "B" * 22}},
            {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "BAAA", "auth": "B" * 22}},
        ],
    )
    def test_what_is_not_a_subscription_is_refused(self, ctx, world, data):
        with pytest.raises(services.BadSubscription):
            services.subscribe(world.parent_a, data, now=db.utcnow())

    def test_unsubscribe_only_ones_own(self, ctx, world):
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription("a"), now=db.utcnow())
            services.subscribe(world.parent_b, receiver.subscription("b"), now=db.utcnow())
            assert services.unsubscribe(world.parent_a, receiver.subscription("b")["endpoint"]) == 0
            assert services.unsubscribe(world.parent_a, receiver.subscription("a")["endpoint"]) == 1
            assert [r.user_id for r in db.session.scalars(select(PushSubscription))] == [world.parent_b.id]


class TestDue:
    def test_a_meeting_tomorrow_a_scale_that_opened_and_a_new_referat(self, tomorrow):
        world, meeting, now = tomorrow
        due = {d.kind: d.key for d in services.due_for(world.parent_a, now)}
        assert due["meeting"] == f"meeting:{meeting.id}:{meeting.starts_at.isoformat()}"
        assert due["scale"] == f"scale:wellbeing.m.{meeting.id}"  # the wellbeing window opened 48 hours before
        assert "referat" not in due
        past = factories.make_meeting(
            world.family_a, world.parent_a, world.consultant_a, starts_at=now - timedelta(days=2)
        )
        past.minutes, past.referat_at = "Vi talte om skolen", now - timedelta(hours=5)
        assert f"referat:{past.id}" in {d.key for d in services.due_for(world.parent_a, now)}

    def test_each_kind_can_be_switched_off(self, tomorrow):
        world, _meeting, now = tomorrow
        services.save_settings(world.parent_a, {"referat"})
        assert services.due_for(world.parent_a, now) == []
        services.save_settings(world.parent_a, {"meeting"})
        assert [d.kind for d in services.due_for(world.parent_a, now)] == ["meeting"]

    def test_a_moved_meeting_is_reminded_of_again_and_a_corrected_referat_is_not_news(self, tomorrow):
        world, meeting, now = tomorrow
        first = {d.key for d in services.due_for(world.parent_a, now) if d.kind == "meeting"}
        meeting.starts_at += timedelta(hours=2)
        assert {d.key for d in services.due_for(world.parent_a, now) if d.kind == "meeting"} != first
        past = factories.make_meeting(
            world.family_a, world.parent_a, world.consultant_a, starts_at=now - timedelta(days=2)
        )
        past.referat_at = now - timedelta(hours=5)
        before = {d.key for d in services.due_for(world.parent_a, now) if d.kind == "referat"}
        past.referat_at = now - timedelta(hours=1)
        assert {d.key for d in services.due_for(world.parent_a, now) if d.kind == "referat"} == before

    def test_not_when_the_parent_said_they_cannot_come(self, tomorrow):
        world, meeting, now = tomorrow
        db.session.add(
            MeetingReply(
                family_id=world.family_a.id, meeting_id=meeting.id, user_id=world.parent_a.id, answer=Answer.CANNOT
            )
        )
        db.session.flush()
        assert "meeting" not in {d.kind for d in services.due_for(world.parent_a, now)}

    def test_only_the_persons_own_meetings_and_not_cancelled_ones(self, tomorrow):
        world, meeting, now = tomorrow
        assert "meeting" not in {d.kind for d in services.due_for(world.parent_a2, now)}  # Jonas is not invited
        assert services.due_for(world.parent_b, now) == []  # another family
        meeting.cancelled_at = now
        assert "meeting" not in {d.kind for d in services.due_for(world.parent_a, now)}


class TestSend:
    def test_sent_once_signed_and_with_nothing_personal_in_it(self, app, tomorrow):
        world, meeting, now = tomorrow
        db.session.get(User, world.parent_a.id).language = "da"
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            assert services.send_due(now) == {"sent": 1, "gone": 0, "failed": 0}
            assert services.send_due(now + timedelta(minutes=15)) == {"sent": 0, "gone": 0, "failed": 0}
            (delivery,) = receiver.wait(1)
            message = receiver.decrypt(delivery)
            assert message["body"] == "Du har et møde i morgen" and message["url"] == "/"
            text = str(message)
            assert "Rådhuset" not in text and "Sara" not in text and str(meeting.id) not in text
            claims = vapid_claims(delivery, vapid.public_key(app))
            assert claims["aud"] == f"http://localhost:{receiver.port}" and claims["sub"].startswith("mailto:")
            assert claims["exp"] > now.timestamp() or claims["exp"] > datetime.now(UTC).timestamp()
            headers = {k.lower(): v for k, v in delivery.headers.items()}
            assert int(headers["ttl"]) == 8 * 3600  # until 20 o'clock, not into the night
            assert sent_keys(world.parent_a) == [f"meeting:{meeting.id}:{meeting.starts_at.isoformat()}"]

    def test_in_english_for_someone_who_reads_english(self, tomorrow):
        world, _meeting, now = tomorrow
        db.session.get(User, world.parent_a.id).language = "en"
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            services.send_due(now)
            assert receiver.decrypt(receiver.wait(1)[0])["body"] == "You have a meeting tomorrow"

    def test_a_browser_the_push_service_forgot_is_removed(self, tomorrow):
        world, meeting, now = tomorrow
        with PushReceiver(status=410) as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            assert services.send_due(now) == {"sent": 0, "gone": 1, "failed": 0}
            assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
            assert sent_keys(world.parent_a) == []  # nothing arrived: it stays due for another browser

    def test_a_failure_is_tried_again_next_time(self, tomorrow):
        world, meeting, now = tomorrow
        with PushReceiver(status=500) as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            assert services.send_due(now)["failed"] == 1
            receiver.status = 201
            assert services.send_due(now + timedelta(minutes=15))["sent"] == 1
            assert sent_keys(world.parent_a) == [f"meeting:{meeting.id}:{meeting.starts_at.isoformat()}"]

    def test_one_broken_browser_does_not_stop_the_others(self, tomorrow):
        world, _meeting, now = tomorrow
        with PushReceiver() as receiver:
            for user, name in ((world.parent_a, "a"), (world.parent_b, "b")):
                services.subscribe(user, receiver.subscription(name), now=now)
            calls = []

            def sender(info, *args, **kwargs):
                calls.append(info["endpoint"])
                raise ValueError("something odd in the push library")

            counts = services.send_due(now, sender=sender)
            assert counts["failed"] >= 1 and counts["sent"] == 0 and calls
            assert sent_keys(world.parent_a) == []  # tried again on the next run

    def test_a_person_has_reminders_on_a_few_browsers_at_most(self, tomorrow):
        world, _meeting, now = tomorrow
        with PushReceiver() as receiver:
            for i in range(services.MAX_BROWSERS + 2):
                services.subscribe(world.parent_a, receiver.subscription(f"b{i}"), now=now)
        rows = db.session.scalar(select(func.count()).select_from(PushSubscription))
        assert rows == services.MAX_BROWSERS

    def test_the_consultant_sees_reminders_on_only_when_some_kind_is(self, tomorrow):
        world, _meeting, now = tomorrow
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
        assert reminder_queries.with_reminders({world.parent_a.id, world.parent_a2.id}) == {world.parent_a.id}
        services.save_settings(world.parent_a, set())
        assert reminder_queries.with_reminders({world.parent_a.id}) == set()

    def test_the_worker_sends_each_reminder_once_and_goes_on_after_a_failed_round(
        self, app, runner, tomorrow, monkeypatch, caplog
    ):
        """``flask worker`` (the container's job process): a round sends what is due, the next round finds it
        sent; a round that fails is logged without its message and the worker does not stop."""
        world, _meeting, now = tomorrow
        db.session.commit()
        monkeypatch.setattr(db, "utcnow", lambda: now)
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            db.session.commit()
            first = runner.invoke(args=["worker", "--rounds", "1"])
            assert first.exit_code == 0 and "Sent 1 reminders" in first.output, first.output
            again = runner.invoke(args=["worker", "--rounds", "1"])
            assert "Sent 0 reminders" in again.output and len(receiver.deliveries) == 1

        def broken(_now):
            raise RuntimeError("Sara Nielsen 010203-1234")

        monkeypatch.setattr(services, "send_due", broken)
        failed = runner.invoke(args=["worker", "--rounds", "1"])
        assert failed.exit_code == 0 and "A round of jobs failed" in failed.output
        (record,) = [r for r in caplog.records if r.getMessage() == "a round of jobs failed"]
        assert "Sara" not in json.dumps(json.loads(logs.JsonFormatter().format(record)))

    def test_nothing_at_night(self, tomorrow):
        world, _meeting, now = tomorrow
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            night = now.astimezone(db.LOCAL_ZONE).replace(hour=23).astimezone(UTC)
            assert services.send_due(night) == {"sent": 0, "gone": 0, "failed": 0}
            assert receiver.deliveries == []

    def test_the_command_sends_what_is_due(self, app, runner, tomorrow):
        world, meeting, now = tomorrow
        db.session.commit()
        with PushReceiver() as receiver:
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            db.session.commit()
            result = runner.invoke(args=["reminders", "send", "--at", now.isoformat()])
            assert "Sent 1 reminders" in result.output, result.output
            again = runner.invoke(args=["reminders", "send", "--at", now.isoformat()])
            assert "Sent 0 reminders" in again.output
            assert len(receiver.deliveries) == 1
            bad = runner.invoke(args=["reminders", "send", "--at", "tomorrow"])
            assert bad.exit_code != 0 and "ISO 8601" in bad.output
