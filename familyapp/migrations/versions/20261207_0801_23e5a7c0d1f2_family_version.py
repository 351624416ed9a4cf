"""A family's version: goes up with every change to anything of the family (never with a read), so that its
pages can be answered "not modified" while it stands still.

Revision ID: 23e5a7c0d1f2
Revises: 23d5ca5e10ad
Create Date: 2026-12-07 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "23e5a7c0d1f2"
down_revision = "23d5ca5e10ad"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite has had DROP COLUMN since 3.35): a batch would copy the families
# table, and dropping the old copy fails on SQLite while other tables point at it.


def upgrade() -> None:
    op.add_column("families", sa.Column("version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("families", "version")
