"""Consent to sharing: versioned texts (stored by db-upgrade from the shipped files), requests, the parents'
append-only records (guarded by triggers, so no code path or hand-written SQL can change or delete one), partner
links; which parents have custody (not known until the consultant records it).

Revision ID: 8bb8e1ec4a78
Revises: 72b81564e3f4
Create Date: 2026-11-30 07:35:18.211257
"""

import sqlalchemy as sa
from alembic import op

revision = "8bb8e1ec4a78"
down_revision = "72b81564e3f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_templates")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_consent_templates_key")),
    )
    op.create_table(
        "consent_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("about_person_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["about_person_id"], ["persons.id"], name=op.f("fk_consent_requests_about_person_id_persons")
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_consent_requests_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_consent_requests_created_by_id_users")),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_consent_requests_family_id_families")),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["network_people.id"], name=op.f("fk_consent_requests_recipient_id_network_people")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"], ["consent_templates.id"], name=op.f("fk_consent_requests_template_id_consent_templates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_requests")),
    )
    with op.batch_alter_table("consent_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_requests_family_id"), ["family_id"], unique=False)

    op.create_table(
        "partner_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_partner_links_created_by_id_users")),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_partner_links_family_id_families")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_partner_links_meeting_id_meetings")),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["network_people.id"], name=op.f("fk_partner_links_recipient_id_network_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partner_links_token_hash")),
    )
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_links_family_id"), ["family_id"], unique=False)

    op.create_table(
        "consent_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("shown", sa.JSON(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("confirmed_by", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_consent_records_family_id_families")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["consent_requests.id"], name=op.f("fk_consent_records_request_id_consent_requests")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"], ["consent_templates.id"], name=op.f("fk_consent_records_template_id_consent_templates")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_consent_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
        sa.UniqueConstraint("request_id", "user_id", "seq", name=op.f("uq_consent_records_request_id")),
    )
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_records_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_records_request_id"), ["request_id"], unique=False)

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("custody", sa.Boolean(), nullable=True))

    _append_only()


#: What the database refuses: any change to a record or a request, and a change to a text's words (a text is only
#: ever switched in or out of use).
GUARDED = (
    ("consent_records", "UPDATE"),
    ("consent_records", "DELETE"),
    ("consent_requests", "UPDATE"),
    ("consent_requests", "DELETE"),
    ("consent_templates", "UPDATE OF key, version, data"),
    ("consent_templates", "DELETE"),
)


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_no_{event.split()[0].lower()}"


def _append_only() -> None:
    """Triggers that make consent history append-only in the database itself (SQLite and PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION consent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'consent history is append-only (%)', TG_TABLE_NAME; END $$"
        )
        for table, event in GUARDED:
            op.execute(
                f"CREATE TRIGGER {_trigger_name(table, event)} BEFORE {event} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION consent_append_only()"
            )
    else:
        for table, event in GUARDED:
            op.execute(
                f"CREATE TRIGGER {_trigger_name(table, event)} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'consent history is append-only ({table})'); END"
            )


def _drop_append_only() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, event in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}" + (f" ON {table}" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS consent_append_only()")


def downgrade() -> None:
    _drop_append_only()
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("custody")

    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_records_request_id"))
        batch_op.drop_index(batch_op.f("ix_consent_records_family_id"))

    op.drop_table("consent_records")
    with op.batch_alter_table("partner_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_links_family_id"))

    op.drop_table("partner_links")
    with op.batch_alter_table("consent_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_requests_family_id"))

    op.drop_table("consent_requests")
    op.drop_table("consent_templates")
