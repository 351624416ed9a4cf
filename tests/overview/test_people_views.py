"""Personer og adgang (familyapp/overview/people_views.py): a family's members and their logins, for its
consultants."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import func, select

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

    def test_a_young_person_is_added_as_a_child_then_given_a_login(self, client, world, login):
        login(world.consultant_a)
        url = f"/families/{world.family_a.id}/people"
        assert "young_person" not in client.get(url).get_data(as_text=True)
        client.post(f"{url}/children", data={"child-name": "Emil", "child-birth_date": "2011-05-01"})
        emil = db.session.scalar(select(Person).where(Person.name == "Emil"))
        client.post(f"{url}/{emil.id}/login", data={f"login-{emil.id}-relation": "søn"})
        user = db.session.scalar(select(User).where(User.name == "Emil"))
        assert user.role is Role.YOUNG_PERSON and user.person_id == emil.id

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


# --- a login for someone already in the family (issue 22, defect 15) ------------------------------------------


def _freja(world, years: int = 13) -> Person:
    """Freja, a child of family A who is ``years`` old today (a little more), added without a login."""
    from familyapp.dates import add_months
    from familyapp.families import services as family_services

    birth = add_months(db.local_today(), -12 * years) - timedelta(days=30)
    freja = family_services.add_child(world.family_a, "Freja", birth, actor=None)
    db.session.commit()
    return freja


def _named(name: str = "Freja") -> list[Person]:
    return list(db.session.scalars(select(Person).where(Person.name == name)))


def _login_url(world, person) -> str:
    return f"/families/{world.family_a.id}/people/{person.id}/login"


def test_giving_freja_13_her_own_login_keeps_one_freja(client, world, login):
    freja = _freja(world)
    login(world.consultant_a)
    page = client.get(f"/families/{world.family_a.id}/people").get_data(as_text=True)
    assert f'action="{_login_url(world, freja)}"' in page
    response = client.post(_login_url(world, freja), data={f"login-{freja.id}-relation": "datter"})
    assert response.status_code == 200 and "/auth/activate/" in response.get_data(as_text=True)
    assert [p.id for p in _named()] == [freja.id]
    user = db.session.scalar(select(User).where(User.person_id == freja.id))
    assert user.role is Role.YOUNG_PERSON and user.name == "Freja"
    assert db.session.scalar(select(Membership.relation).where(Membership.user_id == user.id)) == "datter"
    added = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "family.login_added"))
    assert added.actor_id == world.consultant_a.id and added.object_id == str(freja.id)
    # Given once: the page offers no second login, and a second post makes none.
    assert _login_url(world, freja) not in client.get(f"/families/{world.family_a.id}/people").get_data(as_text=True)
    again = client.post(_login_url(world, freja), data={f"login-{freja.id}-relation": "datter"}, follow_redirects=True)
    assert "Freja already has a login." in again.get_data(as_text=True)
    assert len(list(db.session.scalars(select(User).where(User.person_id == freja.id)))) == 1


def test_adding_a_second_freja_asks_if_it_is_the_same_freja(client, world, login):
    freja = _freja(world)
    login(world.consultant_a)
    before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(
        f"/families/{world.family_a.id}/people/adults",
        data={"adult-name": " freja ", "adult-relation": "datter", "adult-young_person": "y"},
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "/auth/activate/" not in page
    assert "Is this the same Freja?" in page and 'value="datter"' in page and 'value=" freja "' not in page
    assert [p.id for p in _named()] == [freja.id]
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    # "Yes": the login is for the Freja who is already there, with the relation that was typed.
    assert f'action="{_login_url(world, freja)}"' in page and f'name="login-{freja.id}-relation" value="datter"' in page
    response = client.post(_login_url(world, freja), data={f"login-{freja.id}-relation": "datter"})
    assert response.status_code == 200 and [p.id for p in _named()] == [freja.id]
    assert db.session.scalar(select(User.role).where(User.person_id == freja.id)) is Role.YOUNG_PERSON


def test_a_different_person_with_the_same_name_is_added_after_saying_so(client, world, login):
    freja = _freja(world)
    login(world.consultant_a)
    url = f"/families/{world.family_a.id}/people"
    page = client.post(f"{url}/adults", data={"adult-name": "Freja", "adult-relation": "moster"}).get_data(as_text=True)
    assert 'name="adult-different" value="y"' in page and 'form="add-adult-form"' in page
    data = {"adult-name": "Freja", "adult-relation": "moster", "adult-different": "y"}
    response = client.post(f"{url}/adults", data=data)
    assert response.status_code == 200 and "/auth/activate/" in response.get_data(as_text=True)
    assert len(_named()) == 2 and freja.id in {p.id for p in _named()}
    # The same for a child: asked first, added when it is someone else.
    page = client.post(f"{url}/children", data={"child-name": "ALMA"}).get_data(as_text=True)
    assert "Is this the same Alma?" in html.unescape(page) and len(_named("ALMA")) == 0
    assert client.post(f"{url}/children", data={"child-name": "ALMA", "child-different": "y"}).status_code == 302
    assert len(_named("ALMA")) == 1


def test_a_child_under_11_is_offered_no_login_and_gets_none(client, world, login):
    alma = db.session.scalar(select(Person).where(Person.name == "Alma"))
    login(world.consultant_a)
    assert _login_url(world, alma) not in client.get(f"/families/{world.family_a.id}/people").get_data(as_text=True)
    response = client.post(_login_url(world, alma), data={f"login-{alma.id}-relation": "datter"}, follow_redirects=True)
    assert "Alma is under 11. Children under 11 do not get a login." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.person_id == alma.id)) is None


def test_a_login_without_a_relation_keeps_the_page_and_says_what_is_missing(client, world, login):
    freja = _freja(world, 15)
    login(world.consultant_a)
    response = client.post(_login_url(world, freja), data={f"login-{freja.id}-relation": "  "})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "Write the relation." in page
    assert db.session.scalar(select(User).where(User.person_id == freja.id)) is None
