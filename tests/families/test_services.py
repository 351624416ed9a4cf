"""Family services: new cases, members with and without logins, phases and cadence, consultants' assignments
(one primary per family) and custody; each change flushed and audited."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.audit import AuditEvent
from familyapp.auth.models import Role, SecurityNotice, User
from familyapp.auth.services import create_user
from familyapp.families import services
from familyapp.families.models import (
    Assignment,
    AssignmentRole,
    Cadence,
    CaseType,
    Membership,
    Person,
    PersonKind,
    Phase,
)


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session."""
    return SimpleNamespace(**{f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)})


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)))


def membership(user) -> Membership:
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id))


def told_about_custody() -> set:
    return set(db.session.scalars(select(SecurityNotice.user_id).where(SecurityNotice.kind == "custody_added")))


def primaries(family) -> list:
    stmt = select(Assignment.consultant_id).where(
        Assignment.family_id == family.id, Assignment.role == AssignmentRole.PRIMARY
    )
    return list(db.session.scalars(stmt))


def test_a_new_family_starts_in_the_first_phase_with_a_trimmed_name_and_is_audited(a):
    family = services.create_family("  Familien Ny ", CaseType.SUPPORT, date(2026, 3, 2), actor=a.admin)
    assert family.name == "Familien Ny" and family.phase is Phase.START and family.cadence is Cadence.CASE_TYPE
    event = events("family.created")[-1]
    assert (event.family_id, event.object_id, event.actor_id) == (family.id, str(family.id), a.admin.id)


def test_adding_a_parent_makes_a_person_a_login_and_a_membership(a):
    user = services.add_adult(a.family_a, " Ole ", " stedfar ", actor=a.consultant_a, custody=False)
    person = db.session.get(Person, user.person_id)
    assert user.role is Role.PARENT and user.name == "Ole"
    assert (person.family_id, person.kind, person.name) == (a.family_a.id, PersonKind.ADULT, "Ole")
    assert (membership(user).relation, membership(user).custody) == ("stedfar", False)
    added = events("family.member_added")[-1]
    assert (added.family_id, added.object_id) == (a.family_a.id, str(person.id))
    created = events("user.created")[-1]
    assert created.family_id == a.family_a.id and created.data == {"role": "parent"}


def test_a_young_person_gets_a_login_of_their_own_and_never_custody(a):
    user = services.add_adult(a.family_a, "Emil", "ung", actor=a.consultant_a, young_person=True, custody=True)
    assert user.role is Role.YOUNG_PERSON
    assert db.session.get(Person, user.person_id).kind is PersonKind.CHILD
    assert membership(user).custody is None
    assert told_about_custody() == set()


def test_adding_a_parent_with_custody_tells_the_other_custodians_of_that_family_only(a):
    user = services.add_adult(a.family_a, "Ny Stedmor", "stedmor", actor=a.consultant_a, custody=True)
    assert told_about_custody() == {a.parent_a.id, a.parent_a2.id}
    notice = db.session.scalar(select(SecurityNotice).where(SecurityNotice.user_id == a.parent_a.id))
    assert notice.family_id == a.family_a.id and notice.data == {"by": a.consultant_a.name, "name": user.name}


@pytest.mark.parametrize(("custody", "from_cli"), [(None, False), (False, False), (True, True)])
def test_a_parent_without_known_custody_or_set_up_from_the_cli_tells_nobody(a, custody, from_cli):
    actor = None if from_cli else a.consultant_a
    services.add_adult(a.family_a, "Ole", "stedfar", actor=actor, custody=custody)
    assert told_about_custody() == set()


