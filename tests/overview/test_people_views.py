"""Personer og adgang (familyapp/overview/people_views.py): a family's members and their logins, for its
consultants."""

from __future__ import annotations

import html

from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import Role, User
from familyapp.families.models import Membership, Person, PersonKind


class TestPeople:
    def test_lists_members_and_children(self, client, world, login):
        login(world.consultant_a)
        page = client.get(f"/families/{world.family_a.id}/people").get_data(as_text=True)
        assert "Sara A" in page and "Jonas A" in page and "Alma" in page

    def test_add_adult_shows_the_activation_once(self, client, world, login):
        login(world.consultant_a)
        response = client.post(
            f"/families/{world.family_a.id}/people/adults",
            data={"adult-name": "Bente Mormor", "adult-relation": "mormor"},
        )
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        page = response.get_data(as_text=True)
        assert "/auth/activate/" in page and "<svg" in page
        user = db.session.scalar(select(User).where(User.name == "Bente Mormor"))
        assert user.role is Role.PARENT
        assert db.session.scalar(select(Membership.relation).where(Membership.user_id == user.id)) == "mormor"
        added = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "family.member_added").order_by(AuditEvent.at.desc())
        )
        assert added.actor_id == world.consultant_a.id

    def test_add_young_person(self, client, world, login):
        login(world.consultant_a)
        client.post(
            f"/families/{world.family_a.id}/people/adults",
            data={"adult-name": "Freja", "adult-relation": "datter", "adult-young_person": "y"},
        )
        user = db.session.scalar(select(User).where(User.name == "Freja"))
        assert user.role is Role.YOUNG_PERSON

    def test_bad_input_keeps_what_was_typed(self, client, world, login):
        login(world.consultant_a)
        long_name = "N" * 101
        response = client.post(
            f"/families/{world.family_a.id}/people/adults", data={"adult-name": long_name, "adult-relation": "far"}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "At most 100 characters." in page
        assert long_name in page and 'value="far"' in page
        assert db.session.scalar(select(User).where(User.name == long_name)) is None

    def test_child_with_bad_or_future_birth_date(self, client, world, login):
        login(world.consultant_a)
        url = f"/families/{world.family_a.id}/people/children"
        response = client.post(url, data={"child-name": "Ida", "child-birth_date": "2999-01-01"})
        assert response.status_code == 400 and "cannot be in the future" in response.get_data(as_text=True)
        response = client.post(url, data={"child-name": "Ida", "child-birth_date": "31-02-2020"})
        assert response.status_code == 400 and 'value="Ida"' in response.get_data(as_text=True)
        response = client.post(url, data={"child-name": "Ida", "child-birth_date": "2020-02-03"})
        assert response.status_code == 302
        ida = db.session.scalar(select(Person).where(Person.name == "Ida"))
        assert ida.kind is PersonKind.CHILD and str(ida.birth_date) == "2020-02-03"

    def test_activation_for_another_familys_person_is_404(self, client, world, login):
        login(world.consultant_a)
        response = client.post(f"/families/{world.family_a.id}/people/{world.parent_b.person_id}/activation")
        assert response.status_code == 404

    def test_activation_for_a_child_without_login_is_404(self, client, world, login):
        login(world.consultant_a)
        alma = db.session.scalar(select(Person).where(Person.name == "Alma"))
        assert client.post(f"/families/{world.family_a.id}/people/{alma.id}/activation").status_code == 404

    def test_custody_is_not_known_until_recorded(self, client, world, login):
        login(world.consultant_a)
        url = f"/families/{world.family_a.id}/people"
        data = {"adult-name": "Kim A", "adult-relation": "stedfar", "adult-custody": "unknown"}
        assert client.post(f"{url}/adults", data=data).status_code == 200
        page = client.get(url).get_data(as_text=True)
        assert "Until custody is recorded, this parent's consent does not count." in html.unescape(page)
        kim = db.session.scalar(select(Membership).where(Membership.relation == "stedfar"))
        assert kim.custody is None
        assert client.post(f"{url}/{world.parent_a2.person_id}/custody", data={"custody": "maybe"}).status_code == 302
        assert db.session.scalar(select(Membership.custody).where(Membership.user_id == world.parent_a2.id)) is True


def test_blank_names_count_as_missing(client, world, login):
    login(world.consultant_a)
    response = client.post(
        f"/families/{world.family_a.id}/people/adults", data={"adult-name": "   ", "adult-relation": " "}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Write the person" in page and "Write the relation." in page
