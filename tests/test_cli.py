"""Command-line tasks: the demo, the first admin, support tooling."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from familyapp import db
from familyapp.auth.models import Passkey, Role, User
from familyapp.families.models import Family, Person


def test_demo_is_idempotent_and_prints_links(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    links = re.findall(r"http://localhost:5000/auth/activate/\S+", first.output)
    assert len(links) == 7  # the team leader, the administrator, two consultants, three parents
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Family).where(Family.name.like("%(demo)"))) == 3
    assert set(re.findall(r"http://localhost:5000/auth/activate/\S+", second.output)).isdisjoint(links)


def test_demo_shape(runner):
    runner.invoke(args=["demo"])
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
    roles = dict(db.session.execute(select(User.name, User.role).where(User.name.in_(("Lene Holm", "Per Holt")))).all())
    assert roles == {"Lene Holm": Role.LEADER, "Per Holt": Role.ADMIN}


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
