"""Meeting services (familyapp/meetings/services.py), called directly: times that cannot be right are refused,
a moved meeting keeps its old time, stale forms and cancelled meetings are refused, the family's replies are one
per person and wait to be seen, and every change is audited. Calendar addresses are kept only as hashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.locking import Conflict
from familyapp.meetings import services
from familyapp.meetings.models import (
    Answer,
    CalendarFeed,
    Meeting,
    MeetingQuestion,
    MeetingReply,
    MeetingSuggestion,
)
from tests.factories import invite_member, make_meeting, meeting_participant
from tests.network.helpers import person_named


def actions(family=None, obj=None) -> list[str]:
    stmt = select(AuditEvent.action).order_by(AuditEvent.at)
    if family is not None:
        stmt = stmt.where(AuditEvent.family_id == family.id)
    if obj is not None:
        stmt = stmt.where(AuditEvent.object_id == str(obj.id))
    return list(db.session.scalars(stmt))


def meeting_in(world, days: float, family=None, **data) -> Meeting:
    """A meeting of family A (or ``family``) starting ``days`` from now, an hour long."""
    family = family or world.family_a
    parent = world.parent_a if family is world.family_a else world.parent_b
    consultant = world.consultant_a if family is world.family_a else world.consultant_b
    start = db.utcnow().replace(microsecond=0) + timedelta(days=days)
    return make_meeting(family, parent, consultant, starts_at=start, **data)


def values(meeting: Meeting, **changes) -> dict:
    return {k: getattr(meeting, k) for k in services.FIELDS} | changes


def same_people(meeting: Meeting) -> list[dict]:
    return [
        {"kind": p.kind.value, "person_id": p.person_id, "user_id": p.user_id, "name": p.name, "role": p.role}
        for p in meeting.participants
    ]


# Times ----------------------------------------------------------------------------------------------------


def test_a_meeting_that_ends_before_or_as_it_starts_is_refused(ctx, world):
    now = db.utcnow()
    for length in (timedelta(0), timedelta(minutes=-30)):
        with pytest.raises(services.MeetingError) as refused:
            services.check_times(now + timedelta(days=1), now + timedelta(days=1) + length, now)
        assert refused.value.key == "ends_before_start"


@pytest.mark.parametrize("years", [3, -3])
def test_a_meeting_years_away_is_taken_for_a_typo(ctx, world, years):
    now = db.utcnow()
    start = now + timedelta(days=365 * years)
    with pytest.raises(services.MeetingError) as refused:
        services.check_times(start, start + timedelta(hours=1), now)
    assert refused.value.key == "too_far"
    services.check_times(now + timedelta(days=700), now + timedelta(days=700, hours=1), now)


def test_creating_a_meeting_with_bad_times_stores_nothing(ctx, world):
    count = db.session.scalar(select(func.count()).select_from(Meeting))
    now = db.utcnow()
    with pytest.raises(services.MeetingError):
        make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=now, ends_at=now)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == count


def test_creating_a_meeting_is_audited_with_its_participants(ctx, world):
    meeting = meeting_in(world, 3)
    assert actions(world.family_a, meeting) == ["meeting.created"]
    assert {p.kind.value for p in meeting.participants} == {"member", "consultant", "other"}


# Overlaps -------------------------------------------------------------------------------------------------


def test_overlaps_in_the_family_but_not_back_to_back_or_cancelled(ctx, world):
    meeting = meeting_in(world, 3)
    start, end = meeting.starts_at, meeting.ends_at
    assert services.overlapping(world.family_a, start + timedelta(minutes=30), end + timedelta(hours=1)) == [meeting]
    assert services.overlapping(world.family_a, end, end + timedelta(hours=1)) == []
    assert services.overlapping(world.family_a, start, end, exclude=meeting) == []
    services.cancel_meeting(world.family_a, meeting, "Syg", actor=world.consultant_a)
    assert services.overlapping(world.family_a, start, end) == []


def test_a_consultant_booked_in_another_family_at_the_same_time_is_an_overlap(ctx, world):
    elsewhere = meeting_in(world, 4, family=world.family_b)
    start, end = elsewhere.starts_at, elsewhere.ends_at
    assert services.overlapping(world.family_a, start, end) == []
    found = services.overlapping(world.family_a, start, end, user_ids=(world.consultant_b.id,))
    assert found == [elsewhere]
    assert services.overlapping(world.family_a, start, end, user_ids=(world.consultant_a.id,)) == []


# Changes --------------------------------------------------------------------------------------------------


def test_a_new_time_marks_the_meeting_as_moved_and_keeps_the_old_time(ctx, world):
    meeting = meeting_in(world, 3)
    old_start = meeting.starts_at
    later = {"starts_at": old_start + timedelta(days=1), "ends_at": meeting.ends_at + timedelta(days=1)}
    services.update_meeting(
        world.family_a,
        meeting,
        values(meeting, **later),
        same_people(meeting),
        actor=world.consultant_a,
        now=db.utcnow(),
        version=meeting.version,
    )
    assert meeting.moved_from == old_start and meeting.version == 2
    assert actions(world.family_a, meeting) == ["meeting.created", "meeting.changed"]


def test_a_change_that_keeps_the_time_is_not_a_move(ctx, world):
    meeting = meeting_in(world, 3)
    services.update_meeting(
        world.family_a,
        meeting,
        values(meeting, place="Hjemme"),
        same_people(meeting),
        actor=world.consultant_a,
        now=db.utcnow(),
        version=meeting.version,
    )
    assert meeting.moved_from is None and meeting.place == "Hjemme"


@pytest.mark.parametrize("shown", [None, 0, 2])
def test_a_change_from_a_stale_or_unversioned_form_is_a_conflict(ctx, world, shown):
    meeting = meeting_in(world, 3)
    with pytest.raises(Conflict):
        services.update_meeting(
            world.family_a,
            meeting,
            values(meeting, place="Et andet sted"),
            [],
            actor=world.consultant_a,
            now=db.utcnow(),
            version=shown,
        )
    assert actions(world.family_a, meeting) == ["meeting.created"]


def test_a_cancelled_meeting_can_be_neither_changed_nor_cancelled_again(ctx, world):
    meeting = meeting_in(world, 3)
    services.cancel_meeting(world.family_a, meeting, "Syg", actor=world.consultant_a)
    assert meeting.cancel_reason == "Syg" and meeting.cancelled
    with pytest.raises(services.MeetingError) as refused:
        services.cancel_meeting(world.family_a, meeting, "Igen", actor=world.consultant_a)
    assert refused.value.key == "cancelled" and meeting.cancel_reason == "Syg"
    with pytest.raises(services.MeetingError):
        services.update_meeting(
            world.family_a, meeting, values(meeting), [], actor=world.consultant_a, now=db.utcnow(), version=2
        )
    assert actions(world.family_a, meeting) == ["meeting.created", "meeting.cancelled"]


def test_the_referat_is_saved_once_per_version_and_audited_without_its_text(ctx, world):
    meeting = meeting_in(world, -2)
    text = {"minutes": "HEMMELIGT REFERAT", "decisions": "Ny plan", "next_step": "Møde igen"}
    services.save_referat(world.family_a, meeting, text, actor=world.consultant_a, version=1)
    assert meeting.referat_at is not None and meeting.minutes == "HEMMELIGT REFERAT"
    with pytest.raises(Conflict):
        services.save_referat(world.family_a, meeting, {**text, "minutes": "B"}, actor=world.consultant_a, version=1)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.referat_saved")).all()
    assert len(events) == 1 and "HEMMELIGT" not in str(events[0].data)


# The family's replies -------------------------------------------------------------------------------------


def test_a_new_answer_replaces_the_old_one_and_waits_to_be_seen_again(ctx, world):
    meeting = meeting_in(world, 3)
    now = db.utcnow()
    first = services.reply(world.family_a, meeting, world.parent_a, Answer.COMING, "", "", now=now)
    services.mark_seen(meeting, now)
    db.session.refresh(first)
    assert first.seen_at is not None
    second = services.reply(world.family_a, meeting, world.parent_a, Answer.CANNOT, "Arbejde", "Flyt", now=now)
    assert second.id == first.id and (second.answer, second.reason, second.seen_at) == (Answer.CANNOT, "Arbejde", None)
    assert db.session.scalar(select(func.count()).where(MeetingReply.meeting_id == meeting.id)) == 1
    replied = db.session.scalars(
        select(AuditEvent.data).where(AuditEvent.action == "meeting.replied").order_by(AuditEvent.at)
    ).all()
    assert replied == [{"answer": "coming"}, {"answer": "cannot"}]


@pytest.mark.parametrize(("cancel", "key"), [(True, "reply_cancelled"), (False, "reply_past")])
def test_no_reply_or_question_to_a_cancelled_or_past_meeting(ctx, world, cancel, key):
    meeting = meeting_in(world, 1 if cancel else -2)
    if cancel:
        services.cancel_meeting(world.family_a, meeting, "", actor=world.consultant_a)
    now = db.utcnow()
    with pytest.raises(services.MeetingError) as refused:
        services.reply(world.family_a, meeting, world.parent_a, Answer.COMING, "", "", now=now)
    assert refused.value.key == key
    with pytest.raises(services.MeetingError):
        services.add_question(world.family_a, meeting, world.parent_a, "Kan vi tale om skolen?", now=now)
    granny = person_named(world.family_a, "Bente")
    with pytest.raises(services.MeetingError):
        services.suggest_participants(world.family_a, meeting, world.parent_a, [granny], now=now)
    assert db.session.scalar(select(func.count()).where(MeetingQuestion.meeting_id == meeting.id)) == 0
    assert db.session.scalar(select(func.count()).where(MeetingSuggestion.meeting_id == meeting.id)) == 0


def test_a_question_is_kept_and_audited_without_its_text(ctx, world):
    meeting = meeting_in(world, 3)
    question = services.add_question(world.family_a, meeting, world.parent_a, "PRIVAT SPØRGSMÅL", now=db.utcnow())
    assert question.user_id == world.parent_a.id and question.seen_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.question_added"))
    assert event.actor_id == world.parent_a.id and "PRIVAT" not in str(event.data)


def test_each_person_is_suggested_once_and_participants_are_not_suggested(ctx, world):
    family, meeting = world.family_a, meeting_in(world, 3)
    granny, caseworker = person_named(family, "Bente"), person_named(family, "Karsten Berg")
    meeting.participants.append(meeting_participant(family, meeting, services.participant_from_map(caseworker)))
    db.session.flush()
    invite_member(family, meeting, world.parent_a2)
    now = db.utcnow()
    assert services.suggest_participants(family, meeting, world.parent_a, [granny, caseworker], now=now) == 1
    assert services.suggest_participants(family, meeting, world.parent_a, [granny], now=now) == 0
    # Another family member may suggest the same person on their own.
    assert services.suggest_participants(family, meeting, world.parent_a2, [granny], now=now) == 1
    rows = db.session.scalars(select(MeetingSuggestion).where(MeetingSuggestion.meeting_id == meeting.id)).all()
    assert sorted((r.user_id == world.parent_a.id, r.network_person_id == granny.id) for r in rows) == [
        (False, True),
        (True, True),
    ]
    counts = db.session.scalars(
        select(AuditEvent.data).where(AuditEvent.action == "meeting.participants_suggested").order_by(AuditEvent.at)
    ).all()
    assert counts == [{"count": 1}, {"count": 0}, {"count": 1}]


def test_mark_seen_clears_only_this_meetings_waiting_rows_and_is_not_audited(ctx, world):
    meeting, other = meeting_in(world, 3), meeting_in(world, 5)
    now = db.utcnow()
    for m in (meeting, other):
        services.reply(world.family_a, m, world.parent_a, Answer.COMING, "", "", now=now)
        services.add_question(world.family_a, m, world.parent_a, "?", now=now)
    before = len(actions())
    services.mark_seen(meeting, now)
    db.session.expire_all()
    for model in (MeetingReply, MeetingQuestion):
        seen = dict(
            db.session.execute(
                select(model.meeting_id, model.seen_at).where(model.family_id == world.family_a.id)
            ).all()
        )
        assert seen[meeting.id] is not None and seen[other.id] is None
    assert len(actions()) == before


# Calendar addresses ---------------------------------------------------------------------------------------


def test_a_calendar_address_is_stored_as_a_hash_and_a_new_one_ends_the_old(ctx, world):
    user = world.parent_a
    first = services.create_feed(user, with_details=False)
    feed = services.feed_of(user)
    assert feed.token_hash == db.secret_hash(first) and first not in feed.token_hash
    assert services.feed_for_token(first).id == feed.id
    second = services.create_feed(user, with_details=True)
    assert services.feed_for_token(first) is None
    assert services.feed_for_token(second).with_details is True
    assert db.session.scalar(select(func.count()).where(CalendarFeed.user_id == user.id)) == 1
    assert [a for a in actions(obj=user) if a.startswith("calendar.")] == [
        "calendar.feed_created",
        "calendar.feed_revoked",
        "calendar.feed_created",
    ]


def test_revoking_without_an_address_writes_nothing(ctx, world):
    assert services.revoke_feed(world.parent_a) is False
    assert [a for a in actions(obj=world.parent_a) if a.startswith("calendar.")] == []
    services.create_feed(world.parent_a, with_details=False)
    assert services.revoke_feed(world.parent_a) is True and services.feed_of(world.parent_a) is None


def test_an_unknown_or_overlong_token_finds_no_feed(ctx, world):
    token = services.create_feed(world.parent_a, with_details=False)
    assert services.feed_for_token(token + "x") is None
    assert services.feed_for_token("x" * 10_000) is None
