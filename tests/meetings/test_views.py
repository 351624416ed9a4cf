"""Meetings: the family sees, answers and asks; the consultant plans, moves, cancels and writes the referat."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.meetings.models import Meeting, MeetingQuestion, MeetingReply, MeetingType
from tests import factories


def m_url(world, rest=""):
    return f"/families/{world.family_a.id}/meetings{rest}"


def meeting_of(world) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.family_id == world.family_a.id).limit(1))


def form(day: date, start="10:00", end="11:00", **extra):
    data = {
        "type": "follow_up",
        "day": day.isoformat(),
        "start": start,
        "end": end,
        "mode": "in_person",
        "place": "Rådhuset",
        "purpose": "Status",
        "preparation": "",
    }
    data.update(extra)
    return data


class TestFamily:
    def test_home_shows_the_next_meeting_with_who_and_why(self, client, world, login):
        login(world.parent_a)
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert "Follow-up meeting" in page and "Vi ser på planen" in page and "Lise Lærer" in page and "Sara A" in page

    def test_parent_confirms_and_adds_a_question(self, client, world, login):
        login(world.parent_a)
        meeting = meeting_of(world)
        assert client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "coming"}).status_code == 302
        assert (
            client.post(m_url(world, f"/{meeting.id}/questions"), data={"text": "Kan vi tale om Noah?"}).status_code
            == 302
        )
        reply = db.session.scalar(select(MeetingReply).where(MeetingReply.meeting_id == meeting.id))
        assert reply.answer.value == "coming" and reply.seen_at is None
        login(world.consultant_a)
        assert "1 answer waiting" not in client.get("/caseload").get_data(as_text=True)  # a reply and a question
        assert "2 answers waiting" in client.get("/caseload").get_data(as_text=True)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "Kan vi tale om Noah?" in page and "is coming" in page
        assert page.count(">new</span>") == 2 and "Mark as seen" in page
        assert db.session.get(MeetingReply, reply.id).seen_at is None  # opening the meeting writes nothing
        seen = client.post(m_url(world, f"/{meeting.id}/seen"))
        assert seen.status_code == 302 and seen.location.endswith(f"/meetings/{meeting.id}#answers")
        assert db.session.get(MeetingReply, reply.id).seen_at is not None  # no longer waiting in the caseload
        assert "answers waiting" not in client.get("/caseload").get_data(as_text=True)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert ">new</span>" not in page and "Mark as seen" not in page

    def test_only_the_consultant_marks_as_seen(self, client, world, login):
        meeting = meeting_of(world)
        login(world.parent_a)
        client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "coming"})
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert ">new</span>" not in page and "Mark as seen" not in page
        assert client.post(m_url(world, f"/{meeting.id}/seen")).status_code == 404
        login(world.consultant_b)
        assert client.post(m_url(world, f"/{meeting.id}/seen")).status_code == 404
        assert db.session.scalar(select(MeetingReply.seen_at).where(MeetingReply.meeting_id == meeting.id)) is None

    def test_cannot_come_with_reason_and_wish_replaces_the_answer(self, client, world, login):
        login(world.parent_a)
        meeting = meeting_of(world)
        client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "coming"})
        client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "cannot", "reason": "Syg", "wish": "Tirsdag"})
        replies = db.session.scalars(select(MeetingReply).where(MeetingReply.meeting_id == meeting.id)).all()
        assert len(replies) == 1 and replies[0].reason == "Syg" and replies[0].wish == "Tirsdag"

    def test_reply_to_a_cancelled_meeting_keeps_the_text(self, client, world, login):
        meeting = meeting_of(world)
        login(world.consultant_a)
        client.post(m_url(world, f"/{meeting.id}/cancel"), data={"reason": "Sygdom"})
        login(world.parent_a)
        response = client.post(m_url(world, f"/{meeting.id}/questions"), data={"text": "Mit spørgsmål"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "cancelled" in page and "Mit spørgsmål" in page
        assert db.session.scalar(select(func.count()).select_from(MeetingQuestion)) == 0
        index = client.get(m_url(world)).get_data(as_text=True)
        assert "Cancelled" in index  # still visible, marked

    def test_empty_answer_and_question(self, client, world, login):
        login(world.parent_a)
        meeting = meeting_of(world)
        assert client.post(m_url(world, f"/{meeting.id}/reply"), data={}).status_code == 400
        assert client.post(m_url(world, f"/{meeting.id}/questions"), data={"text": " "}).status_code == 400

    def test_work_meeting_is_shown_to_the_family_with_the_full_referat(self, app, client, world, login):
        with app.app_context():
            m = factories.make_meeting(
                db.session.merge(world.family_a),
                db.session.merge(world.parent_a),
                db.session.merge(world.consultant_a),
                type=MeetingType.WORK,
                purpose="Koordinere skole og jobcenter",
            )
            db.session.commit()
            mid = m.id
        login(world.consultant_a)
        client.post(
            m_url(world, f"/{mid}/referat"),
            data={"minutes": "Vi talte om skemaet", "decisions": "Skolen ringer", "next_step": "", "version": 1},
        )
        login(world.parent_a)
        page = client.get(m_url(world, f"/{mid}")).get_data(as_text=True)
        assert "Koordinere skole og jobcenter" in page and "Vi talte om skemaet" in page and "Skolen ringer" in page
        assert "You know why and who comes" in page

    def test_another_familys_meeting_is_404(self, client, world, login):
        login(world.parent_b)
        meeting = meeting_of(world)
        assert client.get(f"/families/{world.family_b.id}/meetings/{meeting.id}").status_code == 404
        assert (
            client.post(
                f"/families/{world.family_b.id}/meetings/{meeting.id}/reply", data={"answer": "coming"}
            ).status_code
            == 404
        )


class TestConsultant:
    def test_plan_a_meeting_in_danish_time(self, client, world, login):
        login(world.consultant_a)
        data = form(
            date(2027, 3, 30),
            "10:00",
            "11:30",
            members=[str(world.parent_a.person_id)],
            consultants=[str(world.consultant_a.id)],
            **{"others-0-name": "Pia PPR", "others-0-role": "psykolog", "others-0-decides": "y"},
        )
        response = client.post(m_url(world, "/new"), data=data)
        assert response.status_code == 302
        meeting = db.session.scalar(select(Meeting).where(Meeting.place == "Rådhuset"))
        # 30 March 2027 is summer time in Denmark (UTC+2): 10:00 local is 08:00 UTC.
        assert meeting.starts_at == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "Pia PPR" in page and "makes decisions" in page and "10:00" in page

    def test_winter_time(self, client, world, login):
        login(world.consultant_a)
        client.post(m_url(world, "/new"), data=form(date(2027, 1, 15), "10:00", "11:00", place="Vinter"))
        meeting = db.session.scalar(select(Meeting).where(Meeting.place == "Vinter"))
        assert meeting.starts_at == datetime(2027, 1, 15, 9, 0, tzinfo=UTC)

    def test_end_before_start_and_far_dates_keep_the_form(self, client, world, login):
        login(world.consultant_a)
        response = client.post(
            m_url(world, "/new"), data=form(date(2027, 1, 15), "11:00", "10:00", purpose="Mit formål")
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "must end after it starts" in page and "Mit formål" in page
        response = client.post(m_url(world, "/new"), data=form(date(2035, 1, 15)))
        assert response.status_code == 400 and "two years" in response.get_data(as_text=True)
        response = client.post(m_url(world, "/new"), data=form(date(2027, 1, 15), type="party"))
        assert response.status_code == 400

    def test_unknown_participant_is_refused(self, client, world, login):
        login(world.consultant_a)
        data = form(date(2027, 1, 15), members=[str(world.parent_b.person_id)])
        assert client.post(m_url(world, "/new"), data=data).status_code == 400

    def test_overlap_is_allowed_with_a_warning(self, client, world, login):
        login(world.consultant_a)
        local = meeting_of(world).starts_at.astimezone(ZoneInfo("Europe/Copenhagen"))
        data = form(
            local.date(), local.strftime("%H:%M"), (local + timedelta(minutes=30)).strftime("%H:%M"), place="Overlap"
        )
        response = client.post(m_url(world, "/new"), data=data, follow_redirects=True)
        assert "another meeting at the same time" in response.get_data(as_text=True)

    def test_moving_keeps_the_old_time_visible(self, client, world, login):
        login(world.consultant_a)
        meeting = meeting_of(world)
        old = meeting.starts_at
        data = form(date(2027, 2, 1), version=meeting.version)
        assert client.post(m_url(world, f"/{meeting.id}/edit"), data=data).status_code == 302
        moved = db.session.get(Meeting, meeting.id)
        assert moved.moved_from == old
        login(world.parent_a)
        assert "Moved – was" in client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)

    def test_stale_edit_is_a_conflict(self, client, world, login):
        login(world.consultant_a)
        meeting = meeting_of(world)
        v = meeting.version
        client.post(m_url(world, f"/{meeting.id}/edit"), data=form(date(2027, 2, 1), version=v))
        response = client.post(
            m_url(world, f"/{meeting.id}/edit"), data=form(date(2027, 2, 2), place="Mit sted", version=v)
        )
        assert response.status_code == 409 and "Someone else changed" in response.get_data(as_text=True)
        assert "Mit sted" in response.get_data(as_text=True)

    def test_cancel_is_audited_and_final(self, client, world, login):
        login(world.consultant_a)
        meeting = meeting_of(world)
        client.post(m_url(world, f"/{meeting.id}/cancel"), data={"reason": "Sygdom"})
        assert db.session.get(Meeting, meeting.id).cancelled
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "meeting.cancelled")) == 1
        # With the current version, so that it is the cancellation that refuses the change, not a conflict.
        current = db.session.get(Meeting, meeting.id).version
        response = client.post(m_url(world, f"/{meeting.id}/edit"), data=form(date(2027, 2, 1), version=current))
        assert response.status_code == 400 and db.session.get(Meeting, meeting.id).version == current

    def test_parent_cannot_plan_or_cancel(self, client, world, login):
        login(world.parent_a)
        meeting = meeting_of(world)
        assert client.get(m_url(world, "/new")).status_code == 404
        assert client.post(m_url(world, f"/{meeting.id}/cancel")).status_code == 404
        assert not db.session.get(Meeting, meeting.id).cancelled


class TestCaseload:
    def test_overdue_next_meeting_and_waiting_answers(self, app, client, world, login):
        login(world.parent_a)
        client.post(m_url(world, f"/{meeting_of(world).id}/questions"), data={"text": "Hjælp til skema"})
        login(world.consultant_a)
        page = client.get("/caseload").get_data(as_text=True)
        # Family A started 5 January 2026 with a 6-week cadence and no meeting held: overdue.
        assert "Follow-up overdue since" in page and "1 answer waiting" in page and "Next meeting:" in page

    def test_sorting_and_constant_queries(self, app, client, world, login, count_queries):
        login(world.consultant_a)
        for sort in ("name", "due", "next", "waiting", "nonsense"):
            assert client.get(f"/caseload?sort={sort}").status_code == 200
        with count_queries() as few:
            client.get("/caseload")
        with app.app_context():
            from familyapp.families import services
            from familyapp.families.models import AssignmentRole

            consultant, parent = db.session.merge(world.consultant_a), db.session.merge(world.parent_a)
            for i in range(5):
                fam = factories.make_family(f"F{i}")
                services.assign_consultant(fam, consultant, AssignmentRole.PRIMARY, actor=None)
                factories.make_meeting(fam, parent, consultant)
            db.session.commit()
        with count_queries() as many:
            client.get("/caseload")
        assert len(many) == len(few)


def test_meeting_list_uses_constant_queries(app, client, world, login, count_queries):
    login(world.parent_a)
    client.get(m_url(world))
    with count_queries() as few:
        client.get(m_url(world))
    with app.app_context():
        fam, parent, consultant = (db.session.merge(x) for x in (world.family_a, world.parent_a, world.consultant_a))
        for i in range(6):
            factories.make_meeting(fam, parent, consultant, starts_at=datetime(2026, 12, 1 + i, 9, tzinfo=UTC))
        db.session.commit()
    with count_queries() as many:
        client.get(m_url(world))
    assert len(many) == len(few)


class TestCalendar:
    def test_meeting_ics_parses_and_round_trips_the_time(self, client, world, login):
        login(world.parent_a)
        meeting = meeting_of(world)
        response = client.get(m_url(world, f"/{meeting.id}/calendar.ics"))
        assert response.mimetype == "text/calendar"
        cal = icalendar.Calendar.from_ical(response.data)
        event = next(iter(cal.walk("VEVENT")))
        assert event.decoded("dtstart") == meeting.starts_at and event.decoded("dtend") == meeting.ends_at
        assert str(event["location"]) == "Rådhuset, lokale 2"


def test_a_saved_answer_is_shown_ticked_and_named(client, world, login):
    import re

    login(world.parent_a)
    meeting = meeting_of(world)
    client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "cannot", "reason": "Arbejde", "wish": "Fredag"})
    page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*value="cannot"[^>]*>', page).group(0)
    assert "checked" not in re.search(r'<input[^>]*value="coming"[^>]*>', page).group(0)
    assert 'value="Arbejde"' in page and re.search(r"Sara A</strong>:\s+cannot come", page)


def test_a_consultant_booked_twice_across_families_is_warned(app, client, world, login):
    from familyapp.families import services as family_services
    from familyapp.families.models import AssignmentRole

    with app.app_context():
        other = factories.make_family("Familien C")
        family_services.assign_consultant(
            other, db.session.merge(world.consultant_a), AssignmentRole.PRIMARY, actor=None
        )
        db.session.commit()
        other_id = other.id
    login(world.consultant_a)
    local = meeting_of(world).starts_at.astimezone(ZoneInfo("Europe/Copenhagen"))
    data = form(
        local.date(),
        local.strftime("%H:%M"),
        (local + timedelta(minutes=30)).strftime("%H:%M"),
        consultants=[str(world.consultant_a.id)],
    )
    response = client.post(f"/families/{other_id}/meetings/new", data=data, follow_redirects=True)
    assert response.status_code == 200 and "another meeting at the same time" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.family_id == other_id)) == 1


def test_the_home_screens_meeting_figures_match_the_caseloads(app, world):
    """The home screen asks for the next meeting and the last and next contact of one family; the caseload counts
    them in SQL for many families. They must agree: held, planned, cancelled, without the family."""
    from familyapp.meetings import queries

    with app.app_context():
        family, now = world.family_a, db.utcnow()
        for days, kind, cancel in (
            (-20, MeetingType.FOLLOW_UP, False),
            (-10, MeetingType.WORK, False),
            (-5, MeetingType.FOLLOW_UP, True),
            (3, MeetingType.WORK, False),
            (2, MeetingType.FOLLOW_UP, True),
        ):
            meeting = factories.make_meeting(
                family, world.parent_a, world.consultant_a, starts_at=now + timedelta(days=days), type=kind
            )
            if cancel:
                meeting.cancelled_at = now
        db.session.commit()
        coming, last, nxt = queries.next_with_contacts(family, now)
        assert last == queries.last_contacts([family.id], now).get(family.id)
        assert nxt == queries.next_meetings([family.id], now).get(family.id)
        assert coming is not None and coming.type is MeetingType.WORK and not coming.cancelled


def test_referat_paragraphs_stay_apart_after_save(app, client, world, login):
    """The consultant writes the referat in Chromium (\r\n line endings): the family reads two paragraphs."""
    with app.app_context():
        m = factories.make_meeting(
            db.session.merge(world.family_a), db.session.merge(world.parent_a), db.session.merge(world.consultant_a)
        )
        db.session.commit()
        mid = m.id
    login(world.consultant_a)
    data = {"minutes": "Vi talte om skolen.\r\n\r\nVi talte om ferien.", "decisions": "", "next_step": "", "version": 1}
    assert client.post(m_url(world, f"/{mid}/referat"), data=data).status_code == 302
    assert db.session.get(Meeting, mid).minutes == "Vi talte om skolen.\n\nVi talte om ferien."
    login(world.parent_a)
    page = client.get(m_url(world, f"/{mid}")).get_data(as_text=True)
    assert '<p class="own-words">Vi talte om skolen.</p>' in page
    assert '<p class="own-words">Vi talte om ferien.</p>' in page


class TestEditKeepsTheMeeting:
    """The edit form starts from the meeting's own values: saving it as the browser sends it changes only what the
    consultant changed."""

    def _work_meeting(self, app, world):
        from familyapp.meetings.models import MeetingMode

        with app.app_context():
            m = factories.make_meeting(
                db.session.merge(world.family_a),
                db.session.merge(world.parent_a),
                db.session.merge(world.consultant_a),
                type=MeetingType.WORK,
                mode=MeetingMode.VIDEO,
            )
            db.session.commit()
            return m.id

    def test_moving_a_meeting_keeps_its_type_and_mode(self, app, client, world, login):
        from tests.html_forms import form_as_sent

        mid = self._work_meeting(app, world)
        login(world.consultant_a)
        page = client.get(m_url(world, f"/{mid}/edit")).get_data(as_text=True)
        data = form_as_sent(page, action="")
        assert data["type"] == "work" and data["mode"] == "video"  # what the browser shows and would send
        data["start"], data["end"] = "13:00", "14:00"
        assert client.post(m_url(world, f"/{mid}/edit"), data=data).status_code == 302
        moved = db.session.get(Meeting, mid)
        assert moved.type is MeetingType.WORK and moved.mode.value == "video" and moved.moved_from is not None
        assert moved.starts_at.astimezone(ZoneInfo("Europe/Copenhagen")).hour == 13


def _meeting_without_the_family(app, world, **data):
    """A work meeting between professionals: consultant A and the school, none of the family."""
    from familyapp.meetings import services as meeting_services
    from familyapp.meetings.models import MeetingMode

    with app.app_context():
        starts = db.utcnow().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=5)
        values = {
            "type": MeetingType.WORK,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1),
            "mode": MeetingMode.VIDEO,
            "place": "Video",
            "purpose": "Skole og jobcenter",
            "preparation": "",
            **data,
        }
        participants = [
            {"kind": "consultant", "user_id": world.consultant_a.id, "role": "familiekonsulent"},
            {"kind": "other", "name": "Lise Lærer", "role": "lærer", "decides": False},
        ]
        consultant = db.session.merge(world.consultant_a)
        m = meeting_services.create_meeting(
            db.session.merge(world.family_a), values, participants, actor=consultant, now=db.utcnow()
        )
        db.session.commit()
        return m.id


class TestOnlyTheInvitedAnswer:
    """Only a family member who is among a meeting's participants is asked "Can you come?", and only they can
    answer, ask or suggest people; a post from anyone else is refused and stores nothing."""

    def _stored(self, mid) -> int:
        from familyapp.meetings.models import MeetingSuggestion

        return sum(
            db.session.scalar(select(func.count()).select_from(model).where(model.meeting_id == mid))
            for model in (MeetingReply, MeetingQuestion, MeetingSuggestion)
        )

    def test_the_family_is_not_asked_to_come_to_a_meeting_without_them(self, app, client, world, login):
        from tests.network.helpers import person_named

        mid = _meeting_without_the_family(app, world)
        bente = person_named(world.family_a, "Bente")
        login(world.parent_a)
        page = client.get(m_url(world, f"/{mid}")).get_data(as_text=True)
        assert "Skole og jobcenter" in page  # the family still sees the meeting, and why
        assert "Can you come?" not in page and "reply-form" not in page
        assert f'action="{m_url(world, f"/{mid}/questions")}"' not in page
        assert f'action="{m_url(world, f"/{mid}/suggestions")}"' not in page
        posts = {
            "/reply": {"answer": "coming"},
            "/questions": {"text": "Må jeg komme?"},
            "/suggestions": {"people": [str(bente.id)]},
        }
        for path, data in posts.items():
            assert client.post(m_url(world, f"/{mid}{path}"), data=data).status_code == 403, path
        assert self._stored(mid) == 0

    def test_the_other_parent_not_invited_is_not_asked_either(self, client, world, login):
        meeting = meeting_of(world)  # Sara is invited; Jonas, her former partner, is not
        login(world.parent_a2)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "Can you come?" not in page and "reply-form" not in page
        assert client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "coming"}).status_code == 403
        assert client.post(m_url(world, f"/{meeting.id}/questions"), data={"text": "Hej"}).status_code == 403
        assert self._stored(meeting.id) == 0
        assert "Answer or add a question" not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        login(world.parent_a)
        assert "Answer or add a question" in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "Can you come?" in page and "reply-form" in page
        assert client.post(m_url(world, f"/{meeting.id}/reply"), data={"answer": "coming"}).status_code == 302


def _held(app, world, days_ago: int, **data):
    """A follow-up meeting with Sara that ended ``days_ago`` days ago (an hour long), without a referat."""
    with app.app_context():
        ends = db.utcnow().replace(microsecond=0) - timedelta(days=days_ago)
        m = factories.make_meeting(
            db.session.merge(world.family_a),
            db.session.merge(world.parent_a),
            db.session.merge(world.consultant_a),
            starts_at=ends - timedelta(hours=1),
            **data,
        )
        db.session.commit()
        return m.id


class TestAfterTheMeeting:
    def test_a_cancelled_meeting_says_when_and_why_and_asks_for_nothing(self, app, client, world, login):
        from flask_babel import force_locale, format_date

        meeting = meeting_of(world)
        login(world.consultant_a)
        client.post(m_url(world, f"/{meeting.id}/cancel"), data={"reason": "Mette er syg"})
        with app.test_request_context(), force_locale("en"):
            cancelled_on = format_date(db.session.get(Meeting, meeting.id).cancelled_at)
        login(world.parent_a)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert f"This meeting was cancelled on {cancelled_on}." in page and "Why: Mette er syg" in page
        assert "Can you come?" not in page and "reply-form" not in page
        assert "No answers yet" not in page and "The referat comes" not in page and 'id="referat"' not in page
        login(world.consultant_a)
        page = client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert "No answers yet" not in page and "Write the referat" not in page and "The referat comes" not in page

    def test_a_cancelled_meeting_offers_no_calendar_entry_and_no_referat_to_write(self, client, world, login):
        meeting = meeting_of(world)
        login(world.consultant_a)
        client.post(m_url(world, f"/{meeting.id}/cancel"), data={"reason": ""})
        assert "Add to my calendar" not in client.get(m_url(world, f"/{meeting.id}")).get_data(as_text=True)
        assert client.get(m_url(world, f"/{meeting.id}/referat")).status_code == 404
        posted = client.post(m_url(world, f"/{meeting.id}/referat"), data={"minutes": "Noget", "version": 1})
        assert posted.status_code == 404 and db.session.get(Meeting, meeting.id).minutes in (None, "")

    def test_a_past_meeting_shows_who_took_part_and_asks_for_no_answer(self, app, client, world, login):
        mid = _held(app, world, 1)
        for user in (world.parent_a, world.parent_a2, world.consultant_a):
            login(user)
            page = client.get(m_url(world, f"/{mid}")).get_data(as_text=True)
            assert "No answers yet" not in page and "Can you come?" not in page and "reply-form" not in page
            assert "Participants" in page and "Who comes" not in page and "Lise Lærer" in page
            assert "not invited" not in page  # nothing to come to any more

    def test_a_referat_past_its_deadline_is_late_and_says_whom_to_ask(self, app, client, world, login):
        recent, old = _held(app, world, 1), _held(app, world, 12)
        login(world.parent_a)
        page = client.get(m_url(world, f"/{recent}")).get_data(as_text=True)
        assert "The referat comes by" in page and "The referat is late" not in page
        page = client.get(m_url(world, f"/{old}")).get_data(as_text=True)
        assert "The referat is late." in page and "Ask Mette A about it." in page
        assert "The referat comes" not in page and 'href="tel:+4511223344"' in page


class TestEarlierMeetingsAPageAtATime:
    """The list shows the coming meetings and the latest ten earlier ones; "Show older meetings" pages back. Odd
    page numbers show a sensible page, never an error."""

    PAST = 23

    @staticmethod
    def _past(app, world) -> list:
        """Twenty-three held meetings, a day apart: their ids newest first."""
        with app.app_context():
            noon = db.utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
            ids = [
                factories.make_meeting(
                    world.family_a, world.parent_a, world.consultant_a, starts_at=noon - timedelta(days=days)
                ).id
                for days in range(1, TestEarlierMeetingsAPageAtATime.PAST + 1)
            ]
            factories.make_meeting(world.family_b, world.parent_b, world.consultant_b, starts_at=noon - timedelta(2))
            db.session.commit()
            return [str(i) for i in ids]

    @staticmethod
    def _shown(page: str) -> list[str]:
        import re

        return re.findall(r'<article class="meeting-card[^"]*" aria-labelledby="m-([0-9a-f-]+)"', page)

    def _get(self, client, world, query=""):
        response = client.get(m_url(world, query))
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def test_the_first_page_shows_the_coming_and_the_latest_ten(self, app, client, world, login):
        past = self._past(app, world)
        login(world.parent_a)
        page = self._get(client, world)
        coming = str(
            db.session.scalar(
                select(Meeting.id).where(Meeting.family_id == world.family_a.id, Meeting.starts_at > db.utcnow())
            )
        )
        assert self._shown(page) == [coming, *past[:10]]
        assert "Coming meetings" in page and f"{m_url(world)}?page=2#earlier" in page
        assert "Show older meetings" in page and "Back to the newest" not in page

    def test_older_pages_go_on_where_the_last_one_stopped(self, app, client, world, login):
        past = self._past(app, world)
        login(world.consultant_a)
        second = self._get(client, world, "?page=2")
        assert self._shown(second) == past[10:20] and "Coming meetings" not in second
        assert "?page=3" in second and "Back to the newest" in second
        last = self._get(client, world, "?page=3")
        assert self._shown(last) == past[20:] and "Show older meetings" not in last

    @pytest.mark.parametrize("odd", ["abc", "-1", "0", "", "2.5", "1e3", "%00", "٣", " 2 "])
    def test_odd_page_numbers_show_the_first_page(self, app, client, world, login, odd):
        past = self._past(app, world)
        login(world.parent_a)
        shown = self._shown(self._get(client, world, f"?page={odd}"))
        if odd == " 2 ":  # spaces around a number are forgiven
            assert shown == past[10:20]
        else:
            assert shown[1:] == past[:10]

    @pytest.mark.parametrize("far", ["4", "99999", "9" * 40])
    def test_a_page_past_the_end_shows_the_last_page(self, app, client, world, login, far):
        past = self._past(app, world)
        login(world.parent_a)
        page = self._get(client, world, f"?page={far}")
        assert self._shown(page) == past[20:] and "Show older meetings" not in page and "Back to the newest" in page

    def test_a_family_without_earlier_meetings_has_no_pages(self, client, world, login):
        login(world.parent_a)
        page = self._get(client, world, "?page=7")
        assert "No earlier meetings." in page and "Coming meetings" in page
        assert "Show older meetings" not in page and "Back to the newest" not in page
