"""The family tree and the cases at the authorities: who may change what, bad input, other families' ids."""

from __future__ import annotations

from sqlalchemy import func, select

from familyapp import db
from familyapp.network.models import AgencyCase, KinRelation
from tests.network.helpers import person_named


def t_url(family, rest=""):
    return f"/families/{family.id}/network/family-tree{rest}"


def c_url(family, rest=""):
    return f"/families/{family.id}/network/cases{rest}"


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


class TestCases:
    def test_the_family_reads_the_consultant_keeps(self, client, world, login):
        login(world.parent_a)
        page = client.get(c_url(world.family_a)).get_data(as_text=True)
        assert "Jobcentret" in page and "Karsten Berg" in page and "makes decisions" in page and "Samtale" in page
        assert "Add a case" not in page
        assert client.post(c_url(world.family_a), data={"authority": "X", "about": "Y"}).status_code == 404

    def test_consultant_adds_changes_and_removes_a_case(self, client, world, login):
        login(world.consultant_a)
        lise = person_named(world.family_a, "Lise Lærer")
        data = {
            "authority": "Vestre Skole",
            "about": "Noahs trivsel",
            "contact": str(lise.id),
            "decided_by": "Skolelederen",
            "next_step": "Møde i december",
        }
        response = client.post(c_url(world.family_a), data=data)
        case = db.session.scalar(select(AgencyCase).where(AgencyCase.authority == "Vestre Skole"))
        assert response.status_code == 302 and case.contact_id == lise.id
        edit = client.get(c_url(world.family_a, f"/{case.id}")).get_data(as_text=True)
        assert 'value="Noahs trivsel"' in edit and f'<option selected value="{lise.id}">' in edit
        data |= {"contact": "", "next_step": "Ny skole fra januar"}
        assert client.post(c_url(world.family_a, f"/{case.id}"), data=data).status_code == 302
        assert db.session.get(AgencyCase, case.id).contact_id is None
        assert client.post(c_url(world.family_a, f"/{case.id}/delete")).status_code == 302
        assert db.session.get(AgencyCase, case.id) is None

    def test_bad_input_keeps_what_was_typed(self, client, world, login):
        login(world.consultant_a)
        private = person_named(world.family_a, "Bente")  # not a professional: not a contact choice
        other = person_named(world.family_b, "Karsten Berg")
        for contact in (str(private.id), str(other.id), "nonsense"):
            response = client.post(c_url(world.family_a), data={"authority": "PPR", "about": "", "contact": contact})
            page = response.get_data(as_text=True)
            assert response.status_code == 400 and "Write what the case is about." in page
            assert "Choose a contact person from the list." in page and 'value="PPR"' in page
        assert (
            db.session.scalar(
                select(func.count()).select_from(AgencyCase).where(AgencyCase.family_id == world.family_a.id)
            )
            == 1
        )

    def test_saving_a_case_keeps_a_contact_who_left_the_map(self, client, world, login):
        login(world.consultant_a)
        case = db.session.scalar(select(AgencyCase).where(AgencyCase.family_id == world.family_a.id))
        karsten = person_named(world.family_a, "Karsten Berg")
        client.post(f"/families/{world.family_a.id}/network/people/{karsten.id}/delete")
        edit = client.get(c_url(world.family_a, f"/{case.id}")).get_data(as_text=True)
        assert f'<option selected value="{karsten.id}">Karsten Berg (no longer on the map)' in edit
        data = {"authority": "Jobcentret", "about": "Nyt", "contact": str(karsten.id)}
        assert client.post(c_url(world.family_a, f"/{case.id}"), data=data).status_code == 302
        assert db.session.get(AgencyCase, case.id).contact_id == karsten.id

    def test_a_removed_contact_stays_named(self, client, world, login):
        login(world.consultant_a)
        karsten = person_named(world.family_a, "Karsten Berg")
        client.post(f"/families/{world.family_a.id}/network/people/{karsten.id}/delete")
        page = client.get(c_url(world.family_a)).get_data(as_text=True)
        assert "Karsten Berg" in page and "no longer on the map" in page

    def test_another_familys_case_is_a_404(self, client, world, login):
        theirs = db.session.scalar(select(AgencyCase).where(AgencyCase.family_id == world.family_b.id))
        login(world.consultant_a)
        assert client.get(c_url(world.family_a, f"/{theirs.id}")).status_code == 404
        assert client.post(c_url(world.family_a, f"/{theirs.id}/delete")).status_code == 404
        assert client.get(c_url(world.family_b)).status_code == 404
