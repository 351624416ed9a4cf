"""A meeting's day in Danish time, kept with its start: the caseload works out every family's follow-up in SQL
(SQLite knows no time zones); and an index to find a family's last and next meeting.

Revision ID: 23d5ca5e10ad
Revises: 1f394b1249c7
Create Date: 2026-12-07 08:00:00
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "23d5ca5e10ad"
down_revision = "1f394b1249c7"
branch_labels = None
depends_on = None

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


def _day(starts_at) -> object:
    """The Danish day of a stored start (SQLite gives naive UTC, sometimes as text)."""
    if isinstance(starts_at, str):
        starts_at = datetime.fromisoformat(starts_at)
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    return starts_at.astimezone(LOCAL_ZONE).date()


def upgrade() -> None:
    # Plain ADD/DROP COLUMN on both databases: a batch copy of the table would trip the foreign keys that point at
    # meetings on SQLite. So the column is nullable; the model sets it with every start.
    op.add_column("meetings", sa.Column("day", sa.Date(), nullable=True))
    meetings = sa.table("meetings", sa.column("id", sa.Uuid()), sa.column("starts_at"), sa.column("day", sa.Date()))
    connection = op.get_bind()
    for meeting_id, starts_at in connection.execute(sa.select(meetings.c.id, meetings.c.starts_at)).all():
        connection.execute(meetings.update().where(meetings.c.id == meeting_id).values(day=_day(starts_at)))
    op.create_index("ix_meetings_family_id_starts_at", "meetings", ["family_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_meetings_family_id_starts_at", table_name="meetings")
    op.drop_column("meetings", "day")
