"""Rules found in review: private reasons, kept text, referat conflicts, Danish dates, the clock change,
and edits nobody else should see (the audited calendar feed: test_calendar_views.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from familyapp import db
from familyapp.meetings.models import Meeting
from familyapp.plans.models import Agreement, Goal, PlanRevision
from tests import factories


def meeting_of(world) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.family_id == world.family_a.id).limit(1))


def url(world, rest=""):
    return f"/families/{world.family_a.id}{rest}"


def test_the_other_parent_sees_yes_or_no_but_not_the_reason(client, world, login):
    meeting = meeting_of(world)
    factories.invite_member(world.family_a, meeting, world.parent_a2)
    db.session.commit()
    login(world.parent_a2)
    client.post(
        url(world, f"/meetings/{meeting.id}/reply"), data={"answer": "cannot", "reason": "Lægetid", "wish": "Onsdag"}
    )
    login(world.parent_a)
    page = client.get(url(world, f"/meetings/{meeting.id}")).get_data(as_text=True)
    assert "cannot come" in page and "Lægetid" not in page and "Onsdag" not in page
    login(world.consultant_a)
    page = client.get(url(world, f"/meetings/{meeting.id}")).get_data(as_text=True)
    assert "Lægetid" in page and "Onsdag" in page


def test_a_refused_reply_keeps_the_reason_and_the_wish(client, world, login):
    meeting = meeting_of(world)
    login(world.consultant_a)
    client.post(url(world, f"/meetings/{meeting.id}/cancel"), data={"reason": ""})
    login(world.parent_a)
    data = {"answer": "cannot", "reason": "Syg", "wish": "Næste uge om formiddagen"}
    page = client.post(url(world, f"/meetings/{meeting.id}/reply"), data=data).get_data(as_text=True)
    assert "Syg" in page and "Næste uge om formiddagen" in page


def test_referat_written_by_two_consultants_is_a_conflict_not_an_overwrite(client, world, login):
    meeting = meeting_of(world)
    login(world.consultant_a)
    opened = meeting.version
    first = {"minutes": "Første referat", "decisions": "", "next_step": "", "version": opened}
    assert client.post(url(world, f"/meetings/{meeting.id}/referat"), data=first).status_code == 302
    second = {"minutes": "Andet referat", "decisions": "", "next_step": "", "version": opened}
    response = client.post(url(world, f"/meetings/{meeting.id}/referat"), data=second)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Andet referat" in page and "Første referat" in page
    assert db.session.get(Meeting, meeting.id).minutes == "Første referat"


def test_an_agreement_keeps_a_former_consultant(app, client, world, login):
    from familyapp.families.models import Assignment

    agreement = db.session.scalar(select(Agreement).where(Agreement.family_id == world.family_a.id))
    with app.app_context():
        from familyapp.families import services
        from familyapp.families.models import AssignmentRole
        from familyapp.plans import services as plan_services
        from familyapp.plans.models import WhoKind

        fam = db.session.merge(world.family_a)
        former = factories.make_consultant("Tidligere Konsulent")
        services.assign_consultant(fam, former, AssignmentRole.CO_CONSULTANT, actor=None)
        a = db.session.get(Agreement, agreement.id)
        plan_services.update_agreement(
            fam,
            a,
            {"what": a.what, "who": (WhoKind.CONSULTANT, former.id), "due": None},
            actor=db.session.merge(world.consultant_a),
            version=a.version,
        )
        db.session.delete(db.session.scalar(select(Assignment).where(Assignment.consultant_id == former.id)))
        db.session.commit()
        former_id = former.id
    login(world.consultant_a)
    assert "Tidligere Konsulent" in client.get(url(world, "/plan")).get_data(as_text=True)
    page = client.get(url(world, f"/plan/agreements/{agreement.id}")).get_data(as_text=True)
    assert re.search(rf'<option selected value="consultant:{former_id}">Tidligere Konsulent', page)


def test_dates_are_danish():
    assert db.local_date(datetime(2027, 5, 31, 22, 30, tzinfo=UTC)) == date(2027, 6, 1)  # 00:30 in Copenhagen
    assert db.local_date(datetime(2027, 1, 31, 23, 30, tzinfo=UTC)) == date(2027, 2, 1)


def test_a_time_the_clocks_skip_is_refused_with_the_form_kept(client, world, login):
    login(world.consultant_a)
    data = {
        "type": "follow_up",
        "day": "2027-03-28",
        "start": "02:30",
        "end": "03:30",
        "mode": "in_person",
        "place": "Mit sted",
        "purpose": "",
        "preparation": "",
    }
    response = client.post(url(world, "/meetings/new"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "does not exist that day" in page and "Mit sted" in page


def test_a_note_only_edit_leaves_no_trace_in_the_familys_history(client, world, login):
    goal = db.session.scalar(select(Goal).where(Goal.family_id == world.family_a.id))
    before = db.session.scalar(select(func.count()).where(PlanRevision.family_id == world.family_a.id))
    login(world.consultant_a)
    data = {
        "title": goal.title,
        "term": goal.term.value,
        "status": goal.status.value,
        "person": "",
        "green_looks_like": goal.green_looks_like,
        "private_note": "Kun til mig",
        "version": goal.version,
    }
    assert client.post(url(world, f"/plan/goals/{goal.id}"), data=data).status_code == 302
    assert db.session.scalar(select(func.count()).where(PlanRevision.family_id == world.family_a.id)) == before
    assert db.session.get(Goal, goal.id).private_note == "Kun til mig"


def test_a_double_tapped_answer_is_one_answer(app, world, monkeypatch):
    from familyapp.meetings import services
    from familyapp.meetings.models import Answer, MeetingReply

    with app.app_context():
        fam, parent = db.session.merge(world.family_a), db.session.merge(world.parent_a)
        meeting = db.session.merge(meeting_of(world))
        # The second tap arrives while the first one's row is already there but not yet seen by this request.
        db.session.add(MeetingReply(family_id=fam.id, meeting_id=meeting.id, user_id=parent.id, answer=Answer.COMING))
        db.session.flush()
        original, calls = services._own_reply, []
        # The first look finds nothing (the race); the look after the refused insert finds the row.
        monkeypatch.setattr(services, "_own_reply", lambda m, u: original(m, u) if calls else calls.append(1))
        reply = services.reply(fam, meeting, parent, Answer.CANNOT, "", "", now=db.utcnow())
        assert reply.answer is Answer.CANNOT
        assert db.session.scalar(select(func.count()).select_from(MeetingReply)) == 1
        db.session.rollback()
