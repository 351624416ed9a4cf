"""Self-report scales: versioned definitions (stored by db-upgrade from the shipped files), each person's
answers per window, and their choices.

Revision ID: 72b81564e3f4
Revises: 702cb139c61c
Create Date: 2026-11-30 07:13:02.183625
"""

import sqlalchemy as sa
from alembic import op

revision = "72b81564e3f4"
down_revision = "702cb139c61c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scale_definitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("respondent", sa.String(length=20), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scale_definitions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_scale_definitions_key")),
    )
    op.create_table(
        "scale_responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("definition_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("about_person_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("window_key", sa.String(length=120), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("pending", sa.JSON(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("alerts", sa.JSON(), nullable=True),
        sa.Column("client_id", sa.String(length=36), nullable=True),
        sa.Column("discussed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discussed_by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["about_person_id"], ["persons.id"], name=op.f("fk_scale_responses_about_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["definition_id"], ["scale_definitions.id"], name=op.f("fk_scale_responses_definition_id_scale_definitions")
        ),
        sa.ForeignKeyConstraint(
            ["discussed_by_id"], ["users.id"], name=op.f("fk_scale_responses_discussed_by_id_users")
        ),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_scale_responses_family_id_families")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_scale_responses_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_scale_responses_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scale_responses")),
        sa.UniqueConstraint("user_id", "family_id", "window_key", name=op.f("uq_scale_responses_user_id")),
    )
    with op.batch_alter_table("scale_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scale_responses_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scale_responses_user_id"), ["user_id"], unique=False)

    op.create_table(
        "scale_settings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("show_alliance", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_scale_settings_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_scale_settings")),
    )


def downgrade() -> None:
    op.drop_table("scale_settings")
    with op.batch_alter_table("scale_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scale_responses_user_id"))
        batch_op.drop_index(batch_op.f("ix_scale_responses_family_id"))

    op.drop_table("scale_responses")
    op.drop_table("scale_definitions")
