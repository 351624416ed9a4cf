"""Network services (familyapp/network/services.py), called directly: every change to the map keeps a revision of
the whole map and an audit event, nothing is written when nothing changes, duplicates and impossible family
relations are refused, and a consent's recipient cannot become someone else by a rename."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.gate.models import PartnerLink
from familyapp.network import services
from familyapp.network.models import (
    AgencyCase,
    KinRelation,
    NetworkPerson,
    NetworkRevision,
    PersonKind,
    RelationKind,
    Ring,
    Sector,
)
from tests.factories import person_data
from tests.network.helpers import person_named


def events(family, action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.family_id == family.id, AuditEvent.action == action)
    return list(db.session.scalars(stmt.order_by(AuditEvent.at)))


def revisions(family) -> list[NetworkRevision]:
    stmt = select(NetworkRevision).where(NetworkRevision.family_id == family.id).order_by(NetworkRevision.at)
    return list(db.session.scalars(stmt))


def people(family) -> list[NetworkPerson]:
    stmt = select(NetworkPerson).where(NetworkPerson.family_id == family.id, NetworkPerson.removed_at.is_(None))
    return list(db.session.scalars(stmt))


def p(user) -> str:
    return services.node_key("p", user.person_id)


def n(person) -> str:
    return services.node_key("n", person.id)


# People on the map ----------------------------------------------------------------------------------------


def test_adding_a_person_keeps_a_revision_of_the_whole_map_and_an_audit_event(ctx, world):
    family, parent = world.family_a, world.parent_a
    before = len(revisions(family))
    person = services.add_person(
        family, PersonKind.PRIVATE, person_data("Hanne", "nabo"), actor=parent, among=people(family)
    )
    newest = revisions(family)[-1]
    assert len(revisions(family)) == before + 1
    assert (newest.change, newest.person_id, newest.actor_id) == ("person_added", person.id, parent.id)
    assert {e["name"] for e in newest.snapshot} == {"Bente", "Lise Lærer", "Karsten Berg", "Hanne"}
    event = events(family, "network.person_added")[-1]
    assert (event.object_id, event.actor_id, event.data) == (str(person.id), parent.id, {"kind": "private"})


def test_a_private_person_never_keeps_a_professionals_fields(ctx, world):
    data = person_data("Hanne", "nabo", organisation="Firma", email="h@example.org", decides=True)
    person = services.add_person(world.family_a, PersonKind.PRIVATE, data, actor=world.parent_a, among=[])
    assert (person.organisation, person.email, person.decides) == ("", "", False)


def test_a_duplicate_is_refused_whatever_the_case_and_spaces(ctx, world):
    family = world.family_a
    count = len(people(family))
    with pytest.raises(services.NetworkError) as refused:
        services.add_person(
            family, PersonKind.PRIVATE, person_data("  bente ", "MORMOR"), actor=world.parent_a, among=people(family)
        )
    assert (refused.value.key, refused.value.name) == ("duplicate", "Bente")
    assert len(people(family)) == count


def test_the_same_name_with_another_relation_or_kind_is_not_a_duplicate(ctx, world):
    among = people(world.family_a)
    assert services.duplicate_of(person_data("Bente", "nabo"), PersonKind.PRIVATE, among) is None
    professional = {**person_data("Bente", "mormor"), "organisation": ""}
    assert services.duplicate_of(professional, PersonKind.PROFESSIONAL, among) is None
    # Professionals are told apart by their organisation, not their role.
    same_school = {**person_data("lise  lærer", "pædagog"), "organisation": "VESTRE skole"}
    assert services.duplicate_of(same_school, PersonKind.PROFESSIONAL, among).name == "Lise Lærer"


def test_a_person_the_actor_cannot_see_is_never_named_as_a_duplicate(ctx, world):
    """The co-consultant does not see the grandmother: adding their own "Bente, mormor" is not refused."""
    family = world.family_a
    visible = [x for x in people(family) if x.kind is PersonKind.PROFESSIONAL]
    added = services.add_person(
        family, PersonKind.PRIVATE, person_data("Bente", "mormor"), actor=world.co_consultant_a, among=visible
    )
    assert sum(x.name == "Bente" for x in people(family)) == 2
    assert added.added_by_id == world.co_consultant_a.id


def test_an_update_that_changes_nothing_writes_nothing(ctx, world):
    family = world.family_a
    granny = person_named(family, "Bente")
    before_revisions, before_events = len(revisions(family)), len(events(family, "network.person_changed"))
    services.update_person(
        family, granny, {"name": "Bente", "ring": Ring.CLOSE}, actor=world.parent_a, among=people(family)
    )
    assert len(revisions(family)) == before_revisions
    assert len(events(family, "network.person_changed")) == before_events
    assert events(family, "network.person_moved") == []


def test_a_move_alone_is_kept_as_a_move_with_from_and_to(ctx, world):
    family = world.family_a
    granny = person_named(family, "Bente")
    services.update_person(
        family, granny, {"ring": Ring.MIDDLE, "sector": Sector.FRIENDS}, actor=world.parent_a, among=people(family)
    )
    (event,) = events(family, "network.person_moved")
    assert event.data == {"fields": ["ring", "sector"], "from": "close/family", "to": "middle/friends"}
    assert revisions(family)[-1].change == "person_moved"


def test_a_move_with_other_changes_is_a_change_that_still_names_the_move(ctx, world):
    family = world.family_a
    granny = person_named(family, "Bente")
    services.update_person(
        family, granny, {"ring": Ring.FAR, "phone": "12345678"}, actor=world.parent_a, among=people(family)
    )
    assert events(family, "network.person_moved") == []
    (event,) = events(family, "network.person_changed")
    assert event.data["fields"] == ["phone", "ring"] and event.data["to"] == "far/family"
    assert "12345678" not in str(event.data)


def test_renaming_into_someone_else_already_on_the_map_is_refused(ctx, world):
    family = world.family_a
    hanne = services.add_person(
        family, PersonKind.PRIVATE, person_data("Hanne", "mormor"), actor=world.parent_a, among=people(family)
    )
    with pytest.raises(services.NetworkError) as refused:
        services.update_person(family, hanne, {"name": "BENTE"}, actor=world.parent_a, among=people(family))
    assert refused.value.key == "duplicate"
    db.session.refresh(hanne)
    assert hanne.name == "Hanne"


def test_a_consents_recipient_cannot_be_renamed_but_may_get_a_new_phone(ctx, world):
    family = world.family_a
    teacher = person_named(family, "Lise Lærer")
    with pytest.raises(services.NetworkError) as refused:
        services.update_person(family, teacher, {"name": "Lone Lærer"}, actor=world.consultant_a, among=[])
    assert refused.value.key == "consent_recipient"
    with pytest.raises(services.NetworkError):
        services.update_person(family, teacher, {"organisation": "Østre Skole"}, actor=world.consultant_a, among=[])
    services.update_person(family, teacher, {"phone": "87654321"}, actor=world.consultant_a, among=[])
    assert (teacher.name, teacher.organisation, teacher.phone) == ("Lise Lærer", "Vestre Skole", "87654321")


def test_removing_keeps_the_row_drops_relations_and_revokes_links(ctx, world):
    family = world.family_a
    teacher = person_named(family, "Lise Lærer")
    services.add_relation(
        family,
        RelationKind.PARTNER,
        n(teacher),
        n(person_named(family, "Karsten Berg")),
        actor=world.consultant_a,
        visible=set(),
    )
    services.remove_person(family, teacher, actor=world.consultant_a)
    assert db.session.get(NetworkPerson, teacher.id).removed_at is not None
    relations = db.session.scalars(select(KinRelation).where(KinRelation.family_id == family.id)).all()
    assert teacher.id not in {r.a_network_id for r in relations} | {r.b_network_id for r in relations}
    assert len(relations) == 1  # the grandmother's relation to the parent stays
    links = db.session.scalars(select(PartnerLink).where(PartnerLink.recipient_id == teacher.id)).all()
    assert links and all(link.revoked_at is not None for link in links)
    newest = revisions(family)[-1]
    assert newest.change == "person_removed" and teacher.name not in {e["name"] for e in newest.snapshot}
    assert len(events(family, "network.person_removed")) == 1
    assert len(events(family, "partner_link.revoked")) == len(links)


def test_the_snapshot_holds_the_familys_people_on_the_map_hidden_ones_included(ctx, world):
    entries = services.snapshot(world.family_a)
    assert {e["name"] for e in entries} == {"Bente", "Lise Lærer", "Karsten Berg"}
    granny = next(e for e in entries if e["name"] == "Bente")
    assert granny["co_consultant_may_see"] is False and granny["kind"] == "private"
    assert all(set(e) >= {"id", "ring", "sector"} for e in entries)


# The family tree ------------------------------------------------------------------------------------------


def test_a_relation_to_oneself_is_refused(ctx, world):
    with pytest.raises(services.NetworkError) as refused:
        key = p(world.parent_a)
        services.add_relation(world.family_a, RelationKind.SIBLING, key, key, actor=world.parent_a, visible={key})
    assert refused.value.key == "same_person"


def test_siblings_recorded_either_way_round_are_one_relation(ctx, world):
    family, a, b = world.family_a, p(world.parent_a), p(world.parent_a2)
    services.add_relation(family, RelationKind.SIBLING, a, b, actor=world.parent_a, visible={a, b})
    with pytest.raises(services.NetworkError) as refused:
        services.add_relation(family, RelationKind.SIBLING, b, a, actor=world.parent_a, visible={a, b})
    assert refused.value.key == "relation_exists"
    assert len(events(family, "network.relation_added")) == 2  # the world's own, and this one


def test_someone_cannot_be_their_own_ancestor(ctx, world):
    family, granny, mother = world.family_a, n(person_named(world.family_a, "Bente")), p(world.parent_a)
    visible = {granny, mother}
    with pytest.raises(services.NetworkError) as refused:
        services.add_relation(family, RelationKind.PARENT, mother, granny, actor=world.parent_a, visible=visible)
    assert refused.value.key == "relation_impossible"
    with pytest.raises(services.NetworkError):
        services.add_relation(family, RelationKind.SIBLING, granny, mother, actor=world.parent_a, visible=visible)


def test_a_parent_cannot_also_be_the_childs_partner(ctx, world):
    family, a, b = world.family_a, p(world.parent_a), p(world.parent_a2)
    services.add_relation(family, RelationKind.PARTNER, a, b, actor=world.parent_a, visible={a, b})
    with pytest.raises(services.NetworkError) as refused:
        services.add_relation(family, RelationKind.PARENT, b, a, actor=world.parent_a, visible={a, b})
    assert refused.value.key == "relation_impossible"


def test_the_sense_checks_only_follow_relations_the_actor_can_see(ctx, world):
    """The grandmother is hidden from the co-consultant: her relation cannot refuse their change, which would
    tell them she is there."""
    family, granny, mother = world.family_a, n(person_named(world.family_a, "Bente")), p(world.parent_a)
    relation = services.add_relation(
        family, RelationKind.PARENT, mother, granny, actor=world.co_consultant_a, visible={mother}
    )
    assert (relation.a_person_id, relation.b_network_id) == (world.parent_a.person_id, person_named(family, "Bente").id)


def test_removing_a_relation_is_audited(ctx, world):
    family = world.family_a
    relation = db.session.scalar(select(KinRelation).where(KinRelation.family_id == family.id))
    services.remove_relation(family, relation, actor=world.parent_a)
    assert (
        db.session.scalar(select(func.count()).select_from(KinRelation).where(KinRelation.family_id == family.id)) == 0
    )
    (event,) = events(family, "network.relation_removed")
    assert event.data == {"kind": "parent"} and event.object_id == str(relation.id)


# Cases at the authorities ---------------------------------------------------------------------------------


def test_a_new_case_has_blank_texts_rather_than_missing_ones(ctx, world):
    case = services.add_case(
        world.family_b, {"authority": "Ydelsescentret", "about": "Boligstøtte"}, actor=world.consultant_b
    )
    assert (case.decided_by, case.next_step, case.contact_id) == ("", "", None)
    assert events(world.family_b, "network.case_added")[-1].object_id == str(case.id)


def test_a_case_change_names_the_changed_fields_only_and_no_change_writes_nothing(ctx, world):
    family = world.family_a
    case = db.session.scalar(select(AgencyCase).where(AgencyCase.family_id == family.id))
    same = {"authority": case.authority, "about": case.about, "contact_id": case.contact_id, "next_step": "Samtale"}
    services.update_case(family, case, same, actor=world.consultant_a)
    assert events(family, "network.case_changed") == []
    services.update_case(
        family, case, {**same, "next_step": "Møde i juni", "decided_by": "Chefen"}, actor=world.consultant_a
    )
    (event,) = events(family, "network.case_changed")
    assert sorted(event.data["fields"]) == ["decided_by", "next_step"]
    assert "Møde i juni" not in str(event.data)


def test_removing_a_case_deletes_it_and_audits_it(ctx, world):
    family = world.family_a
    case = db.session.scalar(select(AgencyCase).where(AgencyCase.family_id == family.id))
    services.remove_case(family, case, actor=world.consultant_a)
    assert db.session.get(AgencyCase, case.id) is None
    assert events(family, "network.case_removed")[-1].object_id == str(case.id)
