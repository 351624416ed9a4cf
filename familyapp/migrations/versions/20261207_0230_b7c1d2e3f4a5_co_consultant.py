"""The second consultant is a co-consultant ("makker") in code and data; "partner" now means only the outside
professional with a link. Renames the assignment role's value, the network map's column and the key in the map's
kept versions; every row is kept.

Revision ID: b7c1d2e3f4a5
Revises: 1093126092c0
Create Date: 2026-12-07 02:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "b7c1d2e3f4a5"
down_revision = "1093126092c0"
branch_labels = None
depends_on = None

revisions = sa.table("network_revisions", sa.column("id", sa.Uuid()), sa.column("snapshot", sa.JSON()))


def _rename_key(old: str, new: str) -> None:
    """The map's kept versions hold each person as it was, with the column's name as a key."""
    conn = op.get_bind()
    for row_id, snapshot in conn.execute(sa.select(revisions.c.id, revisions.c.snapshot)).all():
        if isinstance(snapshot, str):
            snapshot = json.loads(snapshot)
        changed = [{(new if k == old else k): v for k, v in entry.items()} for entry in snapshot or []]
        if changed != snapshot:
            conn.execute(revisions.update().where(revisions.c.id == row_id).values(snapshot=changed))


def upgrade() -> None:
    op.execute("UPDATE assignments SET role = 'co_consultant' WHERE role = 'partner'")
    # A plain RENAME COLUMN on both databases (SQLite 3.25+): a batch copy of the table would trip the foreign
    # keys of the rows that point at it.
    op.execute("ALTER TABLE network_people RENAME COLUMN partner_may_see TO co_consultant_may_see")
    _rename_key("partner_may_see", "co_consultant_may_see")


def downgrade() -> None:
    _rename_key("co_consultant_may_see", "partner_may_see")
    op.execute("ALTER TABLE network_people RENAME COLUMN co_consultant_may_see TO partner_may_see")
    op.execute("UPDATE assignments SET role = 'partner' WHERE role = 'co_consultant'")
