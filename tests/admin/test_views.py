"""The team leader's pages: consultants, families and assignments."""

from __future__ import annotations

from sqlalchemy import select

from familyapp import db
from familyapp.auth.models import Role, User
from familyapp.families.models import Assignment, AssignmentRole, CaseType, Family


def test_create_consultant_shows_activation(client, world, login):
    login(world.admin)
    response = client.post(
        "/admin/consultants", data={"consultant-name": "Ny Konsulent", "consultant-phone": "12 34 56 78"}
    )
    assert response.status_code == 200 and "/auth/activate/" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.name == "Ny Konsulent"))
    assert user.role is Role.CONSULTANT and user.phone == "12 34 56 78"


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
