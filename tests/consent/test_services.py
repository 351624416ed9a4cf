"""Consent services beyond the gate (tests/consent/test_gate.py): what asking, giving and withdrawing audit and
keep, how long a consent lasts on the Danish clock, what the parent is shown, texts kept by version, partner links
kept only as hashes, and network meeting invitations sent to everyone or no one."""

from __future__ import annotations

import copy
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.consent import services, texts
from familyapp.db import LOCAL_ZONE
from familyapp.families.models import Membership, Person
from familyapp.gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import MeetingMode, MeetingType
from familyapp.network.models import NetworkPerson
from familyapp.textdata import DefinitionError


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session, with family A's people on the map by name."""
    found = {f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)}
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == world.family_a.id)
    return SimpleNamespace(**found, map={p.name: p for p in db.session.scalars(stmt)})


def template(key: str) -> ConsentTemplate:
    return db.session.scalar(select(ConsentTemplate).where(ConsentTemplate.key == key, ConsentTemplate.active))


def newer_version(key: str, **changes) -> ConsentTemplate:
    data = copy.deepcopy(template(key).data)
    return services.store_template(db.session, {**data, "version": data["version"] + 1, **changes})


def ask(a, key="share-meetings", who="Karsten Berg", **kwargs) -> ConsentRequest:
    return services.create_request(a.family_a, template(key), a.map[who], actor=a.consultant_a, **kwargs)


def give(a, request, parent=None, now=None, language="da"):
    parent = parent or a.parent_a
    now = now or db.utcnow()
    return services.give(a.family_a, request, parent, language=language, now=now, confirmed_by="passkey")


def withdraw(a, request, parent=None, now=None):
    parent = parent or a.parent_a
    now = now or db.utcnow()
    return services.withdraw(a.family_a, request, parent, language="da", now=now, confirmed_by="passkey")


def network_meeting(a, *names):
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
    invited = [meeting_services.participant_from_map(a.map[n]) for n in names]
    return meeting_services.create_meeting(a.family_a, data, invited, actor=a.consultant_a, now=now)


def invitation_consent(a, meeting, *names):
    """Both parents with custody consent to inviting these people to the meeting."""
    for name in names:
        request = ask(a, "network-meeting", name, meeting=meeting)
        give(a, request, a.parent_a)
        give(a, request, a.parent_a2)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def links_count() -> int:
    return db.session.scalar(select(func.count()).select_from(PartnerLink))


def test_asking_keeps_the_note_and_is_audited_with_the_texts_key(a):
    request = ask(a, note="Skolen spørger")
    assert (request.note, request.created_by_id, request.family_id) == (
        "Skolen spørger",
        a.consultant_a.id,
        a.family_a.id,
    )
    event = events("consent.requested")[-1]
    assert (event.object_id, event.data, event.actor_id) == (
        str(request.id),
        {"text": "share-meetings"},
        a.consultant_a.id,
    )


def test_asking_from_a_text_no_longer_in_use_is_refused(a):
    old = template("share-meetings")
    newer_version("share-meetings")
    with pytest.raises(services.ConsentError, match="outdated"):
        services.create_request(a.family_a, old, a.map["Karsten Berg"], actor=a.consultant_a)


def test_the_same_question_about_a_child_is_a_question_of_its_own(a):
    alma = db.session.scalar(select(Person).where(Person.family_id == a.family_a.id, Person.name == "Alma"))
    ask(a)
    about = ask(a, about=alma)
    assert about.about_person_id == alma.id
    with pytest.raises(services.ConsentError, match="already_asked"):
        ask(a, about=alma)


def test_custody_is_read_in_that_family_only(a):
    assert services.custody_of(a.family_a, a.parent_a) is True
    assert services.custody_of(a.family_a, a.parent_b) is None
    db.session.scalar(select(Membership).where(Membership.user_id == a.parent_a2.id)).custody = False
    assert services.custody_of(a.family_a, a.parent_a2) is False


