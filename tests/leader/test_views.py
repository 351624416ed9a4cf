"""The team leader's start page: the new activations waiting for their confirmation, across families and
professionals, and nothing else. Who may open it is in tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import timedelta

from familyapp import db
from familyapp.recovery import services as recovery


def _ask(world, user, actor, family, now=None):
    now = now or db.utcnow()
    req = recovery.request_recovery(
        db.session.merge(user), actor=db.session.merge(actor), family=family and db.session.merge(family), now=now
    )
    db.session.commit()
    return req


def test_the_leader_is_sent_to_their_page(client, world, login):
    login(world.leader)
    assert client.get("/").location == "/leader/"


def test_nothing_to_confirm(client, world, login):
    login(world.leader)
    page = client.get("/leader/").get_data(as_text=True)
    assert "Team leader" in page and "Nothing waits for your confirmation." in page
    assert "New activations to confirm" not in page


def test_the_page_lists_each_request_with_the_family_and_a_confirm_button(client, world, login):
    sara = _ask(world, world.parent_a, world.consultant_a, world.family_a)
    kim = _ask(world, world.co_consultant_a, world.admin, None)
    login(world.leader)
    page = client.get("/leader/").get_data(as_text=True)
    assert "New activations to confirm" in page and "Nothing waits" not in page
    assert "Mette A asks for a new activation for Sara A." in page and "Familien A" in page
    assert "Anne Admin asks for a new activation for Kim A2." in page
    assert f'action="/recoveries/{sara.id}/confirm"' in page and f'action="/recoveries/{kim.id}/confirm"' in page


def test_only_requests_still_waiting_are_listed(client, world, login):
    now = db.utcnow()
    confirmed = _ask(world, world.parent_a, world.consultant_a, world.family_a)
    recovery.confirm(db.session.merge(confirmed), actor=db.session.merge(world.co_consultant_a), now=now)
    _ask(world, world.parent_b, world.consultant_b, world.family_b, now=now - timedelta(days=2))  # expired
    _ask(world, world.consultant_b, world.admin, None)
    _ask(world, world.consultant_b, world.admin, None)  # replaces the one before
    db.session.commit()
    login(world.leader)
    page = client.get("/leader/").get_data(as_text=True)
    assert "Sara A." not in page and "Maria B." not in page
    assert page.count("asks for a new activation for Ali B.") == 1


def test_the_leaders_own_recovery_is_not_theirs_to_confirm(client, world, login):
    _ask(world, world.leader, world.admin, None)
    login(world.leader)
    page = client.get("/leader/").get_data(as_text=True)
    assert "Nothing waits for your confirmation." in page and "Lone Leder." not in page


def test_the_list_costs_the_same_for_one_request_or_many(client, world, login, count_queries):
    login(world.leader)
    _ask(world, world.parent_a, world.consultant_a, world.family_a)
    client.get("/leader/")  # the session's first touch is a write of its own
    with count_queries() as one:
        client.get("/leader/")
    for user, actor, family in (
        (world.parent_a2, world.consultant_a, world.family_a),
        (world.parent_b, world.consultant_b, world.family_b),
        (world.consultant_a, world.admin, None),
    ):
        _ask(world, user, actor, family)
    with count_queries() as many:
        page = client.get("/leader/").get_data(as_text=True)
    assert page.count("asks for a new activation") == 4
    assert len(many) == len(one)
