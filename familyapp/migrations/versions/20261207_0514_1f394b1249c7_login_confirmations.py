"""A professional's login made by an admin takes effect only when a second person (the team leader or another
admin) confirms it: who made it, who confirmed it and when. Logins that exist already stay as they are.

Revision ID: 1f394b1249c7
Revises: b7c1d2e3f4a5
Create Date: 2026-12-07 05:14:30.068930
"""

import sqlalchemy as sa
from alembic import op

revision = "1f394b1249c7"
down_revision = "b7c1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_confirmations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_login_confirmations_confirmed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_login_confirmations_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_login_confirmations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_confirmations")),
        sa.UniqueConstraint("user_id", name=op.f("uq_login_confirmations_user_id")),
    )


def downgrade() -> None:
    op.drop_table("login_confirmations")
