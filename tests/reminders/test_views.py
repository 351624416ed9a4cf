"""The reminders page: switched on after a tap (JSON from reminders.js), chosen per kind, and for the consultant
only whether a person has reminders, never what."""

from __future__ import annotations

from sqlalchemy import select

from familyapp import db
from familyapp.reminders.models import PushSubscription, ReminderSetting
from tests.push_receiver import PushReceiver


def test_the_page_offers_a_tap_and_explains_the_alternatives(client, world, login):
    login(world.parent_a)
    page = client.get("/reminders").get_data(as_text=True)
    assert "data-push-on" in page and 'data-key="' in page
    assert "/install" in page and "calendar" in page.lower()  # where push is not available
    assert "never names or places" in page


def test_choose_what_to_be_reminded_of(client, world, login):
    login(world.parent_a)
    assert client.post("/reminders", data={"meeting": "y"}).status_code == 302
    setting = db.session.get(ReminderSetting, world.parent_a.id)
    assert (setting.meeting, setting.scale, setting.referat) == (True, False, False)
    page = client.get("/reminders").get_data(as_text=True)
    assert 'id="kind-meeting" name="meeting" value="y" checked' in page and 'name="scale" value="y">' in page


def test_subscribe_and_unsubscribe_in_json(client, world, login):
    login(world.parent_a)
    with PushReceiver() as receiver:
        sub = receiver.subscription()
        response = client.post("/reminders/subscribe", json=sub)
        assert response.status_code == 200 and response.get_json() == {"subscribed": True}
        refused = client.post("/reminders/subscribe", json={"endpoint": "https://evil.example/x", "keys": {}})
        assert refused.status_code == 400 and "could not be switched on" in refused.get_json()["error"]
        assert client.post("/reminders/unsubscribe", json={"endpoint": sub["endpoint"]}).status_code == 200
        assert db.session.scalar(select(PushSubscription)) is None


def test_the_consultant_sees_whether_not_what(client, world, login):
    login(world.parent_a)
    with PushReceiver() as receiver:
        client.post("/reminders/subscribe", json=receiver.subscription())
        client.post("/reminders", data={"referat": "y"})
    login(world.consultant_a)
    page = client.get(f"/families/{world.family_a.id}/people").get_data(as_text=True)
    sara = page.split("Sara A")[1].split("</li>")[0]
    jonas = page.split("Jonas A")[1].split("</li>")[0]
    assert "reminders on" in sara and "no reminders" in jonas
    assert "referat" not in sara.lower()
    assert client.get("/reminders").status_code == 404  # the page is the family's own


def test_family_members_find_the_page(client, world, login):
    login(world.parent_a)
    home = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
    assert 'href="/reminders"' in home
