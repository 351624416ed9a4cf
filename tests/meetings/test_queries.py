"""Meeting queries (familyapp/meetings/queries.py), called directly: the family's own meetings with participants in
two queries; what a partner's link may show decided in SQL; the caseload's counts for many families at once in
the promised number of queries, each family's rows counted for that family only."""

from __future__ import annotations

from datetime import timedelta

from familyapp import db
from familyapp.access import FamilyView
from familyapp.meetings import queries, services
from familyapp.meetings.models import Answer, MeetingType
from familyapp.network import services as network_services
from tests.factories import invite_member, make_meeting, meeting_participant
from tests.network.helpers import person_named


def meeting_in(world, days: float, family=None, **data):
    family = family or world.family_a
    parent = world.parent_a if family is world.family_a else world.parent_b
    consultant = world.consultant_a if family is world.family_a else world.consultant_b
    start = db.utcnow().replace(microsecond=0) + timedelta(days=days)
    return make_meeting(family, parent, consultant, starts_at=start, **data)


def invite(family, meeting, person) -> None:
    meeting.participants.append(meeting_participant(family, meeting, services.participant_from_map(person)))
    db.session.flush()


def test_the_familys_meetings_in_time_order_with_participants_in_two_queries(ctx, world, count_queries):
    later, sooner = meeting_in(world, 9), meeting_in(world, 2)
    meeting_in(world, 3, family=world.family_b)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as q:
        meetings = queries.list_meetings(world.family_a)
        people = sum(len(m.participants) for m in meetings)
    assert len(q) == 2 and people == 3 * len(meetings)
    ids = [m.id for m in meetings]
    assert ids.index(sooner.id) < ids.index(later.id)
    assert {m.family_id for m in meetings} == {world.family_a.id}


def test_a_partner_sees_neither_work_nor_cancelled_meetings_and_past_ones_only_with_the_referat(ctx, world):
    now = db.utcnow()
    past = meeting_in(world, -10)
    work = meeting_in(world, 4, type=MeetingType.WORK)
    cancelled = meeting_in(world, 5)
    services.cancel_meeting(world.family_a, cancelled, "", actor=world.consultant_a)
    coming = meeting_in(world, 6)
    foreign = meeting_in(world, 6, family=world.family_b)
    upcoming = {m.id for m in queries.shared_with_partner(world.family_a, now, referat=False)}
    everything = {m.id for m in queries.shared_with_partner(world.family_a, now, referat=True)}
    assert coming.id in upcoming and past.id not in upcoming
    assert {coming.id, past.id} <= everything
    assert not {work.id, cancelled.id, foreign.id} & everything


def test_an_invitation_shows_its_network_meeting_only_while_the_person_is_invited(ctx, world):
    family, now = world.family_a, db.utcnow()
    teacher = person_named(family, "Lise Lærer")
    network = meeting_in(world, 5, type=MeetingType.NETWORK)
    follow_up = meeting_in(world, 6)
    assert queries.shared_with_partner(family, now, referat=False, meeting_id=network.id, invited=teacher.id) == []
    invite(family, network, teacher)
    invite(family, follow_up, teacher)
    shown = queries.shared_with_partner(family, now, referat=False, meeting_id=network.id, invited=teacher.id)
    assert [m.id for m in shown] == [network.id]
    # An invitation points at a network meeting; another meeting the person is at is not shown through it.
    assert queries.shared_with_partner(family, now, referat=True, meeting_id=follow_up.id, invited=teacher.id) == []
    # Another family's meeting id never shows through this family's link.
    other = meeting_in(world, 5, family=world.family_b, type=MeetingType.NETWORK)
    assert queries.shared_with_partner(family, now, referat=True, meeting_id=other.id, invited=teacher.id) == []


def test_shared_with_partner_is_two_queries(ctx, world, count_queries):
    for days in (2, 4, 6):
        meeting_in(world, days)
    db.session.commit()
    with count_queries() as q:
        meetings = queries.shared_with_partner(world.family_a, db.utcnow(), referat=True)
        sum(len(m.participants) for m in meetings)
    assert len(q) == 2


def test_invited_from_map_leaves_out_people_taken_off_the_map(ctx, world):
    family = world.family_a
    teacher, caseworker = person_named(family, "Lise Lærer"), person_named(family, "Karsten Berg")
    meeting = meeting_in(world, 3)
    invite(family, meeting, teacher)
    invite(family, meeting, caseworker)
    network_services.remove_person(family, caseworker, actor=world.consultant_a)
    found = queries.invited_from_map(FamilyView(family, world.consultant_a), meeting)
    assert [p.id for p in found] == [teacher.id]


