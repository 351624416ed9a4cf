"""The family's screens, mirrored for its consultant, and the members page."""

from __future__ import annotations

from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import Role, User
from familyapp.families.models import Membership, Person, PersonKind


def _views(family_id):
    return db.session.scalar(
        select(func.count()).where(AuditEvent.action == "family.viewed", AuditEvent.family_id == family_id)
    )


class TestHome:
    def test_parent_sees_home_with_contact_person_and_navigation(self, client, world, login):
        login(world.parent_a)
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert "Hello, Sara" in page
        assert "Mette A" in page and 'href="tel:+4511223344"' in page
        assert 'class="bottom-nav"' in page and 'aria-current="page"' in page
        assert "mirror-banner" not in page

    def test_consultant_sees_the_same_template_mirrored(self, client, world, login):
        login(world.consultant_a)
        page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
        assert "You are seeing the family" in page and "mirror-banner" in page
        assert 'class="bottom-nav"' in page and "Mette A" in page

    def test_professional_read_is_audited_family_read_is_not(self, client, world, login):
        login(world.parent_a)
        client.get(f"/families/{world.family_a.id}/")
        assert _views(world.family_a.id) == 0
        login(world.consultant_a)
        client.get(f"/families/{world.family_a.id}/network")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "family.viewed"))
        assert event.actor_id == world.consultant_a.id and event.data == {"page": "network"}

    def test_unknown_section_is_404(self, client, world, login):
        login(world.parent_a)
        assert client.get(f"/families/{world.family_a.id}/secrets").status_code == 404

    def test_index_sends_each_role_home(self, client, world, login):
        login(world.parent_a)
        assert client.get("/").location.endswith(f"/families/{world.family_a.id}/")
        login(world.consultant_a)
        assert client.get("/").location.endswith("/caseload")
        login(world.admin)
        assert client.get("/").location.endswith("/admin/")

    def test_home_uses_a_constant_number_of_queries(self, app, client, world, login, count_queries):
        login(world.parent_a)
        url = f"/families/{world.family_a.id}/"
        client.get(url)
        with count_queries() as few:
            client.get(url)
        with app.app_context():
            from familyapp.families import services
            from tests.factories import make_consultant

            family = db.session.merge(world.family_a)
            for i in range(5):
                services.add_child(family, f"Barn {i}", None, actor=None)
                services.assign_consultant(
                    family, make_consultant(f"K{i}"), services.AssignmentRole.CO_CONSULTANT, actor=None
                )
            db.session.commit()
        with count_queries() as many:
            client.get(url)
        assert len(many) == len(few) <= 15


class TestCaseload:
    def test_lists_only_own_families(self, client, world, login):
        login(world.consultant_a)
        page = client.get("/caseload").get_data(as_text=True)
        assert "Familien A" in page and "Familien B" not in page

    def test_constant_queries(self, app, client, world, login, count_queries):
        login(world.consultant_a)
        client.get("/caseload")
        with count_queries() as few:
            client.get("/caseload")
        with app.app_context():
            from familyapp.families import services
            from tests.factories import make_family

            consultant = db.session.merge(world.consultant_a)
            for i in range(6):
                services.assign_consultant(
                    make_family(f"F{i}"), consultant, services.AssignmentRole.PRIMARY, actor=None
                )
            db.session.commit()
        with count_queries() as many:
            client.get("/caseload")
        assert len(many) == len(few)


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


def test_blank_names_count_as_missing(client, world, login):
    login(world.consultant_a)
    response = client.post(
        f"/families/{world.family_a.id}/people/adults", data={"adult-name": "   ", "adult-relation": " "}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Write the person" in page and "Write the relation." in page
