"""The one consent gate: one parent or every parent with custody, expiry, withdrawal, changed texts, kinds; and
records that can only be added."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from familyapp import db, gate
from familyapp.consent import services, texts
from familyapp.families.models import Membership
from familyapp.gate.models import ConsentRecord, ConsentRequest, ConsentTemplate
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingMode, MeetingType
from familyapp.network import services as network_services
from familyapp.network.models import NetworkPerson
from familyapp.scales.definitions import DefinitionError


@pytest.fixture()
def a(app, world):
    """Family A's teacher and caseworker on the map, inside an app context."""
    with app.test_request_context():
        people = {
            p.name: p
            for p in db.session.scalars(select(NetworkPerson).where(NetworkPerson.family_id == world.family_a.id))
        }
        yield world, people


def template(key: str) -> ConsentTemplate:
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def ask(world, people, key="share-meetings", who="Karsten Berg", meeting=None):
    return services.create_request(
        world.family_a, template(key), people[who], actor=world.consultant_a, meeting=meeting
    )


def network_meeting(world, people, *names):
    """A network meeting in ten days with these people from the map."""
    now = db.utcnow()
    data = {
        "type": MeetingType.NETWORK,
        "starts_at": now + timedelta(days=10),
        "ends_at": now + timedelta(days=10, hours=2),
        "mode": MeetingMode.IN_PERSON,
        "place": "Biblioteket",
        "purpose": "Hvem kan hjælpe?",
        "preparation": "",
    }
    invited = [meeting_services.participant_from_map(people[n]) for n in names]
    return meeting_services.create_meeting(world.family_a, data, invited, actor=world.consultant_a, now=now)


def give(world, request, parent, at=None):
    return services.give(world.family_a, request, parent, language="da", now=at or db.utcnow(), confirmed_by="passkey")


def test_one_parent_is_enough_when_the_text_says_one(a):
    world, people = a
    karsten = people["Karsten Berg"].id
    request = ask(world, people)
    assert not gate.may_share(world.family_a, karsten, "meetings", db.utcnow())
    give(world, request, world.parent_a2)
    assert gate.may_share(world.family_a, karsten, "meetings", db.utcnow())
    assert gate.may_share(world.family_a, karsten, "referat", db.utcnow())
    assert not gate.may_share(world.family_a, karsten, "plan", db.utcnow())  # only what the text covers
    assert not gate.may_share(world.family_b, karsten, "meetings", db.utcnow())


def test_every_parent_with_custody_when_the_text_says_all(a):
    world, people = a
    bente = people["Bente"].id
    meeting, other = network_meeting(world, people, "Bente"), network_meeting(world, people, "Bente")
    request = ask(world, people, "network-meeting", "Bente", meeting=meeting)
    give(world, request, world.parent_a)
    assert not gate.may_share(world.family_a, bente, "meeting_invitation", db.utcnow(), meeting.id)
    give(world, request, world.parent_a2)
    assert gate.may_share(world.family_a, bente, "meeting_invitation", db.utcnow(), meeting.id)
    # The consent is for that meeting: another network meeting needs its own.
    assert not gate.may_share(world.family_a, bente, "meeting_invitation", db.utcnow(), other.id)
    assert not gate.may_share(world.family_a, bente, "meeting_invitation", db.utcnow())


def test_an_invitation_consent_names_its_meeting(a):
    world, people = a
    with pytest.raises(services.ConsentError, match="meeting_needed"):
        ask(world, people, "network-meeting", "Bente")
    with pytest.raises(services.ConsentError, match="no_meeting"):
        ask(world, people, meeting=network_meeting(world, people, "Bente"))


def test_asking_the_same_twice_is_refused(a):
    world, people = a
    ask(world, people)
    with pytest.raises(services.ConsentError, match="already_asked"):
        ask(world, people)
    ask(world, people, who="Bente")  # someone else is a new question


