"""The family's home (mirrored for its consultant), everyone's way in and the consultant's caseload
(familyapp/overview/views.py). The members page: test_people_views.py."""

from __future__ import annotations

from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth import notices
from tests.consent.helpers import c_url, plan_request


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
            # A new consultant is told to the family (a notice, loaded only while unread): read, as before.
            notices.mark_read(db.session.merge(world.parent_a), db.utcnow())
            db.session.commit()
        with count_queries() as many:
            client.get(url)
        assert len(many) == len(few) <= 15


class TestANewConsultantIsToldToTheFamily:
    def _assign(self, client, world, login, role="co_consultant"):
        login(world.admin)
        client.post(
            f"/admin/families/{world.family_a.id}/assignments",
            data={"assign-consultant": str(world.consultant_b.id), "assign-role": role},
        )

    def test_the_family_is_told_ali_is_now_also_their_consultant(self, client, world, login):
        self._assign(client, world, login)
        for parent in (world.parent_a, world.parent_a2):
            login(parent)
            page = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
            assert "Ali B is now also your consultant." in page, parent.name
        assert "Ali B is now" not in login(world.parent_b).get(f"/families/{world.family_b.id}/").get_data(as_text=True)

    def test_the_notice_stays_until_it_is_read(self, client, world, login):
        self._assign(client, world, login, role="primary")
        login(world.parent_a)
        home = f"/families/{world.family_a.id}/"
        assert "Ali B is now your consultant." in client.get(home).get_data(as_text=True)
        client.post("/recoveries/notices/read", data={"next": home})
        assert "Ali B is now" not in client.get(home).get_data(as_text=True)


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

    def test_the_caseload_tells_about_a_withdrawal(self, client, world, login):
        login(world.parent_a)
        client.post(c_url(world, f"/requests/{plan_request(world).id}/withdraw"))
        login(world.consultant_a)
        assert "Consent withdrawn" in client.get("/caseload").get_data(as_text=True)


def test_the_caseload_shows_a_referat_past_its_deadline_as_overdue(app, client, world, login):
    """A meeting held 12 days ago without a referat (the deadline is 5 working days): overdue in the caseload."""
    from datetime import timedelta

    from tests import factories

    login(world.consultant_a)
    assert "referat overdue" not in client.get("/caseload").get_data(as_text=True)
    with app.app_context():
        ends = db.utcnow().replace(microsecond=0) - timedelta(days=12)
        family, parent, consultant = (db.session.merge(x) for x in (world.family_a, world.parent_a, world.consultant_a))
        factories.make_meeting(family, parent, consultant, starts_at=ends - timedelta(hours=1))
        db.session.commit()
    page = client.get("/caseload").get_data(as_text=True)
    assert "1 referat overdue" in page
