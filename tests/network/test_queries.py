"""Network queries (familyapp/network/queries.py), called directly: the family's own people only, closest first;
removed people gone from the map but kept for meetings and cases; and under the viewer's rules a private person
the family hides from its co-consultant, and the versions and relations about them, never reach the co-consultant.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select
from werkzeug.exceptions import NotFound

from familyapp import db, viewer
from familyapp.access import FamilyView
from familyapp.network import queries, services
from familyapp.network.models import AgencyCase, KinRelation, PersonKind, Ring, Sector
from tests.factories import person_data
from tests.network.helpers import person_named


def view(world, user, family=None) -> FamilyView:
    return FamilyView(family=family or world.family_a, viewer=user)


def as_viewer(user) -> None:
    """The next queries run as this signed-in user would run them (what the user loader does)."""
    db.session.expunge_all()
    viewer.set_viewer(user)


def add(family, actor, name, ring=Ring.CLOSE, kind=PersonKind.PRIVATE, **extra):
    data = person_data(name, "ven", ring, Sector.FRIENDS, **extra)
    return services.add_person(family, kind, data, actor=actor, among=[])


def test_people_closest_first_then_by_name_whatever_the_case(ctx, world, count_queries):
    family = world.family_a
    add(family, world.parent_a, "anders", Ring.FAR)
    add(family, world.parent_a, "Øjvind", Ring.CLOSE)
    add(family, world.parent_a, "Carl", Ring.CLOSE)
    db.session.commit()
    with count_queries() as q:
        found = queries.list_people(view(world, world.parent_a))
    assert len(q) == 1
    assert [p.name for p in found] == ["Bente", "Carl", "Øjvind", "Lise Lærer", "anders", "Karsten Berg"]


def test_removed_people_and_another_familys_are_not_on_the_map(ctx, world):
    family = world.family_a
    gone = add(family, world.parent_a, "Hanne")
    services.remove_person(family, gone, actor=world.parent_a)
    db.session.commit()
    names = {p.name for p in queries.list_people(view(world, world.parent_a))}
    assert names == {"Bente", "Lise Lærer", "Karsten Berg"}
    b_names = {p.name for p in queries.list_people(view(world, world.parent_b, world.family_b))}
    assert b_names == {"Bente", "Lise Lærer", "Karsten Berg"}
    assert {p.family_id for p in queries.list_people(view(world, world.parent_b, world.family_b))} == {
        world.family_b.id
    }


def test_a_removed_or_foreign_person_is_a_404(app, ctx, world):
    family = world.family_a
    gone = add(family, world.parent_a, "Hanne")
    services.remove_person(family, gone, actor=world.parent_a)
    foreign = person_named(world.family_b, "Bente")
    own = person_named(family, "Bente")
    db.session.commit()
    with app.test_request_context():
        assert queries.get_person_or_404(view(world, world.parent_a), str(own.id)).id == own.id
        for person_id in (gone.id, foreign.id, "not-an-id"):
            with pytest.raises(NotFound):
                queries.get_person_or_404(view(world, world.parent_a), str(person_id))


def test_people_by_id_keeps_removed_people_but_never_another_familys(ctx, world, count_queries):
    family = world.family_a
    gone = add(family, world.parent_a, "Hanne")
    services.remove_person(family, gone, actor=world.parent_a)
    foreign = person_named(world.family_b, "Bente")
    db.session.commit()
    with count_queries() as q:
        found = queries.people_by_id(family, {gone.id, foreign.id})
    assert set(found) == {gone.id} and len(q) == 1
    with count_queries() as q:
        assert queries.people_by_id(family, set()) == {}
    assert q == []


def test_only_the_co_consultant_is_a_co_consultant(ctx, world):
    assert queries.is_co_consultant(view(world, world.co_consultant_a)) is True
    assert queries.is_co_consultant(view(world, world.consultant_a)) is False
    assert queries.is_co_consultant(view(world, world.parent_a)) is False
    # Family B's primary consultant is nobody's co-consultant in family B.
    assert queries.is_co_consultant(view(world, world.consultant_b, world.family_b)) is False


def test_the_co_consultant_sees_professionals_and_shared_people_only(ctx, world):
    family = world.family_a
    add(family, world.parent_a, "Delt", co_consultant_may_see=True)
    db.session.commit()
    as_viewer(world.co_consultant_a)
    names = {p.name for p in queries.list_people(view(world, world.co_consultant_a))}
    assert names == {"Lise Lærer", "Karsten Berg", "Delt"}
    as_viewer(world.consultant_a)
    names = {p.name for p in queries.list_people(view(world, world.consultant_a))}
    assert names == {"Bente", "Lise Lærer", "Karsten Berg", "Delt"}


def test_the_co_consultant_of_one_family_still_sees_anothers_private_people_as_its_primary(ctx, world):
    """The rule is about the person's own family: being someone's "makker" elsewhere hides nothing here."""
    from familyapp.families import services as family_services
    from familyapp.families.models import AssignmentRole

    family_services.assign_consultant(world.family_b, world.co_consultant_a, AssignmentRole.PRIMARY, actor=world.admin)
    db.session.commit()
    as_viewer(world.co_consultant_a)
    names = {p.name for p in queries.list_people(view(world, world.co_consultant_a, world.family_b))}
    assert "Bente" in names


def test_visible_ids_include_removed_people_but_not_hidden_ones(ctx, world):
    family = world.family_a
    gone = add(family, world.parent_a, "Hanne", co_consultant_may_see=True)
    services.remove_person(family, gone, actor=world.parent_a)
    granny, teacher = person_named(family, "Bente"), person_named(family, "Lise Lærer")
    db.session.commit()
    as_viewer(world.co_consultant_a)
    ids = queries.visible_ids_of(family)
    assert gone.id in ids and teacher.id in ids and granny.id not in ids
    as_viewer(world.consultant_a)
    assert granny.id in queries.visible_ids_of(family)


def test_revisions_newest_first_limited_and_without_their_contents(ctx, world):
    family = world.family_a
    for name in ("En", "To", "Tre"):
        add(family, world.parent_a, name)
    db.session.commit()
    db.session.expunge_all()
    found = queries.list_revisions(view(world, world.parent_a), limit=2)
    assert len(found) == 2 and found[0].at >= found[1].at
    assert "snapshot" in inspect(found[0]).unloaded
    assert {e["name"] for e in found[0].snapshot} >= {"En", "To", "Tre"}


def test_the_co_consultant_never_sees_a_version_made_by_a_change_about_a_hidden_person(ctx, world):
    family = world.family_a
    granny = person_named(family, "Bente")
    services.update_person(family, granny, {"phone": "11111111"}, actor=world.parent_a, among=[])
    db.session.commit()
    as_viewer(world.co_consultant_a)
    about = {r.person_id for r in queries.list_revisions(view(world, world.co_consultant_a))}
    assert granny.id not in about and about
    as_viewer(world.consultant_a)
    assert granny.id in {r.person_id for r in queries.list_revisions(view(world, world.consultant_a))}


def test_a_page_of_versions_with_the_newest_the_viewer_may_see(ctx, world):
    family = world.family_a
    for name in ("En", "To", "Tre", "Fire", "Fem"):
        add(family, world.parent_a, name)
    granny = person_named(family, "Bente")
    services.update_person(family, granny, {"phone": "11111111"}, actor=world.parent_a, among=[])
    db.session.commit()
    everything = queries.list_revisions(view(world, world.parent_a))
    first = queries.versions_page(view(world, world.parent_a), 1, 2)
    assert first.listed == everything[:2] and first.newest == everything[0] and first.more
    second = queries.versions_page(view(world, world.parent_a), 2, 2)
    assert second.listed == everything[2:4] and second.newest == everything[0] and second.number == 2
    past = queries.versions_page(view(world, world.parent_a), 999, 2)
    assert past.listed == everything[-(len(everything) % 2 or 2) :] and not past.more
    as_viewer(world.co_consultant_a)
    theirs = queries.versions_page(view(world, world.co_consultant_a), 1, 100)
    assert granny.id not in {r.person_id for r in theirs.listed} and theirs.newest.person_id != granny.id
    assert theirs.listed == queries.list_revisions(view(world, world.co_consultant_a))


def test_an_earlier_version_leaves_out_people_hidden_from_the_viewer_today(ctx, world):
    family = world.family_a
    db.session.commit()
    revision = queries.list_revisions(view(world, world.parent_a))[0]
    everyone = {e["name"] for e in revision.snapshot}
    assert "Bente" in everyone
    assert {e["name"] for e in queries.snapshot_entries(view(world, world.parent_a), revision)} == everyone
    as_viewer(world.co_consultant_a)
    revision = queries.list_revisions(view(world, world.co_consultant_a))[0]
    shown = {e["name"] for e in queries.snapshot_entries(view(world, world.co_consultant_a), revision)}
    assert "Bente" not in shown and shown == everyone - {"Bente"}
    assert family.id == revision.family_id


def test_the_tree_leaves_out_relations_to_someone_off_the_map_that_the_list_keeps(ctx, world):
    """Removing a person deletes their relations; a relation kept from before that rule still never reaches the
    tree, while ``list_relations`` (all of them) keeps it."""
    family = world.family_a
    granny = person_named(family, "Bente")
    granny.removed_at = db.utcnow() - timedelta(days=1)
    db.session.commit()
    assert len(queries.list_relations(family)) == 1
    assert queries.tree_relations(family) == []


def test_a_tree_relation_of_another_family_or_about_someone_off_the_map_is_a_404(app, ctx, world):
    family = world.family_a
    own = db.session.scalar(select(KinRelation).where(KinRelation.family_id == family.id))
    foreign = db.session.scalar(select(KinRelation).where(KinRelation.family_id == world.family_b.id))
    with app.test_request_context():
        assert queries.get_tree_relation_or_404(view(world, world.parent_a), own.id).id == own.id
        with pytest.raises(NotFound):
            queries.get_tree_relation_or_404(view(world, world.parent_a), foreign.id)
        person_named(family, "Bente").removed_at = db.utcnow()
        db.session.flush()
        with pytest.raises(NotFound):
            queries.get_tree_relation_or_404(view(world, world.parent_a), own.id)


def test_the_co_consultant_never_gets_a_relation_about_a_hidden_person(ctx, world):
    as_viewer(world.co_consultant_a)
    assert queries.list_relations(world.family_a) == []
    assert queries.tree_relations(world.family_a) == []
    as_viewer(world.consultant_a)
    assert len(queries.tree_relations(world.family_a)) == 1


def test_cases_by_authority_and_only_the_familys_own(ctx, world, count_queries):
    family = world.family_a
    services.add_case(family, {"authority": "Boligselskabet", "about": "Husleje"}, actor=world.consultant_a)
    services.add_case(world.family_b, {"authority": "Aaa B", "about": "B"}, actor=world.consultant_b)
    db.session.commit()
    with count_queries() as q:
        found = queries.list_cases(family)
    assert len(q) == 1
    assert [c.authority for c in found] == ["Boligselskabet", "Jobcentret"]
    assert all(isinstance(c, AgencyCase) and c.family_id == family.id for c in found)
