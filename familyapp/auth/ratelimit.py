"""Failed-attempt counting in the database, so the limit holds across several gunicorn workers.

Only failures count: a municipality's worth of people signing in through one proxy address must never
lock each other out, while guessing codes or replaying responses soon meets the limit.
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import db
from .models import RateLimitHit


def _window() -> int:
    return int(time.time()) // current_app.config["RATE_LIMIT_WINDOW_SECONDS"]


def _keys(scope: str, subject: bytes | str | None) -> list[str]:
    """One key per client address, plus one per subject (an account or credential) when known."""
    keys = [f"{scope}:ip:{request.remote_addr or '-'}"]
    if subject:
        raw = subject if isinstance(subject, bytes) else subject.encode()
        keys.append(f"{scope}:subject:{hashlib.sha256(raw).hexdigest()}")
    return keys


def blocked(scope: str, subject: bytes | str | None = None) -> bool:
    """True when this address (or subject) has had too many failures in the current window."""
    stmt = select(RateLimitHit.count).where(
        RateLimitHit.key.in_(_keys(scope, subject)), RateLimitHit.window_start == _window()
    )
    return any(count >= current_app.config["RATE_LIMIT_ATTEMPTS"] for count in db.session.scalars(stmt))


def record_failure(scope: str, subject: bytes | str | None = None) -> None:
    """Count one failed attempt, committed at once so that the failing request's rollback keeps it.

    :param scope: which endpoint family is counted, e.g. ``"login"``.
    :param subject: an extra key such as a credential id, counted beside the client address.
    """
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = RateLimitHit.__table__
    for key in _keys(scope, subject):
        # One atomic upsert: concurrent workers never lose a count.
        stmt = (
            insert(table)
            .values(key=key, window_start=_window(), count=1)
            .on_conflict_do_update(index_elements=["key", "window_start"], set_={"count": table.c.count + 1})
        )
        db.session.execute(stmt)
    db.session.commit()