def test_a_parent_without_custody_is_not_needed(a):
    world, people = a
    meeting = network_meeting(world, people, "Bente")
    request = ask(world, people, "network-meeting", "Bente", meeting=meeting)
    give(world, request, world.parent_a)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == world.parent_a2.id))
    membership.custody = False
    db.session.flush()
    assert gate.may_share(world.family_a, people["Bente"].id, "meeting_invitation", db.utcnow(), meeting.id)
    with pytest.raises(services.ConsentError, match="not_custodian"):
        give(world, request, world.parent_a2)  # and cannot give one that would not count
    membership.custody = None
    db.session.flush()
    with pytest.raises(services.ConsentError, match="custody_unknown"):
        give(world, ask(world, people), world.parent_a2)


def test_nobody_counts_until_custody_is_recorded(a):
    world, people = a
    request = ask(world, people)
    give(world, request, world.parent_a)
    for user in (world.parent_a, world.parent_a2):
        db.session.scalar(select(Membership).where(Membership.user_id == user.id)).custody = None
    db.session.flush()
    assert not gate.may_share(world.family_a, people["Karsten Berg"].id, "meetings", db.utcnow())


def test_someone_taken_off_the_map_gets_nothing_more(a):
    world, people = a
    give(world, ask(world, people), world.parent_a)
    link, _token = services.create_link(
        world.family_a, people["Karsten Berg"], actor=world.consultant_a, now=db.utcnow()
    )
    network_services.remove_person(world.family_a, people["Karsten Berg"], actor=world.consultant_a)
    assert not gate.may_share(world.family_a, people["Karsten Berg"].id, "meetings", db.utcnow())
    assert link.revoked_at is not None


def test_a_recipient_keeps_their_name(a):
    world, people = a
    ask(world, people, who="Bente")
    with pytest.raises(network_services.NetworkError, match="consent_recipient"):
        network_services.update_person(
            world.family_a, people["Bente"], {"name": "Birgit"}, actor=world.consultant_a, among=list(people.values())
        )
    # Other details may change.
    network_services.update_person(
        world.family_a,
        people["Bente"],
        {"helps_with": "Henter Emil"},
        actor=world.consultant_a,
        among=list(people.values()),
    )


def test_withdrawal_counts_at_once_and_the_history_keeps_both(a):
    world, people = a
    karsten = people["Karsten Berg"].id
    request = ask(world, people)
    give(world, request, world.parent_a)
    services.withdraw(world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="passkey")
    assert not gate.may_share(world.family_a, karsten, "meetings", db.utcnow())
    actions = [
        r.action
        for r in db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.request_id == request.id).order_by(ConsentRecord.at)
        )
    ]
    assert actions == ["given", "withdrawn"]


def test_a_consent_runs_out(a):
    world, people = a
    request = ask(world, people)  # 12 months
    given = give(world, request, world.parent_a, at=db.utcnow() - timedelta(days=400))
    assert given.expires_at < db.utcnow()
    assert not gate.may_share(world.family_a, people["Karsten Berg"].id, "meetings", db.utcnow())
    # Expired: it may be given again.
    give(world, request, world.parent_a)
    assert gate.may_share(world.family_a, people["Karsten Berg"].id, "meetings", db.utcnow())


def test_a_changed_text_must_be_consented_again(a):
    world, people = a
    request = ask(world, people)
    give(world, request, world.parent_a)
    newer = copy.deepcopy(template("share-meetings").data)
    newer["version"] = 2
    newer["text"]["da"] += " Ny sætning."
    services.store_template(db.session, newer)
    assert not gate.may_share(world.family_a, people["Karsten Berg"].id, "meetings", db.utcnow())
    with pytest.raises(services.ConsentError, match="outdated"):
        give(world, request, world.parent_a2)
    renewed = ask(world, people)
    give(world, renewed, world.parent_a)
    assert gate.may_share(world.family_a, people["Karsten Berg"].id, "meetings", db.utcnow())