def test_the_next_meeting_skips_cancelled_and_finished_meetings(ctx, world, count_queries):
    now = db.utcnow()
    meeting_in(world, -3)
    cancelled = meeting_in(world, 1)
    services.cancel_meeting(world.family_a, cancelled, "", actor=world.consultant_a)
    next_one = meeting_in(world, 2)
    meeting_in(world, 5)
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as q:
        meeting, _last, _next = queries.next_with_contacts(world.family_a, now)
        people = len(meeting.participants)
    assert len(q) == 1 and meeting.id == next_one.id and people == 3


def test_with_no_next_meeting_the_last_contact_still_comes(ctx, world):
    now = db.utcnow().replace(microsecond=0)
    for meeting in queries.list_meetings(world.family_b):
        services.cancel_meeting(world.family_b, meeting, "", actor=world.consultant_b)
    held = meeting_in(world, -4, family=world.family_b)
    db.session.commit()
    meeting, last, nxt = queries.next_with_contacts(world.family_b, now)
    assert meeting is None and nxt is None and last == db.as_utc(held.starts_at)


def test_a_card_loads_only_what_it_shows(ctx, world):
    """The next meeting and the list's cards leave the referat unloaded: reading it would cost a query a meeting."""
    import pytest
    from sqlalchemy.exc import InvalidRequestError

    meeting_in(world, 2)
    db.session.commit()
    db.session.expunge_all()
    meeting, _last, _next = queries.next_with_contacts(world.family_a, db.utcnow())
    assert meeting.place and meeting.purpose
    with pytest.raises(InvalidRequestError):
        _ = meeting.minutes


def test_the_caseloads_sql_and_the_home_screens_agree(ctx, world):
    """The home screen asks the caseload's own queries for one family, beside its next meeting."""
    now = db.utcnow().replace(microsecond=0)
    held = meeting_in(world, -5)
    meeting_in(world, -1, type=MeetingType.WORK)  # professionals only: not a contact with the family
    cancelled = meeting_in(world, -2)
    services.cancel_meeting(world.family_a, cancelled, "", actor=world.consultant_a)
    db.session.commit()
    _meeting, last, nxt = queries.next_with_contacts(world.family_a, now)
    assert last == db.as_utc(held.starts_at)
    assert queries.last_contacts([world.family_a.id], now) == {world.family_a.id: last}
    assert queries.next_meetings([world.family_a.id], now) == {world.family_a.id: nxt}
    assert nxt is not None and nxt > now


def test_other_figures_ride_along_in_the_same_statement(ctx, world, count_queries):
    from sqlalchemy import literal

    with count_queries() as q:
        _meeting, _last, _next, forty_two = queries.next_with_contacts(world.family_a, db.utcnow(), literal(42))
    assert len(q) == 1 and forty_two == 42


def test_last_and_next_contacts_for_many_families_in_one_query_each(ctx, world, count_queries):
    now = db.utcnow()
    past_a, past_b = meeting_in(world, -3), meeting_in(world, -4, family=world.family_b)
    db.session.commit()
    ids = [world.family_a.id, world.family_b.id]
    with count_queries() as q:
        last = queries.last_contacts(ids, now)
        upcoming = queries.next_meetings(ids, now)
    assert len(q) == 2
    assert last == {world.family_a.id: db.as_utc(past_a.starts_at), world.family_b.id: db.as_utc(past_b.starts_at)}
    assert set(upcoming) == set(ids)
    # A family not asked about is never in the answer.
    assert set(queries.last_contacts([world.family_a.id], now)) == {world.family_a.id}
    with count_queries() as q:
        assert queries.last_contacts([], now) == {} and queries.next_meetings([], now) == {}
        assert queries.waiting_replies([]) == {}
    assert q == []


def test_a_family_with_only_cancelled_or_future_meetings_has_no_last_contact(ctx, world):
    now = db.utcnow()
    for meeting in queries.list_meetings(world.family_b):
        services.cancel_meeting(world.family_b, meeting, "", actor=world.consultant_b)
    gone = meeting_in(world, -3, family=world.family_b)
    services.cancel_meeting(world.family_b, gone, "", actor=world.consultant_b)
    assert queries.last_contacts([world.family_b.id], now) == {}
    assert queries.next_meetings([world.family_b.id], now) == {}


def test_waiting_replies_count_each_familys_unseen_rows_in_three_queries(ctx, world, count_queries):
    now = db.utcnow()
    a, b = meeting_in(world, 3), meeting_in(world, 3, family=world.family_b)
    invite_member(world.family_a, a, world.parent_a2)
    services.reply(world.family_a, a, world.parent_a, Answer.COMING, "", "", now=now)
    services.add_question(world.family_a, a, world.parent_a2, "Hvem kommer?", now=now)
    services.suggest_participants(world.family_a, a, world.parent_a, [person_named(world.family_a, "Bente")], now=now)
    services.reply(world.family_b, b, world.parent_b, Answer.CANNOT, "", "", now=now)
    db.session.commit()
    with count_queries() as q:
        counts = queries.waiting_replies([world.family_a.id, world.family_b.id])
    assert len(q) == 3
    assert counts == {world.family_a.id: 3, world.family_b.id: 1}
    services.mark_seen(a, now)
    assert queries.waiting_replies([world.family_a.id, world.family_b.id]) == {world.family_b.id: 1}


