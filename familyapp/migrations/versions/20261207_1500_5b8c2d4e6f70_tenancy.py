"""Municipalities as tenants: a municipality on every family-scoped row, and on PostgreSQL row-level security.

A database with data in it gets one municipality ("Kommunen", code ``kommune``) that owns everything already
there. On PostgreSQL:

- ``familyapp_tenant`` (no login) is the role the app works as (``SET ROLE``, config ``DATABASE_ROLE``): it owns
  no table, so every tenant table's policy binds it. Tables are ``ENABLE``d and ``FORCE``d, so the owner is bound
  too; only a superuser or a ``BYPASSRLS`` role (pg_dump for backups) sees every municipality.
- A policy per tenant table: rows of the transaction's municipality (``familyapp.municipality``, set with
  ``SET LOCAL`` semantics); logins, sessions and their audit also admit rows of no municipality while the
  transaction is national (``familyapp.national``: operators and visitors not yet signed in).
- ``familyapp_enter(kind, key)`` finds the municipality of a session, activation, passkey, calendar feed, partner
  link by its key and sets it for the transaction. It runs as ``familyapp_resolver``, a role
  with no login that may read only those tables.

Revision ID: 5b8c2d4e6f70
Revises: 23e5a7c0d1f2
Create Date: 2026-12-07 15:00:00.000000
"""

import uuid

import sqlalchemy as sa
from alembic import op

from familyapp.db import UTCDateTime

revision = "5b8c2d4e6f70"
down_revision = "23e5a7c0d1f2"
branch_labels = None
depends_on = None

#: A family's content: always one municipality's.
FAMILY_TABLES = (
    "families", "persons", "memberships", "assignments", "plans", "goals", "goal_steps", "agreements",
    "plan_revisions", "readiness_items", "scale_responses", "scale_settings", "reminder_settings", "reminders_sent",
    "consent_requests", "consent_records", "partner_links", "year_activities", "meetings", "meeting_participants",
    "meeting_replies", "meeting_questions", "meeting_suggestions", "calendar_feeds", "network_people",
    "network_revisions", "kin_relations", "agency_cases",
)  # fmt: skip
#: Logins and what belongs to them: a municipality's, or national (an operator's, a visitor's before sign-in).
LOGIN_TABLES = (
    "users", "passkeys", "activations", "user_sessions", "recovery_requests", "login_confirmations",
    "security_notices", "audit_events", "push_subscriptions",
)  # fmt: skip
#: What familyapp_enter may look a key up in: kind -> (table, key column).
KEYS = {
    "session": ("user_sessions", "id"),
    "activation": ("activations", "token_hash"),
    "activation_code": ("activations", "code_hash"),
    # The activation being opened, remembered in the visitor's signed cookie (the id is the server's own).
    "activation_id": ("activations", "id"),
    "passkey": ("passkeys", "credential_id"),
    "calendar": ("calendar_feeds", "token_hash"),
    "partner": ("partner_links", "token_hash"),
}


#: The consent history's append-only triggers (migration ``consent``): a batch copy of the table on SQLite drops
#: them, so they are made again; on PostgreSQL they are paused while the first municipality is filled in.
GUARDED = {"consent_records": ("UPDATE", "DELETE"), "consent_requests": ("UPDATE", "DELETE")}


def _sqlite_guards() -> None:
    for table, events in GUARDED.items():
        for event in events:
            name = f"{table}_no_{event.lower()}"
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'consent history is append-only ({table})'); END"
            )


def _fill(table: str, first: uuid.UUID) -> None:
    """The rows already there belong to the first municipality."""
    paused = table in GUARDED and op.get_bind().dialect.name == "postgresql"
    if paused:
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    op.execute(sa.table(table, sa.column("municipality_id", sa.Uuid)).update().values(municipality_id=first))
    if paused:
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _fk(table: str) -> str:
    return f"fk_{table}_municipality_id_municipalities"


def _first_municipality() -> uuid.UUID | None:
    """A municipality for the rows already there (None in an empty database: nothing to own)."""
    bind = op.get_bind()
    if not any(bind.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in ("users", "families")):
        return None
    first = uuid.uuid4()
    table = sa.table("municipalities", sa.column("id", sa.Uuid), sa.column("code"), sa.column("name"),
                     sa.column("created_at", UTCDateTime()))  # fmt: skip
    op.execute(table.insert().values(id=first, code="kommune", name="Kommunen", created_at=sa.func.now()))
    return first