def test_double_giving_and_withdrawing_nothing_are_refused(a):
    world, people = a
    request = ask(world, people)
    give(world, request, world.parent_a)
    with pytest.raises(services.ConsentError, match="already_given"):
        give(world, request, world.parent_a)
    with pytest.raises(services.ConsentError, match="not_given"):
        services.withdraw(
            world.family_a, request, world.parent_a2, language="da", now=db.utcnow(), confirmed_by="passkey"
        )


def test_only_parents_consent(app, world):
    with app.test_request_context():
        people = {
            p.name: p
            for p in db.session.scalars(select(NetworkPerson).where(NetworkPerson.family_id == world.family_a.id))
        }
        request = ask(world, people)
        with pytest.raises(services.ConsentError, match="not_parent"):
            give(world, request, world.consultant_a)


def test_records_are_append_only(a):
    world, people = a
    record = give(world, ask(world, people), world.parent_a)
    db.session.flush()
    record.action = "withdrawn"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    record = db.session.scalar(select(ConsentRecord))
    db.session.delete(record)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_the_database_itself_refuses_changes_to_the_history(a):
    world, people = a
    request = ask(world, people)
    give(world, request, world.parent_a)
    db.session.flush()
    for statement in (
        update(ConsentRecord).values(action="withdrawn"),
        delete(ConsentRecord),
        update(ConsentRequest).values(note="Noget andet"),
        delete(ConsentRequest),
        update(ConsentTemplate).values(data={}),
    ):
        with pytest.raises(DBAPIError), db.session.begin_nested():
            db.session.execute(statement)
    # A text may still be switched out of use (a newer version replaces it).
    with db.session.begin_nested():
        db.session.execute(update(ConsentTemplate).values(active=False))


def test_two_taps_at_once_give_one_record(a, monkeypatch):
    world, people = a
    request = ask(world, people)
    give(world, request, world.parent_a)
    # The second tap read the records before the first one's was written: it tries the same number.
    monkeypatch.setattr(services, "_next_seq", lambda _request, _user: 1)
    monkeypatch.setattr(services, "active", lambda _record, _now: False)
    with pytest.raises(services.ConsentError, match="already_given"):
        give(world, request, world.parent_a)
    stmt = select(func.count()).select_from(ConsentRecord).where(ConsentRecord.request_id == request.id)
    assert db.session.scalar(stmt) == 1


def test_the_receipt_holds_the_exact_text_and_its_hash(a):
    import hashlib

    world, people = a
    record = services.give(
        world.family_a, ask(world, people), world.parent_a, language="en", now=db.utcnow(), confirmed_by="passkey"
    )
    assert record.text == template("share-meetings").data["text"]["en"]
    assert record.shown["to"] == "Karsten Berg" and record.shown["text"] == record.text
    canonical = json.dumps(record.shown, sort_keys=True, ensure_ascii=False)
    assert record.text_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert record.language == "en" and record.template_id == template("share-meetings").id


def test_the_gate_asks_a_fixed_number_of_queries(a, count_queries):
    world, people = a
    for name in ("Karsten Berg", "Bente", "Lise Lærer"):
        give(world, ask(world, people, who=name), world.parent_a)
    db.session.flush()
    with count_queries() as q:
        allowed = gate.permissions(world.family_a, {p.id for p in people.values()}, db.utcnow())
    assert len(q) == 4 and all("meetings" in allowed[p.id].kinds for p in people.values())


def test_texts_are_checked(app):
    for data in texts.shipped():
        texts.validate(data)
    bad = copy.deepcopy(texts.shipped()[0])
    bad.update(colour="red", covers=["everything"], requires="some", months=99)
    bad["title"].pop("en")
    with pytest.raises(DefinitionError) as caught:
        texts.validate(bad)
    reasons = caught.value.reasons
    assert "unknown field 'colour'" in reasons and "missing translation 'en' in 'title'" in reasons
    assert any("'covers'" in r for r in reasons) and any("'requires'" in r for r in reasons)
    assert any("'months'" in r for r in reasons)
