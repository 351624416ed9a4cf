"""Municipalities as tenants: every family-scoped table carries its municipality; on PostgreSQL the database itself
keeps them apart (row-level security), so raw SQL for one municipality reads and writes nothing of another."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from familyapp import db, tenancy
from familyapp.auth.models import Role, User
from familyapp.families.models import Family
from familyapp.models import Base
from tests import factories

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="row-level security is PostgreSQL's (CI's second run)")

#: Tables that hold no family's data and belong to no municipality.
GLOBAL = {"municipalities", "scale_definitions", "consent_templates", "rate_limit_hits"}


def tenant_tables() -> set[str]:
    return {t.name for t in Base.metadata.sorted_tables if "municipality_id" in t.c}


def test_every_table_belongs_to_a_municipality_or_is_named_global():
    """A new table either carries its municipality or is added to GLOBAL here, on purpose."""
    assert set(Base.metadata.tables) - tenant_tables() == GLOBAL
    for name in tenant_tables():
        column = Base.metadata.tables[name].c.municipality_id
        assert [fk.column.table.name for fk in column.foreign_keys] == ["municipalities"], name


def test_a_row_written_outside_any_municipality_is_refused(ctx):
    token = tenancy.begin(None)
    try:
        with pytest.raises(Exception, match="outside a municipality"):
            factories.make_family("Familien Ingen")
        db.session.rollback()
    finally:
        tenancy.end(token)


@postgres_only
def test_every_tenant_table_has_forced_row_level_security_with_a_policy_on_its_municipality(db_session):
    rows = db.session.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "  (SELECT string_agg(pg_get_expr(p.polqual, p.polrelid), ' ') FROM pg_policy p "
            "   WHERE p.polrelid = c.oid AND p.polname = 'municipality') "
            "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'municipality_id' "
            "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND NOT a.attisdropped"
        )
    ).all()
    assert {r[0] for r in rows} == tenant_tables()
    for name, enabled, forced, rule in rows:
        assert enabled and forced, name
        assert rule and "familyapp_municipality()" in rule, name


@postgres_only
def test_the_app_works_as_a_role_that_owns_nothing_and_cannot_bypass(db_session):
    me = db.session.execute(
        text("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert me == ("familyapp_tenant", False, False)
    owned = db.session.scalar(text("SELECT count(*) FROM pg_tables WHERE tableowner = current_user"))
    assert owned == 0


def _in(municipality: uuid.UUID | None) -> None:
    """Raw SQL's own switch: what the app does at the start of each transaction."""
    value = str(municipality) if municipality else ""
    db.session.execute(text("SELECT set_config('familyapp.municipality', :m, true)"), {"m": value})
    db.session.execute(text("SELECT set_config('familyapp.national', '', true)"))


def _count(table: str) -> int:
    return db.session.scalar(text(f"SELECT count(*) FROM {table}"))


@postgres_only
def test_raw_sql_for_one_municipality_reads_and_writes_nothing_of_another(db_session, world):
    """Aarhus (the tests' home) and Thisted (OTHER): the application's filters are bypassed with raw SQL."""
    home_family, other_family = world.family_a.id, world.family_other.id
    _in(factories.HOME)
    home_counts = {t: _count(t) for t in ("families", "persons", "users", "plans", "audit_events")}
    assert home_counts["families"] == 2
    assert db.session.scalar(text("SELECT count(*) FROM families WHERE id = :id"), {"id": other_family}) == 0
    # Writing across: nothing matches, and a row for the other municipality is refused.
    assert db.session.execute(text("UPDATE families SET name = 'x' WHERE id = :id"), {"id": other_family}).rowcount == 0
    assert db.session.execute(text("DELETE FROM memberships WHERE family_id = :id"), {"id": other_family}).rowcount == 0
    with pytest.raises(DBAPIError, match="row-level security"), db.session.begin_nested():
        db.session.execute(
            text(
                "INSERT INTO families (id, name, case_type, start_date, phase, cadence, created_at, version, "
                "municipality_id) SELECT :id, 'Familien Snyd', case_type, start_date, phase, cadence, created_at, 0, "
                ":other FROM families WHERE id = :home"
            ),
            {"id": uuid.uuid4(), "other": factories.OTHER, "home": home_family},
        )
    with pytest.raises(DBAPIError, match="row-level security"), db.session.begin_nested():
        db.session.execute(
            text("UPDATE families SET municipality_id = :other WHERE id = :home"),
            {"other": factories.OTHER, "home": home_family},
        )
    # The other municipality sees its own and nothing of the first.
    _in(factories.OTHER)
    assert _count("families") == 1
    assert db.session.scalar(text("SELECT name FROM families")) == "Familien C"
    assert db.session.scalar(text("SELECT count(*) FROM persons WHERE family_id = :id"), {"id": home_family}) == 0
    # Without a municipality: nothing at all (not everything).
    _in(None)
    assert {t: _count(t) for t in home_counts} == dict.fromkeys(home_counts, 0)


