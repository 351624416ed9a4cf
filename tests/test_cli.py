"""Command-line tasks: the demo, the first admin, support tooling."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from familyapp import db, tenancy
from familyapp.auth.models import Passkey, Role, User
from familyapp.families.models import Family, Person
from familyapp.tenancy import here


def test_demo_is_idempotent_and_prints_links(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    links = re.findall(r"http://localhost:5000/auth/activate/\S+", first.output)
    # Aarhus: the team leader, the administrator, two consultants, three parents; Thisted: an admin, a consultant
    # and a parent.
    assert len(links) == 10
    assert first.output.index("Aarhus Kommune:") < first.output.index("Thisted Kommune:")
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    demo_families = select(func.count()).select_from(Family).where(Family.name.like("%(demo)"))
    with in_demo("aarhus"):
        assert db.session.scalar(demo_families.where(here(Family.municipality_id))) == 3
    with in_demo("thisted"):
        assert db.session.scalar(demo_families.where(here(Family.municipality_id))) == 1
    assert set(re.findall(r"http://localhost:5000/auth/activate/\S+", second.output)).isdisjoint(links)


def in_demo(code: str):
    """Work in one of the demo's municipalities."""
    return tenancy.entered(tenancy.by_code(code).id)


def test_demo_shape(runner):
    runner.invoke(args=["demo"])
    with in_demo("aarhus"):
        nielsen = db.session.scalar(select(Family).where(Family.name.like("Familien Nielsen%")))
        persons = db.session.scalars(select(Person).where(Person.family_id == nielsen.id)).all()
        ages = sorted(p.age_on(db.utcnow().date()) for p in persons if p.birth_date)
        assert ages == [4, 9, 13]
        adults = db.session.scalars(
            select(User).join(Person, User.person_id == Person.id).where(Person.family_id == nielsen.id)
        ).all()
        assert len(adults) == 2 and all(u.role is Role.PARENT for u in adults)


def test_demo_has_a_team_leader_apart_from_the_administrator(runner):
    runner.invoke(args=["demo"])
    with in_demo("aarhus"):
        stmt = select(User.name, User.role).where(
            User.name.in_(("Lene Holm", "Per Holt", "Tove Thomsen")), here(User.municipality_id)
        )
        roles = dict(db.session.execute(stmt).all())
    assert roles == {"Lene Holm": Role.LEADER, "Per Holt": Role.ADMIN}


def test_demo_has_a_second_municipality_with_its_own_admin_and_consultant(runner):
    runner.invoke(args=["demo"])
    with in_demo("thisted"):
        stmt = select(User.name, User.role).where(here(User.municipality_id))
        assert dict(db.session.execute(stmt).all()) == {
            "Tove Thomsen": Role.ADMIN,
            "Jens Mikkelsen": Role.CONSULTANT,
            "Hanne Kristensen": Role.PARENT,
        }


def test_municipalities_and_their_first_admin_from_the_command_line(runner):
    assert runner.invoke(args=["municipality", "add", "thisted", "Thisted Kommune"]).exit_code == 0
    taken = runner.invoke(args=["municipality", "add", "Thisted", "Thisted igen"])
    assert taken.exit_code != 0 and "already" in taken.output
    bad = runner.invoke(args=["municipality", "add", "T h", "Thisted"])
    assert bad.exit_code != 0 and "lowercase" in bad.output
    assert "thisted" in runner.invoke(args=["municipality", "list"]).output
    # Two municipalities now: an admin is made in the one named.
    unnamed = runner.invoke(args=["create-admin", "Tove Thomsen"])
    assert unnamed.exit_code != 0 and "--municipality" in unnamed.output
    unknown = runner.invoke(args=["create-admin", "Tove Thomsen", "--municipality", "aalborg"])
    assert unknown.exit_code != 0 and "No municipality" in unknown.output
    assert runner.invoke(args=["create-admin", "Tove Thomsen", "--municipality", "thisted"]).exit_code == 0
    with in_demo("thisted"):
        tove = db.session.scalar(select(User).where(User.name == "Tove Thomsen", here(User.municipality_id)))
        assert tove.role is Role.ADMIN


def test_create_operator_belongs_to_no_municipality(runner):
    result = runner.invoke(args=["create-operator", "Ole Operatør"])
    assert result.exit_code == 0 and "/auth/activate/" in result.output
    with tenancy.entered(tenancy.NATIONAL):
        ole = db.session.scalar(select(User).where(User.name == "Ole Operatør"))
        assert ole.role is Role.OPERATOR and ole.municipality_id is None


def test_create_leader(runner):
    result = runner.invoke(args=["create-leader", "Lone Leder"])
    assert result.exit_code == 0 and "/auth/activate/" in result.output
    assert db.session.scalar(select(User).where(User.name == "Lone Leder")).role is Role.LEADER


def test_create_admin(runner):
    result = runner.invoke(args=["create-admin", "Tina Teamleder"])
    assert result.exit_code == 0 and "/auth/activate/" in result.output
    assert db.session.scalar(select(User).where(User.name == "Tina Teamleder")).role is Role.ADMIN


def test_passkeys_revoke(runner, world, app):
    from tests.auth.helpers import new_activation, register
    from tests.fake_authenticator import SoftAuthenticator

    client = app.test_client()
    token, _ = new_activation(app, world.parent_a)
    client.get(f"/auth/activate/{token}")
    register(client, SoftAuthenticator())
    result = runner.invoke(args=["passkeys", "revoke", str(world.parent_a.id)])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count()).where(Passkey.user_id == world.parent_a.id)) == 0
    assert client.get(f"/families/{world.family_a.id}/").status_code == 302


def test_sessions_purge(runner):
    result = runner.invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "expired sessions" in result.output


def test_demo_refuses_outside_development(app, runner, monkeypatch):
    monkeypatch.setattr(app, "testing", False)
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "development" in result.output
    assert db.session.scalar(select(func.count()).select_from(Family)) == 0
