"""Each user's calendar subscription (familyapp/meetings/calendar_views.py): the secret address, what the feed
holds (only meetings the owner may see, with only the details they chose), stopping it, and a professional's feed
audited as a read. The calendar format itself: test_ics.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import User
from familyapp.meetings import calendar_views
from familyapp.meetings.models import Meeting
from tests import factories


def subscribe(client, **data) -> str:
    """Create the signed-in user's calendar address; its path."""
    response = client.post("/calendar", data=data)
    assert response.headers["Cache-Control"] == "no-store"  # the secret is shown once, never cached
    page = response.get_data(as_text=True)
    return re.search(r"http://localhost:5000(/calendar/[^\"<]+\.ics)", page).group(1)


def events(app, address) -> list:
    response = app.test_client().get(address)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return list(icalendar.Calendar.from_ical(response.data).walk("VEVENT"))


def uids(found) -> set[str]:
    return {str(e["uid"]).split("@")[0] for e in found}


class TestCalendar:
    def test_subscription_feed_shows_only_what_the_user_chose_and_may_see(self, app, client, world, login):
        login(world.parent_a)
        page = client.post("/calendar", data={}).get_data(as_text=True)
        import re

        address = re.search(r"http://localhost:5000(/calendar/[^\"<]+\.ics)", page).group(1)
        anonymous = app.test_client()
        feed = anonymous.get(address)
        assert feed.status_code == 200
        cal = icalendar.Calendar.from_ical(feed.data)
        events = list(cal.walk("VEVENT"))
        family_meetings = db.session.scalars(select(Meeting).where(Meeting.family_id == world.family_a.id)).all()
        assert {str(e["uid"]).split("@")[0] for e in events} == {str(m.id) for m in family_meetings}
        assert all("location" not in e and "description" not in e for e in events)  # title and time only
        # Revoked: the same address is a 404 at once.
        client.post("/calendar/revoke")
        assert anonymous.get(address).status_code == 404

    def test_feed_with_details_and_dst_times(self, app, client, world, login):
        with app.app_context():
            summer = datetime(2027, 3, 28, 8, 0, tzinfo=UTC)  # the day summer time starts: 10:00 in Copenhagen
            factories.make_meeting(
                db.session.merge(world.family_a),
                db.session.merge(world.parent_a),
                db.session.merge(world.consultant_a),
                starts_at=summer,
                place="Sommer",
            )
            db.session.commit()
        login(world.parent_a)
        import re

        page = client.post("/calendar", data={"with_details": "y"}).get_data(as_text=True)
        address = re.search(r"http://localhost:5000(/calendar/[^\"<]+\.ics)", page).group(1)
        cal = icalendar.Calendar.from_ical(app.test_client().get(address).data)
        summer_event = next(e for e in cal.walk("VEVENT") if str(e.get("location")) == "Sommer")
        start = summer_event.decoded("dtstart")
        assert start == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
        from zoneinfo import ZoneInfo

        assert start.astimezone(ZoneInfo("Europe/Copenhagen")).hour == 10

    def test_wrong_token_is_404(self, app, world):
        assert app.test_client().get("/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_a_consultants_feed_is_audited_once_per_period(app, client, world, login):
    login(world.consultant_a)
    page = client.post("/calendar", data={}).get_data(as_text=True)
    address = re.search(r"http://localhost:5000(/calendar/[^\"<]+\.ics)", page).group(1)
    reader = app.test_client()
    reader.get(address)
    reader.get(address)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar.feed_read")).all()
    assert [(e.actor_id, e.family_id) for e in events] == [(world.consultant_a.id, world.family_a.id)]


class TestOnAPhone:
    def test_the_address_opens_the_phones_calendar_and_can_be_copied(self, client, world, login):
        login(world.parent_a)
        page = client.post("/calendar", data={}).get_data(as_text=True)
        path = re.search(r"http://localhost:5000(/calendar/[^\"<]+\.ics)", page).group(1)
        # "Abonnér i kalenderen" opens the calendar app; the address itself stays readable and selectable.
        assert re.search(
            rf'<a class="button button-primary" id="calendar-subscribe" href="webcal://localhost:5000{path}"', page
        )
        assert f'readonly value="http://localhost:5000{path}"' in page
        assert re.search(r'<button type="button" class="button" data-copy="calendar-address" hidden', page)
        assert "data-copied hidden" in page and "/static/js/copy.js" in page
        assert "On an iPhone" in page and "On Android" in page and "From URL" in page

    def test_the_page_has_the_familys_navigation(self, client, world, login):
        login(world.parent_a)
        for page in (client.get("/calendar").get_data(as_text=True), client.post("/calendar").get_data(as_text=True)):
            nav = page.split('<nav class="bottom-nav"')[1].split("</nav>")[0]
            meetings = f'href="/families/{world.family_a.id}/meetings" aria-current="page"'
            assert meetings in nav and f"/families/{world.family_a.id}/network" in nav
            assert "has-bottom-nav" in page and "mirror-banner" not in page
        # A consultant's address covers all their families: their page belongs to none.
        login(world.consultant_a)
        page = client.get("/calendar").get_data(as_text=True)
        assert "bottom-nav" not in page and "mirror-banner" not in page and "Meetings in your calendar" in page


class TestWhatTheFeedHolds:
    def test_only_the_owners_families_and_not_long_past_meetings(self, app, client, world, login):
        with app.test_request_context():
            old = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=61)
            )
            recent = factories.make_meeting(
                world.family_a, world.parent_a, world.consultant_a, starts_at=db.utcnow() - timedelta(days=59)
            )
            db.session.commit()
        login(world.parent_a)
        found = uids(events(app, subscribe(client)))
        theirs = set(db.session.scalars(select(Meeting.id).where(Meeting.family_id == world.family_b.id)))
        assert theirs and not {str(i) for i in theirs} & found
        assert str(recent.id) in found and str(old.id) not in found

    def test_a_professional_sees_which_family_the_family_does_not_need_to(self, app, client, world, login):
        login(world.consultant_a)
        [consultants] = [e for e in events(app, subscribe(client, with_details="y")) if "description" in e]
        assert str(consultants["description"]).startswith("Familien A\n")
        login(world.parent_a)
        [parents] = [e for e in events(app, subscribe(client, with_details="y")) if "description" in e]
        assert "Familien A" not in str(parents["description"])

    def test_a_new_address_replaces_the_old_one(self, app, client, world, login):
        login(world.parent_a)
        first = subscribe(client)
        second = subscribe(client)
        assert first != second
        assert app.test_client().get(first).status_code == 404 and len(events(app, second)) >= 1

    def test_a_deactivated_users_feed_is_a_404(self, app, client, world, login):
        login(world.parent_a)
        address = subscribe(client)
        assert len(events(app, address)) >= 1
        db.session.get(User, world.parent_a.id).active = False
        db.session.commit()
        assert app.test_client().get(address).status_code == 404


def test_a_consultants_feed_is_audited_again_after_the_period(app, client, world, login, monkeypatch):
    login(world.consultant_a)
    address = subscribe(client)
    reader = app.test_client()
    reader.get(address)
    reader.get(address)
    stmt = select(AuditEvent.family_id).where(AuditEvent.action == "calendar.feed_read")
    assert list(db.session.scalars(stmt)) == [world.family_a.id]
    monkeypatch.setattr(calendar_views, "FEED_AUDIT_PERIOD", timedelta(0))  # the period has passed
    reader.get(address)
    assert list(db.session.scalars(stmt)) == [world.family_a.id, world.family_a.id]


def test_a_familys_feed_is_not_audited(app, client, world, login):
    login(world.parent_a)
    events(app, subscribe(client))
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar.feed_read")).all() == []