def upgrade() -> None:
    op.create_table(
        "municipalities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("code", name=op.f("uq_municipalities_code")),
    )
    first = _first_municipality()
    for table in FAMILY_TABLES + LOGIN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("municipality_id", sa.Uuid(), nullable=True))
            batch.create_foreign_key(_fk(table), "municipalities", ["municipality_id"], ["id"])
        if first is not None:
            _fill(table, first)
        if table in FAMILY_TABLES:
            with op.batch_alter_table(table) as batch:
                batch.alter_column("municipality_id", existing_type=sa.Uuid(), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        _row_level_security()
    else:
        _sqlite_guards()


def _row_level_security() -> None:
    op.execute("""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'familyapp_tenant') THEN
            CREATE ROLE familyapp_tenant NOLOGIN;
          END IF;
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'familyapp_resolver') THEN
            CREATE ROLE familyapp_resolver NOLOGIN;
          END IF;
          -- The login that migrates may then SET ROLE to the app's role (a superuser may anyway).
          BEGIN
            GRANT familyapp_tenant TO CURRENT_USER;
          EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN NULL;
          END;
        END $$
    """)
    op.execute("GRANT USAGE ON SCHEMA public TO familyapp_tenant, familyapp_resolver")
    op.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO familyapp_tenant")
    op.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO familyapp_tenant")
    op.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES "
               "TO familyapp_tenant")  # fmt: skip
    op.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO familyapp_tenant")
    # The audit trail is append-only for the app in the database too.
    op.execute("REVOKE UPDATE, DELETE ON audit_events FROM familyapp_tenant")
    op.execute("""
        CREATE FUNCTION familyapp_municipality() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT nullif(current_setting('familyapp.municipality', true), '')::uuid $$
    """)
    op.execute("""
        CREATE FUNCTION familyapp_national() RETURNS boolean LANGUAGE sql STABLE
        AS $$ SELECT coalesce(current_setting('familyapp.national', true), '') = 'on' $$
    """)
    for table in FAMILY_TABLES + LOGIN_TABLES:
        rule = "municipality_id = familyapp_municipality()"
        if table in LOGIN_TABLES:
            rule = f"({rule} OR (municipality_id IS NULL AND familyapp_national()))"
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY municipality ON {table} USING ({rule}) WITH CHECK ({rule})")
    _resolver()


def _quietly(statement: str) -> str:
    """A grant a superuser does not need (and may not be given again): skipped when refused."""
    return (
        f"DO $$ BEGIN {statement}; EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN NULL; END $$"
    )


def _resolver() -> None:
    branches = []
    for kind, (table, column) in KEYS.items():
        key = {"passkey": "decode(key, 'hex')", "activation_id": "key::uuid"}.get(kind, "key")
        branches.append(
            f"WHEN '{kind}' THEN SELECT true, municipality_id INTO hit, found FROM {table} "
            f"WHERE {column} = {key} LIMIT 1;"
        )
    for table in sorted({table for table, _column in KEYS.values()}):
        op.execute(f"GRANT SELECT ON {table} TO familyapp_resolver")
        op.execute(f"CREATE POLICY resolve ON {table} FOR SELECT TO familyapp_resolver USING (true)")
    op.execute(f"""
        CREATE FUNCTION familyapp_enter(kind text, key text) RETURNS text
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
          hit boolean;
          found uuid;
        BEGIN
          CASE kind
            {" ".join(branches)}
            ELSE RETURN NULL;
          END CASE;
          IF hit IS NOT TRUE THEN
            RETURN NULL;
          END IF;
          PERFORM set_config('familyapp.municipality', coalesce(found::text, ''), true);
          PERFORM set_config('familyapp.national', CASE WHEN found IS NULL THEN 'on' ELSE '' END, true);
          RETURN coalesce(found::text, 'national');
        END $$
    """)
    # Owned by the resolver, which reads only the key tables. Handing it over needs the resolver's CREATE and the
    # migrating login's membership, just for the change: afterwards no login can become the resolver.
    op.execute("GRANT CREATE ON SCHEMA public TO familyapp_resolver")
    op.execute(_quietly("GRANT familyapp_resolver TO CURRENT_USER"))
    op.execute("ALTER FUNCTION familyapp_enter(text, text) OWNER TO familyapp_resolver")
    op.execute(_quietly("REVOKE familyapp_resolver FROM CURRENT_USER"))
    op.execute("REVOKE CREATE ON SCHEMA public FROM familyapp_resolver")
    op.execute("REVOKE ALL ON FUNCTION familyapp_enter(text, text) FROM PUBLIC")
    op.execute("GRANT EXECUTE ON FUNCTION familyapp_enter(text, text) TO familyapp_tenant")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION familyapp_enter(text, text)")
        for table in sorted({table for table, _column in KEYS.values()}):
            op.execute(f"DROP POLICY resolve ON {table}")
            op.execute(f"REVOKE SELECT ON {table} FROM familyapp_resolver")
        for table in FAMILY_TABLES + LOGIN_TABLES:
            op.execute(f"DROP POLICY municipality ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP FUNCTION familyapp_municipality()")
        op.execute("DROP FUNCTION familyapp_national()")
    for table in FAMILY_TABLES + LOGIN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(_fk(table), type_="foreignkey")
            batch.drop_column("municipality_id")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_guards()
    op.drop_table("municipalities")
