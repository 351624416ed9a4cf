"""Consent queries: a family's requests, records and links in order and never another family's, texts in use,
what a parent has not answered, and the caseload's recent withdrawals; each in the one query it promises."""

from __future__ import annotations

import copy
from dataclasses import fields
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.consent import queries, services, texts
from familyapp.gate.models import ConsentTemplate
from familyapp.network.models import NetworkPerson


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session, with family A's people on the map by name."""
    found = {f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)}
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == world.family_a.id)
    db.session.flush()
    return SimpleNamespace(**found, map={p.name: p for p in db.session.scalars(stmt)})


def template(key: str) -> ConsentTemplate:
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def newer_version(key: str) -> ConsentTemplate:
    data = copy.deepcopy(template(key).data)
    return services.store_template(db.session, {**data, "version": data["version"] + 1})


def ask(a, key="share-meetings", who="Karsten Berg"):
    return services.create_request(a.family_a, template(key), a.map[who], actor=a.consultant_a)


def give(a, request, parent, now):
    return services.give(a.family_a, request, parent, language="da", now=now, confirmed_by="passkey")


def withdraw(a, request, parent, now):
    return services.withdraw(a.family_a, request, parent, language="da", now=now, confirmed_by="passkey")


def test_a_familys_requests_come_newest_first_in_one_query(a, count_queries):
    first, second = ask(a), ask(a, who="Bente")
    db.session.flush()
    with count_queries() as q:
        found = queries.list_requests(a.family_a)
    assert len(q) == 1
    assert found[:2] == [second, first] and len(found) == 3
    assert {r.family_id for r in found} == {a.family_a.id}


def test_texts_are_found_by_id_in_use_or_not(a, count_queries):
    old = template("share-plan")
    new = newer_version("share-plan")
    db.session.flush()
    with count_queries() as q:
        found = queries.templates_by_id({old.id, new.id})
    assert len(q) == 1 and found == {old.id: old, new.id: new}


def test_no_ids_need_no_query(a, count_queries):
    with count_queries() as q:
        assert queries.templates_by_id(set()) == {}
        assert queries.recent_withdrawals([], db.utcnow()) == {}
    assert q == []


def test_only_the_texts_in_use_are_offered_one_per_key_in_order(a):
    newer = newer_version("share-plan")
    found = queries.active_templates()
    assert [t.key for t in found] == sorted(t["key"] for t in texts.shipped())
    assert newer in found and all(t.active for t in found)


def test_the_history_is_the_familys_oldest_first_or_one_parents_own(a):
    now = db.utcnow()
    request = ask(a)
    give(a, request, a.parent_a2, now + timedelta(minutes=1))
    withdraw(a, request, a.parent_a2, now + timedelta(minutes=2))
    everyone = queries.history(a.family_a)
    assert [r.at for r in everyone] == sorted(r.at for r in everyone) and len(everyone) == 3
    assert {r.family_id for r in everyone} == {a.family_a.id}
    assert [r.action for r in queries.history(a.family_a, a.parent_a2)] == ["given", "withdrawn"]
    assert [r.user_id for r in queries.history(a.family_a, a.parent_a)] == [a.parent_a.id]
    assert queries.history(a.family_a, a.parent_b) == []


def test_a_familys_links_come_newest_first(a):
    link, _token = services.create_link(a.family_a, a.map["Bente"], actor=a.consultant_a, now=db.utcnow())
    found = queries.links_of(a.family_a)
    assert found[0] is link and len(found) == 2
    assert {x.family_id for x in found} == {a.family_a.id}


def test_what_a_parent_has_not_answered_is_counted_in_one_query(a, count_queries):
    ask(a)
    db.session.flush()
    with count_queries() as q:
        waiting = queries.waiting_for(a.family_a, a.parent_a2)
    assert len(q) == 1 and waiting == 2
    assert queries.waiting_for(a.family_a, a.parent_a) == 1  # the plan is answered already
    assert queries.waiting_for(a.family_b, a.parent_b) == 0


def test_a_withdrawal_is_an_answer_too(a):
    request = ask(a)
    give(a, request, a.parent_a, db.utcnow())
    withdraw(a, request, a.parent_a, db.utcnow())
    assert queries.waiting_for(a.family_a, a.parent_a) == 0


def test_a_request_on_a_text_no_longer_in_use_is_not_waiting(a):
    ask(a)
    newer_version("share-meetings")
    assert queries.waiting_for(a.family_a, a.parent_a2) == 1  # the plan only


def test_the_latest_withdrawal_since_a_time_per_family(a, count_queries):
    start = db.utcnow()
    request = ask(a)
    give(a, request, a.parent_a, start + timedelta(minutes=1))
    withdraw(a, request, a.parent_a, start + timedelta(minutes=2))
    give(a, request, a.parent_a, start + timedelta(minutes=3))
    latest = start + timedelta(minutes=4)
    withdraw(a, request, a.parent_a, latest)
    db.session.flush()
    families = [a.family_a.id, a.family_b.id]
    with count_queries() as q:
        found = queries.recent_withdrawals(families, start)
    assert len(q) == 1 and found == {a.family_a.id: latest}
    assert found[a.family_a.id].tzinfo is not None
    assert queries.recent_withdrawals(families, latest + timedelta(seconds=1)) == {}
    assert queries.recent_withdrawals([a.family_b.id], start) == {}
