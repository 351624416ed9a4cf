"""Helpers for tests that need a database of their own (migrations, the live server), and the check that a GET
writes nothing but the audit of a read."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import func, select, text

from familyapp import db, models
from familyapp.audit import AuditEvent


def fresh_database_url(tmp_dir: Path, suffix: str) -> str:
    """An empty database: a new SQLite file, or on PostgreSQL runs a new database beside the test one."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / (suffix + '.sqlite3')}"
    return fresh_postgres_url(base, suffix)


def fresh_postgres_url(base: str, suffix: str) -> str:
    """A new, empty PostgreSQL database beside ``base`` (its name with ``_suffix``), dropped first if it is there."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    name = f"{url.database}_{suffix}"
    with psycopg.connect(db.libpq_address(url.set(database="postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


#: Tables a GET may add rows to; every other table in the metadata keeps its row count (DESIGN §6: a GET writes
#: nothing but the audit row of a professional's read).
#: - audit_events: a professional's read, a partner link's visit and a refused attempt are audited; which events
#:   a GET may add is checked event by event (READS_BY_ANYONE, READS_BY_PROFESSIONALS).
#: - rate_limit_hits: a wrong activation link counts as a failed activation attempt (README, "Rate limits"). The
#:   link is opened from a text message or a QR code, so the attempt itself is a GET; counting it is the limit.
GET_MAY_ADD = frozenset({"audit_events", "rate_limit_hits"})
#: Audit events a GET may add for anyone: a refused attempt, and a visit through a partner's link (a disclosure).
READS_BY_ANYONE = frozenset({"access.denied", "partner.viewed", "partner.refused"})
#: Audit events a GET may add for a professional: reads of a family's content.
READS_BY_PROFESSIONALS = frozenset({"family.viewed", "calendar.feed_read"})
PROFESSIONALS = frozenset({models.Role.CONSULTANT.value, models.Role.ADMIN.value})


@dataclass(frozen=True)
class Snapshot:
    """Row counts of every table in the metadata, and the audit events there were."""

    counts: dict[str, int]
    events: frozenset


#: On PostgreSQL, a request's municipality: found once from its key, set once per transaction (the same on every
#: page, whatever its size). Counted apart from what a page reads (tests/test_tenancy.py checks their number).
TENANCY_STATEMENTS = ("SELECT familyapp_enter(", "SELECT set_config('familyapp.municipality'")


@contextmanager
def as_owner():
    """On PostgreSQL, a block of the test's transaction as the login that owns the tables (the tests' is a
    superuser): every municipality's rows, and what the app's role may not do (clear the audit trail)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("RESET ROLE"))
    try:
        yield
    finally:
        if postgres:
            role = current_app.config["DATABASE_ROLE"] if has_app_context() else "familyapp_tenant"
            db.session.execute(text(f"SET ROLE {role}"))


def snapshot() -> Snapshot:
    """Count every table (the session store, rate limits and audit included), in every municipality; one query
    per table."""
    with as_owner():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in models.Base.metadata.sorted_tables
        }
        return Snapshot(counts, frozenset(db.session.scalars(select(AuditEvent.id))))


def writes_since(before: Snapshot) -> list[str]:
    """What changed since ``before`` beyond the reads a GET may audit: an empty list when nothing did."""
    after = snapshot()
    with as_owner():
        return _writes(before, after)


def _writes(before: Snapshot, after: Snapshot) -> list[str]:
    found = [
        f"{name}: {before.counts[name]} -> {count} rows"
        for name, count in after.counts.items()
        if count != before.counts[name] and not (name in GET_MAY_ADD and count > before.counts[name])
    ]
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.id.not_in(before.events))):
        read = event.action in READS_BY_ANYONE or (
            event.action in READS_BY_PROFESSIONALS and event.actor_role in PROFESSIONALS
        )
        if not read:
            found.append(f"audit event {event.action} by {event.actor_role or 'nobody'}")
    return found
