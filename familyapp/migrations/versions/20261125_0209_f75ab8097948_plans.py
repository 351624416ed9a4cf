"""Familiens plan: plans, goals and steps, agreements, plan history, readiness plan; when consultants are reachable.

Revision ID: f75ab8097948
Revises: c663eeff4964
Create Date: 2026-11-25 02:09:27.571465
"""

import sqlalchemy as sa
from alembic import op

revision = "f75ab8097948"
down_revision = "c663eeff4964"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("dreams", sa.Text(), nullable=False),
        sa.Column("works", sa.Text(), nullable=False),
        sa.Column("worries", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_plans_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_family_id"), ["family_id"], unique=True)

    op.create_table(
        "readiness_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("situation", sa.String(length=300), nullable=False),
        sa.Column("what_we_do", sa.Text(), nullable=False),
        sa.Column("who_we_call", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_readiness_items_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_items")),
    )
    with op.batch_alter_table("readiness_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_readiness_items_family_id"), ["family_id"], unique=False)

    op.create_table(
        "goals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("term", sa.Enum("short", "long", name="goalterm", native_enum=False, length=32), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status", sa.Enum("red", "yellow", "green", name="goalstatus", native_enum=False, length=32), nullable=False
        ),
        sa.Column("green_looks_like", sa.Text(), nullable=False),
        sa.Column("private_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_goals_family_id_families")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_goals_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_family_id"), ["family_id"], unique=False)

    op.create_table(
        "agreements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("what", sa.String(length=300), nullable=False),
        sa.Column(
            "who_kind",
            sa.Enum("member", "consultant", "other", name="whokind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("who_person_id", sa.Uuid(), nullable=True),
        sa.Column("who_user_id", sa.Uuid(), nullable=True),
        sa.Column("who_name", sa.String(length=100), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_agreements_family_id_families")),
        sa.ForeignKeyConstraint(["who_person_id"], ["persons.id"], name=op.f("fk_agreements_who_person_id_persons")),
        sa.ForeignKeyConstraint(["who_user_id"], ["users.id"], name=op.f("fk_agreements_who_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_family_id"), ["family_id"], unique=False)

    op.create_table(
        "goal_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_goal_steps_family_id_families")),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"], name=op.f("fk_goal_steps_goal_id_goals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_steps")),
    )
    with op.batch_alter_table("goal_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_steps_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_steps_goal_id"), ["goal_id"], unique=False)

    op.create_table(
        "plan_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("change", sa.String(length=40), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("agreed_at_meeting", sa.String(length=300), nullable=False),
        sa.Column("agreed_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_plan_revisions_actor_id_users")),
        sa.ForeignKeyConstraint(["agreed_by_id"], ["users.id"], name=op.f("fk_plan_revisions_agreed_by_id_users")),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"], name=op.f("fk_plan_revisions_family_id_families")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revisions")),
    )
    with op.batch_alter_table("plan_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_revisions_family_id"), ["family_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reachable", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reachable")

    with op.batch_alter_table("plan_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_revisions_family_id"))

    op.drop_table("plan_revisions")
    with op.batch_alter_table("goal_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_steps_goal_id"))
        batch_op.drop_index(batch_op.f("ix_goal_steps_family_id"))

    op.drop_table("goal_steps")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_family_id"))

    op.drop_table("agreements")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_family_id"))

    op.drop_table("goals")
    with op.batch_alter_table("readiness_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readiness_items_family_id"))

    op.drop_table("readiness_items")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_family_id"))

    op.drop_table("plans")