def test_not_coming_is_the_persons_own_cannot_answers_only(ctx, world):
    now = db.utcnow()
    first, second, third = meeting_in(world, 2), meeting_in(world, 3), meeting_in(world, 4)
    invite_member(world.family_a, third, world.parent_a2)
    services.reply(world.family_a, first, world.parent_a, Answer.CANNOT, "Syg", "", now=now)
    services.reply(world.family_a, second, world.parent_a, Answer.COMING, "", "", now=now)
    services.reply(world.family_a, third, world.parent_a2, Answer.CANNOT, "", "", now=now)
    assert queries.not_coming(world.family_a, world.parent_a) == {first.id}
    assert queries.not_coming(world.family_a, world.parent_a2) == {third.id}
    assert queries.not_coming(world.family_b, world.parent_a) == set()


def test_replies_questions_and_suggestions_of_one_meeting_only(ctx, world):
    now = db.utcnow()
    meeting, other = meeting_in(world, 2), meeting_in(world, 3)
    invite_member(world.family_a, meeting, world.parent_a2)
    services.add_question(world.family_a, meeting, world.parent_a, "Første", now=now)
    services.add_question(world.family_a, meeting, world.parent_a2, "Anden", now=now)
    services.add_question(world.family_a, other, world.parent_a, "Andet møde", now=now)
    services.reply(world.family_a, other, world.parent_a, Answer.COMING, "", "", now=now)
    granny, teacher = person_named(world.family_a, "Bente"), person_named(world.family_a, "Lise Lærer")
    services.suggest_participants(world.family_a, meeting, world.parent_a, [granny], now=now)
    services.suggest_participants(world.family_a, meeting, world.parent_a2, [teacher], now=now)
    assert [q.text for q in queries.questions_for(meeting)] == ["Første", "Anden"]
    assert queries.replies_for(meeting) == [] and len(queries.replies_for(other)) == 1
    assert [s.network_person_id for s in queries.suggestions_for(meeting)] == [granny.id, teacher.id]
    assert queries.suggestions_for(other) == []


def test_a_meeting_invites_only_the_family_members_among_its_participants(ctx, world):
    """The same answer from the loaded participants (no query) and from the database (one query)."""
    from sqlalchemy import select

    from familyapp.meetings.models import Meeting

    meeting = meeting_in(world, 3)  # Sara and consultant A
    assert queries.invites(meeting, world.parent_a) and not queries.invites(meeting, world.parent_a2)
    assert not queries.invites(meeting, world.consultant_a)  # a professional is never asked "Can you come?"
    db.session.commit()
    db.session.expunge_all()
    fresh = db.session.scalar(select(Meeting).where(Meeting.id == meeting.id))
    assert queries.invites(fresh, world.parent_a) and not queries.invites(fresh, world.parent_a2)


def test_a_referat_is_late_after_the_working_days_of_the_deadline_in_one_query(ctx, world, count_queries):
    """A meeting on a Friday with a deadline of 5 working days: due the next Friday, late from the Saturday; a
    meeting with its referat, or cancelled, is never late."""
    from datetime import UTC, datetime

    today = db.local_today()
    friday = today - timedelta(days=28 + (today.weekday() - 4) % 7)
    start = datetime(friday.year, friday.month, friday.day, 9, tzinfo=UTC)
    held = make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=start)
    written = make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=start)
    services.save_referat(
        world.family_a, written, {"minutes": "x", "decisions": "", "next_step": ""}, actor=None, version=1
    )
    gone = make_meeting(world.family_b, world.parent_b, world.consultant_b, starts_at=start)
    services.cancel_meeting(world.family_b, gone, "", actor=None)
    db.session.commit()
    assert queries.referat_due(held, 5) == friday + timedelta(days=7)
    ids = [world.family_a.id, world.family_b.id]
    due_day = datetime(friday.year, friday.month, friday.day, 20, tzinfo=UTC) + timedelta(days=7)
    with count_queries() as q:
        assert queries.late_referats(ids, due_day, 5) == {}
    assert len(q) == 1
    assert queries.late_referats(ids, due_day + timedelta(days=1), 5) == {world.family_a.id: 1}
    assert queries.late_referats(ids, due_day + timedelta(days=1), 6) == {}  # the municipality's own deadline
    assert queries.referat_late(held, 5, due_day + timedelta(days=1)) and not queries.referat_late(held, 5, due_day)
    assert not queries.referat_late(written, 5, due_day + timedelta(days=30))
