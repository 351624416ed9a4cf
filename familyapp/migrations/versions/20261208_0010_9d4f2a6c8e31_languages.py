"""Languages: which a municipality offers (empty: every configured one), and whether a person of a family needs an
interpreter (unknown until the consultant records it).

Revision ID: 9d4f2a6c8e31
Revises: 7c3e9a1b5d20
Create Date: 2026-12-08 00:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "9d4f2a6c8e31"
down_revision = "7c3e9a1b5d20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("municipalities", sa.Column("languages", sa.String(length=80), nullable=True))
    op.add_column("persons", sa.Column("interpreter", sa.Boolean(), nullable=True))


def downgrade() -> None:
    op.drop_column("persons", "interpreter")
    op.drop_column("municipalities", "languages")