@postgres_only
def test_the_municipality_ends_with_its_transaction(app, database_url):
    """SET LOCAL, never a session setting: a pooled connection's next transaction starts in no municipality."""
    engine = db.make_engine(database_url, "familyapp_tenant")
    with engine.connect() as conn:
        with conn.begin():
            conn.execute(text("SELECT set_config('familyapp.municipality', :m, true)"), {"m": str(factories.HOME)})
            assert conn.scalar(text("SELECT count(*) FROM municipalities WHERE id = familyapp_municipality()")) == 1
        with conn.begin():
            assert conn.scalar(text("SELECT familyapp_municipality()")) is None
            assert conn.scalar(text("SELECT count(*) FROM users")) == 0
    engine.dispose()


@postgres_only
def test_the_resolver_finds_only_a_municipality_and_only_by_a_key(db_session):
    """familyapp_enter reads the key tables for the app; the app's role cannot read them unscoped itself."""
    _in(None)
    assert db.session.scalar(text("SELECT familyapp_enter('session', 'no-such-session')")) is None
    assert db.session.scalar(text("SELECT familyapp_enter('families', 'x')")) is None
    assert not db.session.scalar(text("SELECT pg_has_role('familyapp_tenant', 'familyapp_resolver', 'MEMBER')"))
    assert not db.session.scalar(text("SELECT pg_has_role(session_user, 'familyapp_resolver', 'MEMBER')")) or (
        db.session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = session_user"))
    )


def test_an_admin_sees_only_the_families_and_consultants_of_their_municipality(client, world):
    factories.sign_in(client, world.admin_other)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Familien C" in page and "Jens Anden" in page
    assert "Familien A" not in page and "Mette A" not in page
    assert client.get(f"/admin/families/{world.family_a.id}").status_code == 404
    assert client.get(f"/admin/consultants/{world.consultant_a.id}").status_code == 404
    # Consultant A cannot be assigned to the other municipality's family either.
    response = client.post(
        f"/admin/families/{world.family_other.id}/assignments",
        data={"assign-consultant": str(world.consultant_a.id), "assign-role": "primary"},
    )
    assert response.status_code == 400


def test_a_consultant_of_one_municipality_reaches_no_family_of_another(client, world):
    factories.sign_in(client, world.consultant_other)
    assert client.get(f"/families/{world.family_a.id}/").status_code == 404
    assert client.get(f"/families/{world.family_other.id}/").status_code == 200
    caseload = client.get("/caseload").get_data(as_text=True)
    assert "Familien C" in caseload and "Familien A" not in caseload


