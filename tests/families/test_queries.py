"""Family queries: members with their logins, consultants primary first, a consultant's caseload, and the
household loaded once per request; never another family's people, in the number of queries promised."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from types import SimpleNamespace

import pytest

from familyapp import db
from familyapp.families import queries, services
from familyapp.families.models import AssignmentRole, CaseType
from tests import factories


@pytest.fixture()
def a(ctx, world):
    """The world's objects in this test's session."""
    return SimpleNamespace(**{f.name: db.session.merge(getattr(world, f.name), load=False) for f in fields(world)})


def test_every_member_comes_with_their_login_and_relation_in_one_query(a, count_queries):
    db.session.flush()
    with count_queries() as q:
        people = queries.list_people(a.family_a)
    assert len(q) == 1
    rows = [(p.name, u.id if u else None, m.relation if m else None) for p, u, m in people]
    assert rows == [("Sara A", a.parent_a.id, "mor"), ("Jonas A", a.parent_a2.id, "far"), ("Alma", None, None)]


def test_another_familys_people_are_never_listed(a):
    names = {p.name for p, _u, _m in queries.list_people(a.family_b)}
    assert names == {"Maria B"}


def test_the_primary_consultant_comes_first_with_the_consultant_loaded_in_one_query(a, count_queries):
    family = factories.make_family("Familien C")
    services.assign_consultant(family, a.co_consultant_a, AssignmentRole.CO_CONSULTANT, actor=a.admin)
    services.assign_consultant(family, a.consultant_b, AssignmentRole.PRIMARY, actor=a.admin)
    db.session.flush()
    db.session.expunge_all()
    with count_queries() as q:
        found = [(x.consultant.name, x.role) for x in queries.list_consultants(family)]
    assert len(q) == 1
    assert found == [("Ali B", AssignmentRole.PRIMARY), ("Kim A2", AssignmentRole.CO_CONSULTANT)]


def test_a_caseload_holds_the_consultants_own_families_by_name_with_their_role(a):
    family = services.create_family("Familien 0", CaseType.SUPPORT, date(2026, 2, 2), actor=None)
    services.assign_consultant(family, a.consultant_a, AssignmentRole.CO_CONSULTANT, actor=a.admin)
    found = [(f.name, role) for f, role in queries.caseload(a.consultant_a)]
    assert found == [("Familien 0", AssignmentRole.CO_CONSULTANT), ("Familien A", AssignmentRole.PRIMARY)]
    assert [f.name for f, _role in queries.caseload(a.consultant_b)] == ["Familien B"]


def test_a_consultant_without_families_has_an_empty_caseload(a):
    assert queries.caseload(factories.make_consultant("Ny Konsulent")) == []


def test_the_household_is_loaded_once_per_request_and_per_family(a, count_queries):
    db.session.flush()
    queries.household(a.family_a)
    with count_queries() as q:
        people, consultants = queries.household(a.family_a)
    assert len(q) == 0 and len(people) == 3 and len(consultants) == 2
    with count_queries() as q:
        people, consultants = queries.household(a.family_b)
    assert len(q) == 2
    assert [p.name for p, _u, _m in people] == ["Maria B"] and [x.consultant_id for x in consultants] == [
        a.consultant_b.id
    ]


def test_names_are_found_by_person_by_login_and_by_consultant(a):
    found = queries.names(a.family_a)
    assert found[a.parent_a.person_id] == "Sara A" and found[a.parent_a.id] == "Sara A"
    assert found[a.consultant_a.id] == "Mette A" and found[a.co_consultant_a.id] == "Kim A2"
    assert a.parent_b.id not in found and a.consultant_b.id not in found
    assert len(found) == 3 + 2 + 2  # three people, two of them with logins, two consultants


def test_a_namesake_is_found_in_the_family_only_whatever_the_case_and_spaces(a, count_queries):
    db.session.flush()
    with count_queries() as q:
        person, user = queries.namesake(a.family_a, "  sara   a ")
    assert len(q) == 1 and (person.id, user.id) == (a.parent_a.person_id, a.parent_a.id)
    alma, no_login = queries.namesake(a.family_a, "ALMA")
    assert alma.name == "Alma" and no_login is None
    assert queries.namesake(a.family_a, "Maria B") is None and queries.namesake(a.family_a, "Sara") is None
