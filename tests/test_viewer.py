"""The viewer's rules in SQL (familyapp/viewer.py): for the family's co-consultant, each feature's queries return
no person the family hides from them, and nothing that points at that person, whatever page asks; the primary
consultant and the family see everything. Tested on the queries themselves, not on what a page shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from familyapp import db, gate, viewer
from familyapp.access import FamilyView
from familyapp.consent import queries as consent_queries
from familyapp.consent import services as consent_services
from familyapp.gate.models import ConsentRecord, ConsentRequest, ConsentTemplate, PartnerLink
from familyapp.meetings import queries as meeting_queries
from familyapp.meetings import services as meeting_services
from familyapp.meetings.models import Meeting, MeetingParticipant, MeetingSuggestion, ParticipantKind
from familyapp.network import queries as network_queries
from familyapp.network.models import KinRelation, NetworkPerson, NetworkRevision
from tests import factories


@pytest.fixture()
def hidden(app, world):
    """Family A's grandmother, hidden from its co-consultant, invited to a meeting, suggested by the parent, the
    subject of a consent request (given) and of a partner link."""
    with app.app_context():
        granny = db.session.scalar(
            select(NetworkPerson).where(NetworkPerson.name == "Bente", NetworkPerson.family_id == world.family_a.id)
        )
        meeting = db.session.scalar(select(Meeting).where(Meeting.family_id == world.family_a.id))
        db.session.add(
            MeetingParticipant(
                family_id=world.family_a.id,
                meeting_id=meeting.id,
                kind=ParticipantKind.NETWORK,
                network_person_id=granny.id,
                name=granny.name,
                role="mormor",
                decides=False,
            )
        )
        db.session.add(
            MeetingSuggestion(
                family_id=world.family_a.id,
                meeting_id=meeting.id,
                user_id=world.parent_a.id,
                network_person_id=granny.id,
            )
        )
        template = db.session.scalar(
            select(ConsentTemplate).where(ConsentTemplate.key == "share-plan", ConsentTemplate.active)
        )
        request = consent_services.create_request(world.family_a, template, granny, actor=world.consultant_a)
        consent_services.give(
            world.family_a, request, world.parent_a, language="da", now=db.utcnow(), confirmed_by="test"
        )
        consent_services.create_link(world.family_a, granny, actor=world.consultant_a, now=db.utcnow())
        db.session.commit()
        return {"granny": granny.id, "meeting": meeting.id, "request": request.id}


def _as(user):
    """Run the next queries as this signed-in viewer (what the user loader does at the start of a request)."""
    db.session.expunge_all()
    viewer.set_viewer(user)


def _view(world, user):
    return FamilyView(family=world.family_a, viewer=user)


def _counts(world, hidden):
    """What one viewer's queries find about the grandmother, feature by feature."""
    family, granny = world.family_a, hidden["granny"]
    view = _view(world, db.session.merge(world.consultant_a))
    meeting = db.session.get(Meeting, hidden["meeting"], options=[selectinload(Meeting.participants)])
    return {
        "map": sum(p.id == granny for p in network_queries.list_people(view)),
        "map_by_id": len(network_queries.people_by_id(family, {granny})),
        "map_history": sum(r.person_id == granny for r in network_queries.list_revisions(view)),
        "family_tree": sum(granny in (r.a_network_id, r.b_network_id) for r in network_queries.tree_relations(family)),
        "participants": sum(p.network_person_id == granny for p in meeting.participants),
        "meeting_list": sum(
            p.network_person_id == granny for m in meeting_queries.list_meetings(family) for p in m.participants
        ),
        "suggestions": sum(s.network_person_id == granny for s in meeting_queries.suggestions_for(meeting)),
        "consent_requests": sum(r.recipient_id == granny for r in consent_queries.list_requests(family)),
        "consent_records": sum(r.request_id == hidden["request"] for r in consent_queries.history(family)),
        "partner_links": sum(k.recipient_id == granny for k in consent_queries.links_of(family)),
        "raw_count": db.session.scalar(
            select(func.count()).select_from(NetworkPerson).where(NetworkPerson.id == granny)
        ),
    }


def test_the_co_consultants_queries_find_nothing_of_a_hidden_person(app, world, hidden):
    with app.app_context():
        _as(world.co_consultant_a)
        assert set(_counts(world, hidden).values()) == {0}


