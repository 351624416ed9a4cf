"""Attempt counting in the database, so the limit holds across several gunicorn workers."""

from __future__ import annotations

import time

from flask import current_app, request
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import db
from .models import RateLimitHit


def allow(scope: str, subject: str | None = None) -> bool:
    """Count one attempt and say whether it is within the limit.

    Counts per client address and scope (e.g. ``"login"``); the count is committed at once so that a
    failing request still counts.

    :param scope: which endpoint family is counted.
    :param subject: an extra key such as an account; defaults to the client address.
    :return: False when the limit for the current window is exceeded.
    """
    window = current_app.config["RATE_LIMIT_WINDOW_SECONDS"]
    key = f"{scope}:{subject or request.remote_addr or '-'}"[:200]
    window_start = int(time.time()) // window
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # One atomic upsert: concurrent workers never lose a count.
    stmt = (
        insert(RateLimitHit)
        .values(key=key, window_start=window_start, count=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"count": RateLimitHit.__table__.c.count + 1}
        )
        .returning(RateLimitHit.__table__.c.count)
    )
    count = db.session.execute(stmt).scalar_one()
    db.session.commit()
    return count <= current_app.config["RATE_LIMIT_ATTEMPTS"]