def test_a_login_is_given_to_the_child_already_there_never_a_second_person(a):
    freja = services.add_child(a.family_a, "Freja", date(2012, 5, 1), actor=a.consultant_a)
    people = db.session.scalar(select(func.count()).select_from(Person))
    user = services.give_login(a.family_a, freja, " datter ", actor=a.consultant_a, custody=True)
    assert (user.role, user.person_id, user.name) == (Role.YOUNG_PERSON, freja.id, "Freja")
    assert (membership(user).relation, membership(user).custody) == ("datter", None)
    assert db.session.scalar(select(func.count()).select_from(Person)) == people
    given = events("family.login_added")[-1]
    assert (given.actor_id, given.object_id, given.data) == (a.consultant_a.id, str(freja.id), {"role": "young_person"})
    assert told_about_custody() == set()
    with pytest.raises(ValueError, match="has_login"):
        services.give_login(a.family_a, freja, "datter", actor=a.consultant_a)


def test_no_login_for_a_child_under_11_or_for_another_familys_person(a):
    alma = db.session.scalar(select(Person).where(Person.name == "Alma"))
    assert services.why_no_login(alma, date(2033, 2, 28)) == "too_young"
    assert services.why_no_login(alma, date(2033, 3, 1)) is None
    with pytest.raises(ValueError):
        services.give_login(a.family_a, alma, "datter", actor=a.consultant_a)
    with pytest.raises(ValueError):
        services.give_login(a.family_b, db.session.get(Person, a.parent_a.person_id), "mor", actor=a.consultant_a)
    assert services.why_no_login(db.session.get(Person, a.parent_a.person_id), date(2030, 1, 1)) == "has_login"


def test_a_child_has_no_login(a):
    child = services.add_child(a.family_a, " Ida ", date(2019, 5, 1), actor=a.consultant_a)
    assert (child.kind, child.name, child.birth_date) == (PersonKind.CHILD, "Ida", date(2019, 5, 1))
    assert db.session.scalar(select(func.count()).select_from(User).where(User.person_id == child.id)) == 0
    assert events("family.member_added")[-1].object_id == str(child.id)


def test_changing_the_phase_records_where_from_and_where_to(a):
    services.change_phase(a.family_a, Phase.MAPPING, actor=a.consultant_a)
    assert a.family_a.phase is Phase.MAPPING
    [event] = events("family.phase_changed")
    assert event.data == {"from": "start", "to": "mapping"} and event.actor_id == a.consultant_a.id


def test_setting_the_same_phase_or_cadence_again_writes_nothing(a):
    services.change_phase(a.family_a, a.family_a.phase, actor=a.consultant_a)
    services.change_cadence(a.family_a, a.family_a.cadence, actor=a.consultant_a)
    assert events("family.phase_changed") == [] and events("family.cadence_changed") == []


def test_changing_the_cadence_records_where_from_and_where_to(a):
    services.change_cadence(a.family_b, Cadence.SIX_WEEKS, actor=a.consultant_b)
    assert a.family_b.cadence is Cadence.SIX_WEEKS
    [event] = events("family.cadence_changed")
    assert event.data == {"from": "case_type", "to": "six_weeks"} and event.family_id == a.family_b.id


def test_a_new_primary_makes_the_old_one_co_consultant(a):
    services.assign_consultant(a.family_a, a.co_consultant_a, AssignmentRole.PRIMARY, actor=a.admin)
    assert primaries(a.family_a) == [a.co_consultant_a.id]
    old = db.session.scalar(select(Assignment).where(Assignment.consultant_id == a.consultant_a.id))
    assert old.role is AssignmentRole.CO_CONSULTANT
    assert events("family.consultant_assigned")[-1].data == {"role": "primary", "consultant": str(a.co_consultant_a.id)}


def test_a_consultant_whose_login_waits_for_confirmation_cannot_be_assigned(a):
    waiting = create_user(Role.CONSULTANT, "Ny Konsulent", actor=a.admin, active=False)
    with pytest.raises(ValueError):
        services.assign_consultant(a.family_a, waiting, AssignmentRole.CO_CONSULTANT, actor=a.admin)
    assert db.session.scalar(select(Assignment).where(Assignment.consultant_id == waiting.id)) is None


