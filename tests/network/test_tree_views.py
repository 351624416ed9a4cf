"""The family tree screens (familyapp/network/tree_views.py): who may change what, bad input, other families'
ids. The cases at the authorities: test_case_views.py."""

from __future__ import annotations

from sqlalchemy import select

from familyapp import db
from familyapp.network.models import KinRelation
from tests.network.helpers import person_named


def t_url(family, rest=""):
    return f"/families/{family.id}/network/family-tree{rest}"


def relations(family) -> list[KinRelation]:
    return list(db.session.scalars(select(KinRelation).where(KinRelation.family_id == family.id)))


def key(person) -> str:
    return f"n:{person.id}"


class TestFamilyTree:
    def test_the_tree_shows_generations(self, client, world, login):
        login(world.parent_a2)
        page = client.get(t_url(world.family_a)).get_data(as_text=True)
        assert "Grandparents&#39; generation" in page or "Grandparents' generation" in page
        assert "Bente" in page and "Child of Bente" in page and "Bente is a parent of Sara A" in page

    def test_parent_adds_siblings_and_a_parent(self, client, world, login):
        login(world.parent_a)
        sara, jonas = f"p:{world.parent_a.person_id}", f"p:{world.parent_a2.person_id}"
        bente = key(person_named(world.family_a, "Bente"))
        assert (
            client.post(
                t_url(world.family_a, "/relations"), data={"a": jonas, "kind": "partner", "b": sara}
            ).status_code
            == 302
        )
        pair = [r for r in relations(world.family_a) if r.kind.value == "partner"][0]
        assert (pair.a_key, pair.b_key) == tuple(sorted((sara, jonas)))  # the same pair whichever way round
        response = client.post(t_url(world.family_a, "/relations"), data={"a": sara, "kind": "partner", "b": jonas})
        assert response.status_code == 400 and "already in the family tree" in response.get_data(as_text=True)
        response = client.post(t_url(world.family_a, "/relations"), data={"a": sara, "kind": "parent", "b": bente})
        assert response.status_code == 400 and "who is the parent of whom" in response.get_data(as_text=True)
        response = client.post(t_url(world.family_a, "/relations"), data={"a": sara, "kind": "sibling", "b": sara})
        assert response.status_code == 400 and "two different people" in response.get_data(as_text=True)
        assert len(relations(world.family_a)) == 2

    def test_siblings_or_a_couple_across_generations_are_refused(self, client, world, login):
        login(world.parent_a)
        sara, bente = f"p:{world.parent_a.person_id}", key(person_named(world.family_a, "Bente"))
        for kind in ("sibling", "partner"):
            response = client.post(t_url(world.family_a, "/relations"), data={"a": bente, "kind": kind, "b": sara})
            assert response.status_code == 400 and "who is the parent of whom" in response.get_data(as_text=True)

    def test_a_group_not_joined_to_the_household_stands_apart(self, client, world, login):
        login(world.parent_a)
        client.post(
            f"/families/{world.family_a.id}/network/people",
            data={
                "kind": "private",
                "private-name": "Farfar",
                "private-relation": "farfar",
                "private-ring": "far",
                "private-sector": "family",
            },
        )
        farfar = key(person_named(world.family_a, "Farfar"))
        bente = key(person_named(world.family_a, "Bente"))
        sara = f"p:{world.parent_a.person_id}"
        client.post(t_url(world.family_a, f"/relations/{relations(world.family_a)[0].id}/delete"))
        assert (
            client.post(
                t_url(world.family_a, "/relations"), data={"a": farfar, "kind": "partner", "b": bente}
            ).status_code
            == 302
        )
        page = client.get(t_url(world.family_a)).get_data(as_text=True)
        joined, apart = page.split('class="card tree-apart"')
        apart = apart.split("</section>")[0]
        assert "Farfar" in apart and "Bente" in apart and f'data-node="{sara}"' not in apart
        assert "tree-row" not in joined  # nobody is joined to the household now

    def test_unknown_and_foreign_people_are_refused(self, client, world, login):
        login(world.parent_a)
        foreign = key(person_named(world.family_b, "Bente"))
        teacher = key(person_named(world.family_a, "Lise Lærer"))  # professionals are not in the tree
        for a in (foreign, teacher, "n:not-a-uuid", "x"):
            response = client.post(
                t_url(world.family_a, "/relations"),
                data={"a": a, "kind": "parent", "b": f"p:{world.parent_a.person_id}"},
            )
            assert response.status_code == 400 and "Choose a person from the list." in response.get_data(as_text=True)
        response = client.post(t_url(world.family_a, "/relations"), data={"a": "", "kind": "wife", "b": ""})
        assert response.status_code == 400 and "Choose one of the relations." in response.get_data(as_text=True)
        assert len(relations(world.family_a)) == 1

    def test_remove_a_relation_and_another_familys_is_a_404(self, client, world, login):
        login(world.parent_a)
        ours, theirs = relations(world.family_a)[0], relations(world.family_b)[0]
        assert client.post(t_url(world.family_a, f"/relations/{theirs.id}/delete")).status_code == 404
        assert client.post(t_url(world.family_a, f"/relations/{ours.id}/delete")).status_code == 302
        assert relations(world.family_a) == [] and len(relations(world.family_b)) == 1
