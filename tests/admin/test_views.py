"""The team leader's pages: consultants, families and assignments."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import Activation, LoginConfirmation, Role, User
from familyapp.auth.services import create_user, issue_activation
from familyapp.families.models import Assignment, AssignmentRole, CaseType, Family


def _new_consultant(client, name="Ny Konsulent"):
    """The admin makes a consultant's login (the admin is signed in)."""
    response = client.post("/admin/consultants", data={"consultant-name": name, "consultant-phone": "12 34 56 78"})
    return response, db.session.scalar(select(User).where(User.name == name))


def _activations(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Activation).where(Activation.user_id == user.id))


class TestANewLoginNeedsASecondPerson:
    """An admin alone cannot make a consultant, assign it to a family and read the family through it: a new
    professional login takes effect only when the team leader or a second admin confirms it."""

    def test_a_new_consultant_gets_no_activation_until_a_second_person_confirms(self, client, world, login):
        login(world.admin)
        response, user = _new_consultant(client)
        page = client.get(response.location).get_data(as_text=True) if response.status_code == 302 else ""
        assert response.status_code == 302 and "/auth/activate/" not in response.get_data(as_text=True)
        assert user.role is Role.CONSULTANT and user.phone == "12 34 56 78" and not user.active
        assert "waits for a second person to confirm it" in page
        again = client.post(f"/admin/consultants/{user.id}/activation")
        assert "/auth/activate/" not in again.get_data(as_text=True) and _activations(user) == 0

    def test_the_admin_who_made_it_cannot_confirm_it(self, client, world, login):
        login(world.admin)
        _response, user = _new_consultant(client)
        waiting = db.session.scalar(select(LoginConfirmation).where(LoginConfirmation.user_id == user.id))
        assert client.post(f"/recoveries/logins/{waiting.id}/confirm").status_code == 404
        assert not db.session.get(User, user.id).active
        assert "New logins to confirm" not in client.get("/admin/").get_data(as_text=True)

    @pytest.mark.parametrize("second", ["leader", "second admin"])
    def test_the_team_leader_or_a_second_admin_confirms_and_the_audit_names_both(
        self, app, client, world, login, second
    ):
        login(world.admin)
        _response, user = _new_consultant(client)
        confirmer = world.leader
        if second == "second admin":
            with app.app_context():
                confirmer = create_user(Role.ADMIN, "Bo Admin", actor=None)
                db.session.commit()
        login(confirmer)
        page = client.get("/leader/" if second == "leader" else "/admin/").get_data(as_text=True)
        waiting = db.session.scalar(select(LoginConfirmation).where(LoginConfirmation.user_id == user.id))
        assert "Anne Admin has made a login for Ny Konsulent (consultant)." in page
        assert f'action="/recoveries/logins/{waiting.id}/confirm"' in page
        assert client.post(f"/recoveries/logins/{waiting.id}/confirm").status_code == 302
        assert db.session.get(User, user.id).active
        created, confirmed = (
            db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == str(user.id))
            )
            for action in ("user.created", "user.confirmed")
        )
        assert created.actor_id == world.admin.id
        assert confirmed.actor_id == confirmer.id and confirmed.data["created_by"] == str(world.admin.id)
        login(world.admin)
        shown = client.post(f"/admin/consultants/{user.id}/activation")
        assert shown.status_code == 200 and "/auth/activate/" in shown.get_data(as_text=True)

    def test_a_consultant_waiting_for_confirmation_cannot_be_assigned_to_a_family(self, client, world, login):
        login(world.admin)
        _response, user = _new_consultant(client)
        form = client.get(f"/admin/families/{world.family_a.id}").get_data(as_text=True)
        assert str(user.id) not in form
        response = client.post(
            f"/admin/families/{world.family_a.id}/assignments",
            data={"assign-consultant": str(user.id), "assign-role": "primary"},
        )
        assert response.status_code == 400
        assert db.session.scalar(select(Assignment).where(Assignment.consultant_id == user.id)) is None

    def test_a_login_waiting_for_confirmation_cannot_be_activated(self, app, client, world, login):
        login(world.admin)
        _response, user = _new_consultant(client)
        # Even an activation made some other way (the server's command line) opens nothing before the confirmation.
        with app.app_context():
            _activation, token, code = issue_activation(db.session.get(User, user.id), actor=None)
            db.session.commit()
        client.post("/auth/logout")
        assert client.get(f"/auth/activate/{token}").status_code == 404
        assert "cannot be used" in client.post("/auth/activate", data={"code": code}).get_data(as_text=True)