def test_a_new_consultant_is_told_to_every_login_of_the_family_once(a):
    services.assign_consultant(a.family_a, a.consultant_b, AssignmentRole.CO_CONSULTANT, actor=a.admin)
    services.assign_consultant(a.family_a, a.consultant_b, AssignmentRole.PRIMARY, actor=a.admin)  # a new role only
    told = db.session.execute(
        select(SecurityNotice.user_id, SecurityNotice.data).where(SecurityNotice.kind == "consultant_assigned")
    ).all()
    assert sorted(str(u) for u, _d in told) == sorted(str(u.id) for u in (a.parent_a, a.parent_a2))
    assert all(d == {"name": "Ali B", "role": "co_consultant", "by": "Anne Admin"} for _u, d in told)


def test_assigning_someone_again_changes_their_role_without_a_second_row(a):
    services.assign_consultant(a.family_a, a.consultant_a, AssignmentRole.CO_CONSULTANT, actor=a.admin)
    rows = list(db.session.scalars(select(Assignment).where(Assignment.consultant_id == a.consultant_a.id)))
    assert [r.role for r in rows] == [AssignmentRole.CO_CONSULTANT]


def test_a_primary_in_one_family_is_not_touched_by_another_familys_new_primary(a):
    services.assign_consultant(a.family_a, a.consultant_b, AssignmentRole.PRIMARY, actor=a.admin)
    assert primaries(a.family_b) == [a.consultant_b.id]
    assert primaries(a.family_a) == [a.consultant_b.id]


@pytest.mark.parametrize("who", ["parent_a", "admin", "leader"])
def test_only_consultants_can_be_assigned(a, who):
    before = db.session.scalar(select(func.count()).select_from(Assignment))
    with pytest.raises(ValueError, match="only consultants"):
        services.assign_consultant(a.family_a, getattr(a, who), AssignmentRole.CO_CONSULTANT, actor=a.admin)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == before


def test_unassigning_takes_the_consultant_off_and_is_audited(a):
    assignment = db.session.scalar(select(Assignment).where(Assignment.consultant_id == a.co_consultant_a.id))
    services.unassign_consultant(assignment, actor=a.admin)
    assert db.session.scalar(select(Assignment).where(Assignment.consultant_id == a.co_consultant_a.id)) is None
    [event] = events("family.consultant_unassigned")
    assert (event.family_id, event.object_id) == (a.family_a.id, str(assignment.id))


def test_recording_custody_tells_the_others_who_hold_it(a):
    user = services.add_adult(a.family_a, "Ole", "stedfar", actor=a.consultant_a)
    assert told_about_custody() == set()
    services.set_custody(a.family_a, membership(user), True, actor=a.consultant_a)
    assert membership(user).custody is True
    assert told_about_custody() == {a.parent_a.id, a.parent_a2.id}
    assert events("family.custody_changed")[-1].data == {"custody": True}


def test_taking_custody_away_or_recording_it_unknown_tells_nobody(a):
    services.set_custody(a.family_a, membership(a.parent_a2), False, actor=a.consultant_a)
    services.set_custody(a.family_a, membership(a.parent_a2), None, actor=a.consultant_a)
    assert told_about_custody() == set()
    assert [e.data for e in events("family.custody_changed")] == [{"custody": False}, {"custody": None}]


def test_recording_the_custody_already_recorded_writes_nothing(a):
    services.set_custody(a.family_a, membership(a.parent_a), True, actor=a.consultant_a)
    assert events("family.custody_changed") == [] and told_about_custody() == set()


def test_a_family_opened_from_the_cli_is_audited_without_an_actor(ctx):
    family = services.create_family("Familien C", CaseType.INVESTIGATION, date(2026, 1, 5), actor=None)
    event = events("family.created")[-1]
    assert event.family_id == family.id and event.actor_id is None and event.actor_role is None
