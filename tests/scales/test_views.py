"""Filling scales, the trend, privacy between parents, and talking an answer through: the screens end to end. The
consultant's review queue: test_review_views.py."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Meeting, MeetingMode, MeetingType
from familyapp.scales import queries
from familyapp.scales.models import ScaleResponse
from tests import factories
from tests.dbutil import snapshot, writes_since


def s_url(world, rest=""):
    return f"/families/{world.family_a.id}/scales{rest}"


def meeting_in(world, hours: float, *parents, **data):
    """A meeting with the family starting ``hours`` from now (negative: in the past) with these parents
    (parent A by default) and consultant A."""
    starts = db.utcnow().replace(microsecond=0) + timedelta(hours=hours)
    values = {
        "type": MeetingType.FOLLOW_UP,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "mode": MeetingMode.IN_PERSON,
        "place": "Rådhuset",
        "purpose": "Status",
        "preparation": "",
        **data,
    }
    people = [{"kind": "member", "person_id": p.person_id, "role": ""} for p in parents or (world.parent_a,)]
    people.append({"kind": "consultant", "user_id": world.consultant_a.id, "role": ""})
    meeting = meeting_services.create_meeting(world.family_a, values, people, actor=world.consultant_a, now=db.utcnow())
    db.session.commit()
    return meeting


def fill(values) -> dict:
    keys = ("me", "close", "everyday", "overall")
    data = {}
    for key, value in zip(keys, values, strict=True):
        if value is None:
            data[f"skip-{key}"] = "1"
        else:
            data[f"item-{key}"] = value
    return data


def answer(app, world, user, meeting, values, **kw):
    """A sent answer, made inside an app context (the scale queries keep per-request state)."""
    with app.app_context():
        sent = factories.make_answer(world.family_a, user, meeting, values, **kw)
        db.session.commit()
    return sent


def response_for(user, key) -> ScaleResponse | None:
    stmt = select(ScaleResponse).where(ScaleResponse.user_id == user.id, ScaleResponse.window_key == key)
    return db.session.scalar(stmt)


class TestFilling:
    def test_the_home_screen_asks_before_the_meeting(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert "1 questionnaire is waiting" in page and f"/scales/fill/wellbeing.m.{meeting.id}" in page
        login(world.parent_a2)  # not in the meeting: nothing to fill
        assert "data-scales-waiting" not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        login(world.consultant_a)  # the mirror shows the family's screen, not the family's questions
        assert "data-scales-waiting" not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)

    def test_two_waiting_questionnaires_are_one_line_after_the_next_meeting(self, client, world, login):
        ahead = meeting_in(world, 30)
        meeting_in(world, -2)  # ended an hour ago: how was it?
        login(world.parent_a)
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert page.count("data-scales-waiting") == 1 and "2 questionnaires are waiting" in page
        assert f'href="/families/{world.family_a.id}/scales#fill-h"' in page
        # The next meeting comes first; the questions are not cards of their own above it.
        assert page.index('class="card next-meeting"') < page.index("data-scales-waiting")
        assert f"/meetings/{ahead.id}" in page[: page.index("data-scales-waiting")]
        assert "fill-now" not in page

    def test_fill_send_and_read_only_afterwards(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        page = client.get(s_url(world, f"/fill/{key}")).get_data(as_text=True)
        assert "How I am doing" in page and 'name="item-me"' in page and "I do not want to answer" in page
        assert response_for(world.parent_a, key) is None  # opening the form stores nothing
        response = client.post(s_url(world, f"/fill/{key}"), data=fill(("6,5", "7", "5.5", "8")))
        assert response.status_code == 302
        sent = response_for(world.parent_a, key)
        assert sent.opens_at == meeting.starts_at - timedelta(hours=48) and sent.shown_at is not None
        assert sent.answers == {"me": 6.5, "close": 7.0, "everyday": 5.5, "overall": 8.0}
        assert sent.total == 27.0 and sent.submitted_at and not sent.late and sent.alerts == []
        assert client.get(s_url(world, f"/fill/{key}")).location.endswith(f"/scales/answers/{sent.id}")
        answer = client.get(response.location).get_data(as_text=True)
        assert (
            "6.5" in answer and "Score: 27.0" in answer and "<form" not in answer.split("<main")[1].split("</main>")[0]
        )
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "scale.submitted")).all()[-1]
        assert event.data == {"purpose": "wellbeing", "late": False}  # no answers, no alerts: clinical facts stay out

    def test_a_second_answer_is_refused_clearly_and_a_repeat_is_not_counted_twice(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        client.get(s_url(world, f"/fill/{key}"))
        first = client.post(s_url(world, f"/fill/{key}"), data={**fill((6, 6, 6, 6)), "client_id": "abc-1"})
        repeat = client.post(s_url(world, f"/fill/{key}"), data={**fill((6, 6, 6, 6)), "client_id": "abc-1"})
        assert first.status_code == repeat.status_code == 302
        other = client.post(s_url(world, f"/fill/{key}"), data={**fill((1, 1, 1, 1)), "client_id": "abc-2"})
        assert other.status_code == 409 and "That answer counts" in html.unescape(other.get_data(as_text=True))
        assert response_for(world.parent_a, key).total == 24.0
        assert (
            db.session.scalar(select(func.count()).select_from(ScaleResponse).where(ScaleResponse.window_key == key))
            == 1
        )

    def test_opening_the_form_stores_nothing(self, app, client, world, login):
        """A GET writes nothing (DESIGN §6): not the answer row, not a "shown" event. The consultant's read of
        their own rating form is audited as a page view, which a GET may add."""
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        for headers in ({}, {"X-Offline-Prefetch": "1"}):
            before = snapshot()
            assert client.get(s_url(world, f"/fill/{key}"), headers=headers).status_code == 200
            assert writes_since(before) == [] and response_for(world.parent_a, key) is None
        client.post(s_url(world, f"/fill/{key}/draft"), json={"values": {"me": "3"}})
        before = snapshot()
        assert 'value="3"' in client.get(s_url(world, f"/fill/{key}")).get_data(as_text=True)
        assert writes_since(before) == [] and response_for(world.parent_a, key).pending["values"] == {"me": "3"}
        with app.test_request_context():
            windows = queries.windows_for(world.family_a, world.consultant_a, db.utcnow())
            rating = next(w.key for w, _row in windows if w.purpose == "functioning")
        login(world.consultant_a)
        before = snapshot()
        assert client.get(s_url(world, f"/fill/{rating}")).status_code == 200
        assert writes_since(before) == [] and response_for(world.consultant_a, rating) is None

    def test_bad_values_keep_what_was_typed(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        response = client.post(
            s_url(world, f"/fill/{key}"), data={"item-me": "11", "item-close": "abc", "item-everyday": "6,35"}
        )
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400
        assert page.count("Write a number from 0 to 10, for example 6.5.") == 6  # in the summary and at the item
        assert "Answer, or tick “I do not want to answer”." in page
        assert 'value="11"' in page and 'value="abc"' in page and 'value="6,35"' in page
        assert response_for(world.parent_a, key) is None  # nothing valid was sent: nothing is stored

    def test_not_answered_is_never_zero(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        client.post(s_url(world, f"/fill/{key}"), data=fill((0, None, 5, 5)))
        sent = response_for(world.parent_a, key)
        assert sent.answers == {"me": 0.0, "close": None, "everyday": 5.0, "overall": 5.0} and sent.total is None
        page = client.get(s_url(world, f"/answers/{sent.id}")).get_data(as_text=True)
        assert "Not answered" in page and "no total" in page

    def test_late_answers_are_kept_and_marked(self, client, world, login):
        meeting = meeting_in(world, -3)  # started three hours ago: the window before it has closed
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        page = client.get(s_url(world, f"/fill/{key}")).get_data(as_text=True)
        assert "marked as late" in page
        client.post(s_url(world, f"/fill/{key}"), data=fill((5, 5, 5, 5)))
        assert response_for(world.parent_a, key).late
        assert "late" in client.get(s_url(world)).get_data(as_text=True)

    def test_not_open_yet(self, client, world, login):
        meeting = meeting_in(world, 24 * 5)
        login(world.parent_a)
        page = client.get(s_url(world, f"/fill/wellbeing.m.{meeting.id}")).get_data(as_text=True)
        assert "Not open yet" in page and response_for(world.parent_a, f"wellbeing.m.{meeting.id}") is None

    def test_the_collaboration_scale_opens_when_the_meeting_ends(self, client, world, login):
        meeting = meeting_in(world, -2)  # 9-10: ended an hour ago
        login(world.parent_a)
        home = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert "1 questionnaire is waiting" in home and f"alliance.m.{meeting.id}" in home
        page = client.get(s_url(world, f"/fill/alliance.m.{meeting.id}")).get_data(as_text=True)
        assert "Working together" in page and "I was listened to" in page

    def test_a_draft_is_kept(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        client.get(s_url(world, f"/fill/{key}"))
        assert response_for(world.parent_a, key) is None  # the first draft makes the row, not the page
        saved = client.post(
            s_url(world, f"/fill/{key}/draft"), json={"values": {"me": "4,2", "bogus": "9"}, "skips": ["close", "nope"]}
        )
        assert saved.get_json() == {"saved": True}
        assert response_for(world.parent_a, key).pending == {"values": {"me": "4,2"}, "skips": ["close"]}
        page = client.get(s_url(world, f"/fill/{key}")).get_data(as_text=True)
        assert 'value="4,2"' in page and 'id="skip-close" name="skip-close" value="1" checked' in page

    @pytest.mark.parametrize(
        "body",
        [
            [{}],
            "text",
            7,
            {"values": [1], "skips": [[1], {"a": 1}, 3]},
            {"values": {"me": {"x": 1}, "close": ["a"]}, "skips": "close"},
        ],
    )
    def test_an_odd_draft_is_never_an_error(self, client, world, login, body):
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        response = client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}/draft"), json=body)
        assert response.status_code == 200
        assert response_for(world.parent_a, f"wellbeing.m.{meeting.id}").pending == {"values": {}, "skips": []}

    def test_a_client_id_from_another_window_does_not_lose_the_answer(self, client, world, login):
        first, second = meeting_in(world, 30), meeting_in(world, 40)
        login(world.parent_a)
        client.post(s_url(world, f"/fill/wellbeing.m.{first.id}"), data={**fill((5, 5, 5, 5)), "client_id": "same"})
        response = client.post(
            s_url(world, f"/fill/wellbeing.m.{second.id}"), data={**fill((6, 6, 6, 6)), "client_id": "same"}
        )
        assert response.status_code == 302
        assert response_for(world.parent_a, f"wellbeing.m.{second.id}").total == 24.0

    def test_a_moved_meeting_moves_the_window(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        client.post(s_url(world, f"/fill/{key}/draft"), json={"values": {"me": "5"}})  # the row, with the old window
        earlier = timedelta(hours=5)  # still open, but it now closes five hours sooner
        meeting = db.session.get(Meeting, meeting.id)
        meeting.starts_at, meeting.ends_at = meeting.starts_at - earlier, meeting.ends_at - earlier
        db.session.commit()
        client.post(s_url(world, f"/fill/{key}"), data=fill((5, 5, 5, 5)))
        sent = response_for(world.parent_a, key)
        assert sent.closes_at == meeting.starts_at and not sent.late

    def test_a_long_closed_window_takes_nothing(self, client, world, login):
        meeting = meeting_in(world, -24 * 20)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        assert "Closed" in client.get(s_url(world, f"/fill/{key}")).get_data(as_text=True)
        assert client.post(s_url(world, f"/fill/{key}/draft"), json={}).status_code == 404
        assert client.post(s_url(world, f"/fill/{key}/decline")).status_code == 404
        assert response_for(world.parent_a, key) is None

    def test_no_questions_about_a_meeting_you_cannot_come_to(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        client.post(f"/families/{world.family_a.id}/meetings/{meeting.id}/reply", data={"answer": "cannot"})
        assert f"wellbeing.m.{meeting.id}" not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert client.get(s_url(world, f"/fill/wellbeing.m.{meeting.id}")).status_code == 404

    def test_declining_is_kept_and_never_asked_again(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        assert client.post(s_url(world, f"/fill/{key}/decline")).status_code == 302
        assert response_for(world.parent_a, key).declined_at is not None
        assert key not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert key not in client.get(s_url(world)).get_data(as_text=True)

    def test_someone_elses_window_is_a_404(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_a2)
        assert client.get(s_url(world, f"/fill/wellbeing.m.{meeting.id}")).status_code == 404
        login(world.consultant_a)
        assert client.get(s_url(world, f"/fill/wellbeing.m.{meeting.id}")).status_code == 404
        login(world.parent_b)
        assert client.get(s_url(world, f"/fill/wellbeing.m.{meeting.id}")).status_code == 404


class TestPrivacy:
    def test_each_parent_sees_only_their_own_answers(self, app, client, world, login):
        meeting = meeting_in(world, -30, world.parent_a, world.parent_a2)
        sara = answer(app, world, world.parent_a, meeting, (6, 6, 6, 6))
        jonas = answer(app, world, world.parent_a2, meeting, (2, 2, 2, 2))
        login(world.parent_a2)
        page = client.get(s_url(world)).get_data(as_text=True)
        assert str(jonas.id) in page and str(sara.id) not in page and "Sara A" not in page
        assert client.get(s_url(world, f"/answers/{sara.id}")).status_code == 404
        login(world.consultant_a)
        page = client.get(s_url(world)).get_data(as_text=True)
        assert str(jonas.id) in page and str(sara.id) in page and "Jonas A" in page and "Sara A" in page
        assert page.count('class="trend-line"') >= 2  # both parents side by side
        login(world.parent_b)
        assert client.get(s_url(world, f"/answers/{sara.id}")).status_code == 404

    def test_the_family_chooses_whether_to_see_collaboration_answers(self, app, client, world, login):
        meeting = meeting_in(world, -30)
        sent = answer(app, world, world.parent_a, meeting, (9, 9, 9, 9), purpose="alliance")
        login(world.parent_a)
        assert "Working together" not in client.get(s_url(world)).get_data(as_text=True).split('id="alliance-h"')[0]
        assert "chosen not to see" in client.get(s_url(world, f"/answers/{sent.id}")).get_data(as_text=True)
        client.post(s_url(world, "/settings"), data={"show": "y"})
        page = client.get(s_url(world)).get_data(as_text=True)
        assert str(sent.id) in page and "Your answers about working together help" in page
        login(world.consultant_a)
        assert str(sent.id) in client.get(s_url(world)).get_data(as_text=True)


class TestReview:
    def test_the_queue_shows_new_answers_with_alerts_and_marks_them(self, app, client, world, login):
        first = meeting_in(world, -24 * 20, world.parent_a, world.parent_a2)
        second = meeting_in(world, -30, world.parent_a, world.parent_a2)
        answer(app, world, world.parent_a2, first, (7.6, 7.4, 7.8, 7.4))
        dropped = answer(app, world, world.parent_a2, second, (6.0, 5.8, 6.4, 6.1))
        assert dropped.alerts == ["below_cutoff", "reliable_deterioration"]
        login(world.consultant_a)
        caseload = client.get("/caseload").get_data(as_text=True)
        assert "answers to talk through" in caseload and "alert" in caseload
        queue = client.get("/review").get_data(as_text=True)
        assert str(dropped.id) in queue and "clearly worse" in queue and "below the line" in queue
        response = client.post(
            s_url(world, f"/answers/{dropped.id}/discussed"),
            data={"note": "Jonas har travlt på arbejdet", "back": "review"},
        )
        assert response.status_code == 302 and response.location.endswith("/review")
        assert str(dropped.id) not in client.get("/review").get_data(as_text=True)
        assert db.session.get(ScaleResponse, dropped.id).note == "Jonas har travlt på arbejdet"
        login(world.parent_a2)
        page = client.get(s_url(world, f"/answers/{dropped.id}")).get_data(as_text=True)
        assert "Talked through" in page and "travlt" not in page and "clearly worse" not in page

    def test_other_consultants_never_see_the_answers(self, client, world, login):
        login(world.consultant_b)
        queue = client.get("/review").get_data(as_text=True)
        assert "Familien A" not in queue
        sent = db.session.scalar(select(ScaleResponse).where(ScaleResponse.family_id == world.family_a.id))
        assert client.get(s_url(world, f"/answers/{sent.id}")).status_code == 404
        assert client.post(s_url(world, f"/answers/{sent.id}/discussed"), data={}).status_code == 404

    def test_a_too_long_note_is_refused(self, client, world, login):
        sent = db.session.scalar(select(ScaleResponse).where(ScaleResponse.family_id == world.family_a.id))
        login(world.consultant_a)
        client.post(s_url(world, f"/answers/{sent.id}/discussed"), data={"note": "x" * 2001})
        assert db.session.get(ScaleResponse, sent.id).discussed_at is None


class TestQueries:
    @pytest.mark.parametrize("url", ["scales"])  # the review queue's: test_review_views.py
    def test_pages_use_a_constant_number_of_queries(self, app, client, world, login, count_queries, url):
        target = "/review" if url == "/review" else s_url(world)
        login(world.consultant_a)
        client.get(target)
        with count_queries() as few:
            client.get(target)
        with app.app_context():
            for days in range(2, 8):
                meeting = factories.make_meeting(
                    world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=days * 7)
                )
                factories.make_answer(world.family_a, world.parent_a, meeting, (5, 5, 5, 5))
            db.session.commit()
        with count_queries() as many:
            page = client.get(target).get_data(as_text=True)
        assert page.count("data-response=") >= 7
        assert len(many) == len(few)
