"""The cases at the authorities (familyapp/network/case_views.py): the family reads, the consultant keeps; bad
input and other families' ids."""

from __future__ import annotations

from sqlalchemy import func, select

from familyapp import db
from familyapp.network.models import AgencyCase
from tests.network.helpers import person_named


def c_url(family, rest=""):
    return f"/families/{family.id}/network/cases{rest}"


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