def test_a_parent_of_another_family_cannot_consent_for_this_one(a):
    request = ask(a)
    with pytest.raises(services.ConsentError, match="custody_unknown"):
        give(a, request, a.parent_b)
    assert db.session.scalar(select(func.count()).where(ConsentRecord.request_id == request.id)) == 0


@pytest.mark.parametrize(
    ("given", "ends"),
    [
        # Six months across the change to summer time: still 12:00 on the Danish clock.
        (datetime(2026, 1, 31, 12, tzinfo=LOCAL_ZONE), datetime(2026, 7, 31, 10, tzinfo=UTC)),
        # The 31st becomes the last day of a shorter month.
        (datetime(2026, 8, 31, 12, tzinfo=LOCAL_ZONE), datetime(2027, 2, 28, 11, tzinfo=UTC)),
    ],
)
def test_a_consent_lasts_whole_months_on_the_danish_clock(a, given, ends):
    record = give(a, ask(a, "share-scales"), now=given.astimezone(UTC))  # six months
    assert record.expires_at == ends


def test_a_text_of_zero_months_lasts_until_withdrawn(a):
    newer_version("share-meetings", months=0)
    assert give(a, ask(a)).expires_at is None


def test_giving_and_withdrawing_are_numbered_and_audited(a):
    request = ask(a)
    records = [give(a, request), withdraw(a, request), give(a, request)]
    assert [(r.action, r.seq) for r in records] == [("given", 1), ("withdrawn", 2), ("given", 3)]
    assert records[1].expires_at is None and records[1].confirmed_by == "passkey"
    for action in ("consent.given", "consent.withdrawn"):
        event = events(action)[-1]
        assert (event.actor_id, event.family_id, event.data) == (
            a.parent_a.id,
            a.family_a.id,
            {"text": "share-meetings"},
        )


def test_a_consent_that_has_run_out_cannot_be_withdrawn(a):
    request = ask(a)
    give(a, request, now=db.utcnow() - timedelta(days=400))
    with pytest.raises(services.ConsentError, match="not_given"):
        withdraw(a, request)


def test_the_parent_is_shown_who_why_about_whom_and_which_meeting(a):
    alma = db.session.scalar(select(Person).where(Person.family_id == a.family_a.id, Person.name == "Alma"))
    meeting = network_meeting(a, "Lise Lærer")
    request = ask(a, "network-meeting", "Lise Lærer", meeting=meeting, about=alma, note="Til mødet")
    data = template("network-meeting").data
    shown = services.what_is_shown(a.family_a, request, template("network-meeting"), "en")
    assert (shown["to"], shown["to_who"], shown["note"], shown["about"]) == (
        "Lise Lærer",
        "lærer, Vestre Skole",
        "Til mødet",
        "Alma",
    )
    assert shown["meeting_at"] == meeting.starts_at.isoformat() and shown["covers"] == ["meeting_invitation"]
    assert (shown["title"], shown["text"], shown["version"]) == (
        data["title"]["en"],
        data["text"]["en"],
        template("network-meeting").version,
    )


def test_a_language_without_a_translation_is_shown_the_danish_text(a):
    record = give(a, ask(a), language="de")
    data = template("share-meetings").data
    assert record.text == data["text"]["da"] and record.shown["title"] == data["title"]["da"]
    assert record.language == "de" and "text_da" not in record.shown


def test_a_machine_translation_is_kept_with_the_danish_text_beside_it(a):
    record = give(a, ask(a), language="uk")
    data = template("share-meetings").data
    assert record.text == data["text"]["uk"] != data["text"]["da"]
    assert record.shown["text_da"] == data["text"]["da"]
    reviewed = give(a, ask(a, who="Lise Lærer"), language="en")
    assert "text_da" not in reviewed.shown


def test_a_text_version_can_be_stored_once_and_the_one_in_use_stays(a):
    in_use = template("share-plan")
    with pytest.raises(DefinitionError, match="exists"):
        services.store_template(db.session, copy.deepcopy(in_use.data))
    assert template("share-plan") is in_use