def test_a_visitor_sign_in_lands_in_the_municipality_of_the_login(app, client, world):
    """A passkey sign-in begins as a national visitor and ends in the login's municipality, with a new session."""
    from tests.auth.helpers import new_activation, register
    from tests.fake_authenticator import SoftAuthenticator

    with tenancy.entered(factories.OTHER):
        token, _code = new_activation(app, world.consultant_other)
    client.get(f"/auth/activate/{token}")
    assert register(client, SoftAuthenticator()).status_code == 200
    with tenancy.entered(factories.OTHER):
        rows = db.session.scalars(
            select(tenancy.Municipality.id)
            .join(User, User.municipality_id == tenancy.Municipality.id)
            .where(User.id == world.consultant_other.id)
        ).all()
    assert rows == [factories.OTHER]
    assert client.get(f"/families/{world.family_other.id}/").status_code == 200


def test_the_operator_adds_a_municipality_and_its_first_admin(client, world):
    factories.sign_in(client, world.operator)
    page = client.get("/operator/").get_data(as_text=True)
    assert "Anden Kommune" in page and "Familien" not in page
    bad = client.post("/operator/municipalities", data={"municipality-name": "Thisted", "municipality-code": "T T"})
    assert bad.status_code == 400 and 'value="Thisted"' in bad.get_data(as_text=True)
    taken = client.post("/operator/municipalities", data={"municipality-name": "Igen", "municipality-code": "anden"})
    assert taken.status_code == 400
    added = client.post(
        "/operator/municipalities", data={"municipality-name": "Thisted Kommune", "municipality-code": "thisted"}
    )
    assert added.status_code == 302
    thisted = tenancy.by_code("thisted")
    made = client.post("/operator/admins", data={"admin-municipality": str(thisted.id), "admin-name": "Tove Thomsen"})
    assert made.status_code == 200 and "/auth/activate/" in made.get_data(as_text=True)
    with tenancy.entered(thisted.id):
        tove = db.session.scalar(select(User).where(User.name == "Tove Thomsen", tenancy.here(User.municipality_id)))
        assert tove.role is Role.ADMIN
        # The other municipality's families are no more the operator's than before: an admin of its own.
        assert (
            db.session.scalar(select(func.count()).select_from(Family).where(tenancy.here(Family.municipality_id))) == 0
        )


@postgres_only
def test_a_page_finds_its_municipality_once_and_sets_it_per_transaction(client, world, count_queries):
    """What the municipality costs a page on PostgreSQL: one look-up from the session's key and one setting per
    transaction (a professional's page commits its audit row and begins again), whatever the page shows."""
    factories.sign_in(client, world.parent_a)
    with count_queries() as parent:
        assert client.get(f"/families/{world.family_a.id}/").status_code == 200
    factories.sign_in(client, world.consultant_a)
    with count_queries() as consultant:
        assert client.get(f"/families/{world.family_a.id}/").status_code == 200
    for seen in (parent, consultant):
        assert sum(s.startswith("SELECT familyapp_enter(") for s in seen.tenancy) == 1
        assert 1 <= sum(s.startswith("SELECT set_config(") for s in seen.tenancy) <= 3


@postgres_only
def test_a_consultant_of_aarhus_sees_nothing_of_thisted_even_through_raw_sql(runner):
    """The demo's two municipalities: in Aarhus's transaction, raw SQL finds none of Thisted's family, people or
    logins, whatever it asks; in Thisted's, none of Aarhus's."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    aarhus, thisted = tenancy.by_code("aarhus").id, tenancy.by_code("thisted").id
    _in(aarhus)
    names = set(db.session.scalars(text("SELECT name FROM families")))
    assert "Familien Nielsen (demo)" in names and not any("Kristensen" in n for n in names)
    people = set(db.session.scalars(text("SELECT name FROM persons UNION SELECT name FROM users")))
    assert "Mette Sørensen" in people and not people & {"Hanne Kristensen", "Ida", "Jens Mikkelsen"}
    _in(thisted)
    assert set(db.session.scalars(text("SELECT name FROM families"))) == {"Familien Kristensen (demo)"}
    people = set(db.session.scalars(text("SELECT name FROM persons UNION SELECT name FROM users")))
    assert people == {"Hanne Kristensen", "Ida", "Tove Thomsen", "Jens Mikkelsen"}
