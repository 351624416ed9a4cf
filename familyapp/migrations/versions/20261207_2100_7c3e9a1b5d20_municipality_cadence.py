"""A municipality's own follow-up rule per case type (support, with a child investigation): empty follows the
installation's (CADENCE_SUPPORT, CADENCE_INVESTIGATION) or the model's.

Revision ID: 7c3e9a1b5d20
Revises: 5b8c2d4e6f70
Create Date: 2026-12-07 21:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "7c3e9a1b5d20"
down_revision = "5b8c2d4e6f70"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases, as for the family's version: other tables point at municipalities.


def upgrade() -> None:
    op.add_column("municipalities", sa.Column("cadence_support", sa.String(length=20), nullable=True))
    op.add_column("municipalities", sa.Column("cadence_investigation", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("municipalities", "cadence_investigation")
    op.drop_column("municipalities", "cadence_support")