def test_bad_phone_keeps_input(client, world, login):
    login(world.admin)
    response = client.post("/admin/consultants", data={"consultant-name": "Ny", "consultant-phone": "ring mig"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "8 digits" in page and 'value="ring mig"' in page


def test_create_family_and_assign(client, world, login):
    login(world.admin)
    response = client.post(
        "/admin/families",
        data={"family-name": "Familien Ny", "family-case_type": "support", "family-start_date": "2026-11-01"},
    )
    family = db.session.scalar(select(Family).where(Family.name == "Familien Ny"))
    assert response.status_code == 302 and family.case_type is CaseType.SUPPORT
    client.post(
        f"/admin/families/{family.id}/assignments",
        data={"assign-consultant": str(world.consultant_a.id), "assign-role": "primary"},
    )
    client.post(
        f"/admin/families/{family.id}/assignments",
        data={"assign-consultant": str(world.consultant_b.id), "assign-role": "primary"},
    )
    roles = dict(
        db.session.execute(
            select(Assignment.consultant_id, Assignment.role).where(Assignment.family_id == family.id)
        ).all()
    )
    # One primary per family: the newest primary demotes the earlier one to partner.
    assert roles == {world.consultant_a.id: AssignmentRole.CO_CONSULTANT, world.consultant_b.id: AssignmentRole.PRIMARY}


def test_bad_family_input(client, world, login):
    login(world.admin)
    response = client.post(
        "/admin/families", data={"family-name": "", "family-case_type": "bogus", "family-start_date": "not a date"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Family).where(Family.name == "")) is None


def test_assigning_a_non_consultant_is_refused(client, world, login):
    login(world.admin)
    response = client.post(
        f"/admin/families/{world.family_a.id}/assignments",
        data={"assign-consultant": str(world.parent_a.id), "assign-role": "primary"},
    )
    assert response.status_code == 400


def test_unassign(client, world, login):
    login(world.admin)
    assignment = db.session.scalar(select(Assignment).where(Assignment.consultant_id == world.consultant_a.id))
    client.post(f"/admin/families/{world.family_a.id}/assignments/{assignment.id}/delete")
    assert db.session.get(Assignment, assignment.id) is None
    login(world.consultant_a)
    assert client.get(f"/families/{world.family_a.id}/").status_code == 404


def test_admin_sees_no_family_content(client, world, login):
    login(world.admin)
    assert client.get(f"/families/{world.family_a.id}/").status_code == 404
    assert client.get(f"/admin/families/{world.family_a.id}").status_code == 200


def test_assignment_of_another_family_cannot_be_deleted_through_this_one(client, world, login):
    login(world.admin)
    assignment_b = db.session.scalar(select(Assignment).where(Assignment.family_id == world.family_b.id))
    response = client.post(f"/admin/families/{world.family_a.id}/assignments/{assignment_b.id}/delete")
    assert response.status_code == 404


class TestTheMunicipalitysNumber:
    """The admin keeps the municipality's number for families (its switchboard); the families see it on their
    home beside their consultant, for when they cannot reach them."""

    def test_the_admin_sets_it_it_is_audited_and_the_family_sees_it(self, client, world, login):
        from familyapp.tenancy import Municipality

        login(world.admin)
        assert 'name="municipality-phone"' in client.get("/admin/").get_data(as_text=True)
        response = client.post("/admin/municipality", data={"municipality-phone": "+45 8940 2000"})
        assert response.status_code == 302 and response.location.endswith("/admin/#municipality")
        assert db.session.get(Municipality, world.admin.municipality_id).phone == "89 40 20 00"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "municipality.changed"))
        assert event.actor_id == world.admin.id and event.data == {"changed": ["phone"]}
        assert 'value="89 40 20 00"' in client.get("/admin/").get_data(as_text=True)
        for who in (world.parent_a, world.consultant_a):  # the family, and its consultant's mirrored view
            login(who)
            home = client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)
            assert "Can you not reach us? Call the municipality:" in home
            assert '<a href="tel:89402000">89 40 20 00</a>' in home

    def test_without_a_number_the_home_says_nothing_of_it(self, client, world, login):
        login(world.parent_a)
        assert "data-switchboard" not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)

    def test_a_wrong_number_is_refused_calmly_and_kept(self, client, world, login):
        from familyapp.tenancy import Municipality

        login(world.admin)
        response = client.post("/admin/municipality", data={"municipality-phone": "ring mig"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'value="ring mig"' in page and 'aria-invalid="true"' in page
        assert db.session.get(Municipality, world.admin.municipality_id).phone is None

    def test_an_admin_changes_only_their_own_municipality(self, client, world, login):
        from familyapp.tenancy import Municipality

        login(world.admin_other)
        assert client.post("/admin/municipality", data={"municipality-phone": "99 99 99 99"}).status_code == 302
        assert db.session.get(Municipality, world.admin_other.municipality_id).phone == "99 99 99 99"
        assert db.session.get(Municipality, world.admin.municipality_id).phone is None
        login(world.parent_a)
        assert "99 99 99 99" not in client.get(f"/families/{world.family_a.id}/").get_data(as_text=True)

    def test_the_admin_sets_the_follow_up_rule_and_families_on_the_usual_rule_follow_it(self, client, world, login):
        """Family A (with a child investigation) follows the usual rule (every 6 weeks); the municipality chooses
        the phase's rhythm: the caseload and the family's home count with it, another municipality keeps its own."""
        from flask_babel import force_locale, format_date

        from familyapp.families.models import Cadence
        from familyapp.meetings import queries as meeting_queries
        from familyapp.meetings.cadence import Rules, follow_up, rules_of
        from familyapp.overview import caseload as caseload_queries
        from familyapp.tenancy import Municipality

        login(world.admin)
        page = client.get("/admin/").get_data(as_text=True)
        assert "The usual rule: Every 3 months" in page and "The usual rule: Every 6 weeks" in page
        data = {"municipality-cadence_support": "", "municipality-cadence_investigation": "phase"}
        assert client.post("/admin/municipality", data=data).status_code == 302
        mine = db.session.get(Municipality, world.admin.municipality_id)
        assert (mine.cadence_support, mine.cadence_investigation) == (None, "phase")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "municipality.changed"))
        assert event.data == {"changed": ["cadence_investigation"]}
        assert db.session.get(Municipality, world.admin_other.municipality_id).cadence_investigation is None

        with client.application.test_request_context():
            family, consultant = db.session.get(Family, world.family_a.id), db.session.get(User, world.consultant_a.id)
            assert family.cadence is Cadence.CASE_TYPE and family.case_type is CaseType.INVESTIGATION
            now = db.utcnow()
            contacts = (meeting_queries.last_contacts, meeting_queries.next_meetings)
            days = [
                db.local_date(t) if t else None for t in (find([family.id], now).get(family.id) for find in contacts)
            ]
            expected = follow_up(family, *days, db.local_date(now), rules_of(family))
            assert expected.due != follow_up(family, *days, db.local_date(now), Rules()).due  # not every 6 weeks
            ask = caseload_queries.Ask(search=family.name)
            (row,) = caseload_queries.caseload_page(consultant, ask, now, db.local_date(now)).rows
            assert row.due == expected.due
            with force_locale("en"):
                shown = format_date(expected.due)
        login(world.parent_a)
        assert shown in client.get(f"/families/{family.id}/").get_data(as_text=True)

    def test_a_rule_that_is_not_offered_is_refused(self, client, world, login):
        from familyapp.tenancy import Municipality

        login(world.admin)
        response = client.post("/admin/municipality", data={"municipality-cadence_support": "every-day"})
        assert response.status_code == 400 and 'aria-invalid="true"' in response.get_data(as_text=True)
        assert db.session.get(Municipality, world.admin.municipality_id).cadence_support is None

    def test_a_family_page_kept_by_the_phone_is_made_anew_when_the_settings_change(self, client, world, login):
        """The number and the follow-up rules are part of a family page's ETag: a repeat visit after the admin
        changed them gets the page anew, not "not modified"."""
        from tests import factories

        login(world.parent_a)
        home = f"/families/{world.family_a.id}/"
        etag = client.get(home).headers["ETag"]
        assert client.get(home, headers={"If-None-Match": etag}).status_code == 304
        admin = client.application.test_client()  # the parent's session (and its page's ETag) stays
        factories.sign_in(admin, world.admin)
        admin.post("/admin/municipality", data={"municipality-phone": "89 40 20 00"})
        again = client.get(home, headers={"If-None-Match": etag})
        assert again.status_code == 200 and "89 40 20 00" in again.get_data(as_text=True)
