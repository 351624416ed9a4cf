"""Meetings with participants, replies and questions; calendar feeds; the årshjul; a follow-up cadence per family.

Revision ID: a869d595e28e
Revises: f75ab8097948
Create Date: 2026-11-25 02:38:11.982090
"""

import sqlalchemy as sa
from alembic import op

revision = "a869d595e28e"
down_revision = "f75ab8097948"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "startup",
                "home_visit",
                "follow_up",
                "network",
                "work",
                "case_team",
                "go_along",
                "phone",
                name="meetingtype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("in_person", "phone", "video", name="meetingmode", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("preparation", sa.Text(), nullable=False),
        sa.Column("moved_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=300), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=False),
        sa.Column("referat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_meetings_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "year_activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_year_activities_family_id_families")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_year_activities_meeting_id_meetings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_activities")),
    )
    with op.batch_alter_table("year_activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_year_activities_family_id"), ["family_id"], unique=False)

    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("with_details", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_calendar_feeds_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feeds_user_id")),
    )
    op.create_table(
        "meeting_participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("member", "consultant", "other", name="participantkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("decides", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"], ["families.id"], name=op.f("fk_meeting_participants_family_id_families")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_participants_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_meeting_participants_person_id_persons")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_participants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_participants")),
    )
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_participants_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_participants_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_questions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_meeting_questions_family_id_families")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_questions_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_questions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_questions")),
    )
    with op.batch_alter_table("meeting_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_questions_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_questions_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_replies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("answer", sa.Enum("coming", "cannot", name="answer", native_enum=False, length=32), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("wish", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_meeting_replies_family_id_families")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_replies_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_meeting_replies_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_replies")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_replies_meeting_id")),
    )
    with op.batch_alter_table("meeting_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_replies_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_replies_meeting_id"), ["meeting_id"], unique=False)

    with op.batch_alter_table("families", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "cadence",
                sa.Enum(
                    "case_type", "six_weeks", "three_months", "phase", name="cadence", native_enum=False, length=32
                ),
                server_default="case_type",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("families", schema=None) as batch_op:
        batch_op.drop_column("cadence")

    with op.batch_alter_table("meeting_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_replies_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_replies_family_id"))

    op.drop_table("meeting_replies")
    with op.batch_alter_table("meeting_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_questions_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_questions_family_id"))

    op.drop_table("meeting_questions")
    with op.batch_alter_table("meeting_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_participants_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_participants_family_id"))

    op.drop_table("meeting_participants")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("year_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_year_activities_family_id"))

    op.drop_table("year_activities")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_family_id"))

    op.drop_table("meetings")
