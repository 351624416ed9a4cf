"""Answers sent by the phone itself (X-Outbox): in JSON, counted once whatever the repeats, kept when late, and
never lost to an ended sign-in; pages kept for offline filling store nothing until shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from familyapp import db
from familyapp.families.models import Family
from familyapp.scales import queries as scale_queries
from familyapp.scales import services as scale_services
from familyapp.scales.models import ScaleResponse
from tests.scales.test_views import fill, meeting_in, response_for, s_url

SUBMIT = {"X-Outbox": "submit", "Accept": "application/json"}
REPLAY = {"X-Outbox": "replay", "Accept": "application/json"}


def answers_in(key) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ScaleResponse)
        .where(ScaleResponse.window_key == key, ScaleResponse.submitted_at.is_not(None))
    )


class TestSending:
    def test_sent_in_json_and_counted_once(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        data = {**fill((6, 7, 5, 8)), "client_id": "c-1"}
        first = client.post(s_url(world, f"/fill/{key}"), data=data, headers=SUBMIT)
        assert first.status_code == 200 and first.get_json()["sent"] is True
        sent = response_for(world.parent_a, key)
        assert first.get_json()["url"].endswith(f"/scales/answers/{sent.id}")
        # The same answer again (the connection dropped before the reply arrived): acknowledged, not duplicated.
        again = client.post(s_url(world, f"/fill/{key}"), data=data, headers=REPLAY)
        assert again.status_code == 200 and answers_in(key) == 1
        # A different answer for the same time: the first one stands.
        other = client.post(
            s_url(world, f"/fill/{key}"), data={**fill((1, 1, 1, 1)), "client_id": "c-2"}, headers=REPLAY
        )
        assert other.status_code == 409 and other.get_json() == {"already": True}
        assert response_for(world.parent_a, key).answers["me"] == 6

    def test_a_replay_leaves_no_message_for_later_but_the_page_gets_one(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}"), data=fill((5, 5, 5, 5)), headers=REPLAY)
        assert "Your answer is sent" not in client.get(s_url(world)).get_data(as_text=True)
        other = meeting_in(world, 40)
        client.post(s_url(world, f"/fill/wellbeing.m.{other.id}"), data=fill((5, 5, 5, 5)), headers=SUBMIT)
        assert "Your answer is sent" in client.get(s_url(world)).get_data(as_text=True)

    def test_bad_values_are_refused_in_json(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        response = client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}"), data={"item-me": "11"}, headers=SUBMIT)
        assert response.status_code == 422 and "me" in response.get_json()["errors"]

    def test_signed_out_asks_for_sign_in_and_keeps_nothing_half(self, client, world):
        meeting = meeting_in(world, 30)
        response = client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}"), data=fill((5, 5, 5, 5)), headers=REPLAY)
        assert response.status_code == 401 and response.get_json() == {"signin": True}
        # Without the header, a page goes to sign-in as always.
        plain = client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}"), data=fill((5, 5, 5, 5)))
        assert plain.status_code == 302 and "/auth/login" in plain.location

    def test_an_ended_session_token_asks_for_sign_in(self, app, client, world, login, monkeypatch):
        monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
        meeting = meeting_in(world, 30)
        login(world.parent_a)
        data = {**fill((5, 5, 5, 5)), "csrf_token": "from-an-old-session"}
        response = client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}"), data=data, headers=REPLAY)
        assert response.status_code == 401 and answers_in(f"wellbeing.m.{meeting.id}") == 0

    def test_another_persons_window_is_a_404(self, client, world, login):
        meeting = meeting_in(world, 30)
        login(world.parent_b)
        response = client.post(
            f"/families/{world.family_a.id}/scales/fill/wellbeing.m.{meeting.id}",
            data=fill((5, 5, 5, 5)),
            headers=REPLAY,
        )
        assert response.status_code == 404


class TestLate:
    def test_an_answer_that_waited_weeks_is_kept_and_marked_late(self, client, world, login):
        meeting = meeting_in(world, -24 * 30)  # the window before it closed a month ago, beyond the grace
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        # The page says it is too late to fill now; an answer filled in time that waited on the phone is kept.
        assert response_for(world.parent_a, key) is None
        response = client.post(s_url(world, f"/fill/{key}"), data=fill((4, 4, 4, 4)), headers=REPLAY)
        assert response.status_code == 200 and response.get_json()["late"] is True
        assert response_for(world.parent_a, key).late

    @pytest.mark.parametrize("shown", [True, False], ids=["shown online", "only kept for offline"])
    def test_a_window_that_gave_way_to_the_next_still_takes_its_answer(self, app, client, world, login, shown):
        def start(days_ago):
            day = db.local_today() - timedelta(days=days_ago)
            db.session.execute(update(Family).where(Family.id == world.family_a.id).values(start_date=day))
            db.session.commit()

        start(10)  # the course began ten days ago: the first progression window is open
        with app.app_context():
            now = db.utcnow()
            family = db.session.get(Family, world.family_a.id)
            window, row = next(
                (w, r) for w, r in scale_queries.windows_for(family, world.parent_a, now) if w.purpose == "progression"
            )
            assert window.key == "progression.c.0" and window.is_open(now)
            if shown:
                scale_services.open_response(family, world.parent_a, window, row, now=now)
            db.session.commit()
        start(97)  # three months later (as if): the next period's window has replaced it
        with app.app_context():
            family = db.session.get(Family, world.family_a.id)
            keys = {w.key for w, _r in scale_queries.windows_for(family, world.parent_a, db.utcnow())}
        assert window.key not in keys and any(k.startswith("progression.c.") for k in keys)
        login(world.parent_a)
        values = {
            f"item-{k}": "5"
            for k in ("everyday", "money", "home", "work", "health", "network", "school", "municipality")
        }
        response = client.post(s_url(world, f"/fill/{window.key}"), data=values, headers=REPLAY)
        assert response.status_code == 200, response.get_data(as_text=True)
        kept = response_for(world.parent_a, window.key)
        # Shown online, the row keeps the window as it really was (still open here); rebuilt from the key, the
        # window is the one of the moved course, long closed: the answer is late.
        assert kept.submitted_at and kept.late is (not shown)
        made_up = client.post(s_url(world, "/fill/progression.c.99"), data=values, headers=REPLAY)
        assert made_up.status_code == 404
        wrong = client.post(s_url(world, "/fill/progression.c.x"), data=values, headers=REPLAY)
        assert wrong.status_code == 404

    def test_an_answer_for_a_window_long_gone_is_not_taken(self, client, world, login):
        meeting = meeting_in(world, -24 * 120)
        login(world.parent_a)
        response = client.post(s_url(world, f"/fill/wellbeing.m.{meeting.id}"), data=fill((4, 4, 4, 4)), headers=REPLAY)
        assert response.status_code == 404


class TestKeptForOffline:
    def test_a_page_fetched_to_keep_stores_nothing_until_it_is_shown(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        kept = client.get(s_url(world, f"/fill/{key}"), headers={"X-Offline-Prefetch": "1"})
        page = kept.get_data(as_text=True)
        assert (
            kept.status_code == 200
            and "data-outbox" in page
            and re.search(r'name="client_id" value="[0-9a-f-]{36}"', page)
        )
        assert response_for(world.parent_a, key) is None
        # Filled offline from that page and sent later: counted, and the time it was shown is not made up.
        client_id = re.search(r'name="client_id" value="([0-9a-f-]{36})"', page).group(1)
        response = client.post(
            s_url(world, f"/fill/{key}"), data={**fill((5, 5, 5, 5)), "client_id": client_id}, headers=REPLAY
        )
        assert response.status_code == 200 and response_for(world.parent_a, key).submitted_at

    def test_a_sent_answer_is_not_kept_as_a_form(self, client, world, login):
        meeting = meeting_in(world, 30)
        key = f"wellbeing.m.{meeting.id}"
        login(world.parent_a)
        client.post(s_url(world, f"/fill/{key}"), data=fill((5, 5, 5, 5)), headers=SUBMIT)
        assert client.get(s_url(world, f"/fill/{key}"), headers={"X-Offline-Prefetch": "1"}).status_code == 404

    def test_the_consultant_has_no_outbox(self, client, world, login):
        login(world.consultant_a)
        page = client.get(s_url(world)).get_data(as_text=True)
        assert 'name="offline-user"' not in page and "outbox.js" not in page


@pytest.mark.parametrize("role", ["parent_a", "consultant_a"])
def test_the_outbox_is_only_for_family_members(client, world, login, role):
    login(getattr(world, role))
    page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert ('name="offline-user"' in page) is (role == "parent_a")