def test_a_wrong_text_is_refused_and_nothing_stored(a):
    before = db.session.scalar(select(func.count()).select_from(ConsentTemplate))
    with pytest.raises(DefinitionError):
        services.store_template(db.session, {**copy.deepcopy(template("share-plan").data), "version": 9, "months": 99})
    assert db.session.scalar(select(func.count()).select_from(ConsentTemplate)) == before
    assert template("share-plan").version == 1


def test_a_new_version_takes_over_and_the_shipped_older_one_is_not_brought_back(a):
    newer = newer_version("share-plan")
    assert services.sync_shipped(db.session) == []
    assert template("share-plan") is newer
    versions = db.session.scalars(select(ConsentTemplate.active).where(ConsentTemplate.key == "share-plan"))
    assert sorted(versions) == [False, True]
    assert {t["key"] for t in texts.shipped()} == set(db.session.scalars(select(ConsentTemplate.key)))


def test_a_partner_link_is_kept_only_as_a_hash_and_found_by_its_secret(a):
    now = db.utcnow()
    link, token = services.create_link(a.family_a, a.map["Karsten Berg"], actor=a.consultant_a, now=now)
    assert link.token_hash == db.secret_hash(token) and token not in link.token_hash
    assert link.expires_at == now + services.LINK_LIFETIME and link.meeting_id is None
    assert services.link_for_token(token) is link
    assert services.link_for_token(token[:-1]) is None
    event = events("partner_link.created")[-1]
    assert (event.family_id, event.object_id, event.data) == (a.family_a.id, str(link.id), {"invitation": False})


def test_a_partner_address_is_on_the_public_origin(a):
    assert services.partner_url("the-secret").startswith("http://localhost:5000/")
    assert services.partner_url("the-secret").endswith("/the-secret")


def test_invitations_go_to_no_one_until_everyone_invited_has_consent(a):
    meeting = network_meeting(a, "Lise Lærer", "Karsten Berg", "Bente")
    invitation_consent(a, meeting, "Lise Lærer")
    before = links_count()
    people = [a.map["Lise Lærer"], a.map["Karsten Berg"], a.map["Bente"]]
    with pytest.raises(services.MissingConsent) as caught:
        services.send_invitations(a.family_a, meeting, people, actor=a.consultant_a, now=db.utcnow())
    assert caught.value.names == ["Karsten Berg", "Bente"]
    assert links_count() == before


def test_consent_for_another_meeting_does_not_invite_to_this_one(a):
    this, other = network_meeting(a, "Bente"), network_meeting(a, "Bente")
    invitation_consent(a, other, "Bente")
    with pytest.raises(services.MissingConsent):
        services.send_invitations(a.family_a, this, [a.map["Bente"]], actor=a.consultant_a, now=db.utcnow())


def test_sending_again_stops_the_earlier_invitations_to_that_meeting_only(a):
    this, other = network_meeting(a, "Bente"), network_meeting(a, "Bente")
    invitation_consent(a, this, "Bente")
    invitation_consent(a, other, "Bente")
    send = services.send_invitations
    [(_p, first)] = send(a.family_a, this, [a.map["Bente"]], actor=a.consultant_a, now=db.utcnow())
    [(_p, elsewhere)] = send(a.family_a, other, [a.map["Bente"]], actor=a.consultant_a, now=db.utcnow())
    [(person, second)] = send(a.family_a, this, [a.map["Bente"]], actor=a.consultant_a, now=db.utcnow())
    assert services.link_for_token(first).revoked_at is not None
    assert services.link_for_token(elsewhere).revoked_at is None
    newest = services.link_for_token(second)
    assert person is a.map["Bente"] and newest.revoked_at is None and newest.meeting_id == this.id
    plain = db.session.scalar(select(PartnerLink).where(PartnerLink.meeting_id.is_(None)))
    assert plain.revoked_at is None  # the teacher's link to the plan is no invitation
    assert events("partner_link.created")[-1].data == {"invitation": True}
    assert len(events("partner_link.revoked")) == 1