@pytest.mark.parametrize("who", ["consultant_a", "parent_a"])
def test_the_primary_consultant_and_the_family_find_everything(app, world, hidden, who):
    with app.app_context():
        _as(world.by_role(who))
        assert 0 not in _counts(world, hidden).values()


def test_one_statement_kept_for_the_process_gets_each_viewers_own_rules(app, world, hidden):
    """A statement built once a process (as the hot pages' are) keeps its rules per viewer beside it: the
    co-consultant, the primary consultant and the co-consultant again each find what they may, in turn."""
    kept = select(func.count()).select_from(NetworkPerson).where(NetworkPerson.id == hidden["granny"])
    with app.app_context():
        found = []
        for who in (world.co_consultant_a, world.consultant_a, world.co_consultant_a, world.parent_a):
            _as(who)
            found.append(db.session.scalar(kept))
        assert found == [0, 1, 0, 1]


def test_a_hidden_persons_rows_are_neither_changed_nor_deleted_by_the_co_consultant(app, world, hidden):
    with app.app_context():
        _as(world.co_consultant_a)
        meeting = db.session.get(Meeting, hidden["meeting"], options=[selectinload(Meeting.participants)])
        meeting_services.mark_seen(meeting, db.utcnow())
        # The co-consultant saves the meeting's participants: the hidden grandmother was never loaded, so stays.
        meeting.participants.clear()
        db.session.flush()
        db.session.execute(update(NetworkPerson).values(name="Ændret"))
        db.session.commit()
        _as(world.consultant_a)
        granny = db.session.get(NetworkPerson, hidden["granny"])
        assert granny.name == "Bente"
        suggestion = db.session.scalar(
            select(MeetingSuggestion).where(MeetingSuggestion.network_person_id == granny.id)
        )
        assert suggestion.seen_at is None  # it waits for the consultant who may see her
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(MeetingParticipant)
                .where(MeetingParticipant.network_person_id == granny.id)
            )
            == 1
        )


def test_the_rules_cover_every_row_that_points_at_a_person(app, world, hidden):
    """A new table pointing at the map must get its rule too: here the ones known to point there."""
    from familyapp.viewer import _RULES

    ruled = {model for model, _rule in _RULES}
    assert {NetworkPerson, NetworkRevision, KinRelation, MeetingParticipant, MeetingSuggestion} <= ruled
    assert {ConsentRequest, ConsentRecord, PartnerLink} <= ruled
    pointing = {
        mapper.class_
        for mapper in db.Base.registry.mappers
        for fk in mapper.local_table.foreign_keys
        if fk.column.table.name == "network_people" and mapper.class_ is not NetworkPerson
    }
    from familyapp.network.models import AgencyCase

    # A case keeps its contact's id but shows the contact's name only through the (ruled) map.
    assert pointing - ruled <= {AgencyCase}


def test_pages_follow_the_rules_without_a_filter_of_their_own(client, world, hidden, login):
    login(world.co_consultant_a)
    family = world.family_a.id
    for url in (
        f"/families/{family}/",
        f"/families/{family}/meetings/{hidden['meeting']}",
        f"/families/{family}/network",
        f"/families/{family}/network/history",
        f"/families/{family}/network/family-tree",
        f"/families/{family}/consent",
    ):
        page = client.get(url)
        assert page.status_code == 200 and "Bente" not in page.get_data(as_text=True), url
    login(world.consultant_a)
    assert "Bente" in client.get(f"/families/{family}/meetings/{hidden['meeting']}").get_data(as_text=True)
    # The home's next meeting comes with its participants in the same statement: the rule holds there too.
    assert "Bente" in client.get(f"/families/{family}/").get_data(as_text=True)


def test_a_partner_link_shows_only_what_the_gate_allows(app, client, world):
    """The partner's page asks the gate and the features' queries: work meetings and ratings of the work never,
    past meetings only with the referat shared."""
    with app.app_context():
        family = db.session.merge(world.family_a)
        now = db.utcnow()
        past = factories.make_meeting(family, world.parent_a, world.consultant_a, starts_at=now - timedelta(days=20))
        db.session.commit()
        upcoming = meeting_queries.shared_with_partner(family, now, referat=False)
        with_referat = meeting_queries.shared_with_partner(family, now, referat=True)
        assert past.id not in {m.id for m in upcoming} and past.id in {m.id for m in with_referat}
        assert all(m.type.with_family and not m.cancelled for m in with_referat)
        assert gate.Permission(frozenset({"plan", "secrets"}), {}).allows("secrets") is False
