"""Helpers for tests that need a database of their own (migrations, the live server)."""

from __future__ import annotations

import os
from pathlib import Path


def fresh_database_url(tmp_dir: Path, suffix: str) -> str:
    """An empty database: a new SQLite file, or on PostgreSQL runs a new database beside the test one."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / (suffix + '.sqlite3')}"
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{suffix}"
    admin_dsn = url.set(database="postgres", drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)
