"""Counting failed attempts (familyapp/auth/ratelimit.py): per address and per subject, per window, only failures,
and kept when the failing request rolls back."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from familyapp import db
from familyapp.auth import ratelimit
from familyapp.auth.models import RateLimitHit


@pytest.fixture()
def limit(app, db_session, monkeypatch):
    """A request context from a given address, at a given moment (seconds), with the app's limit."""
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: clock["now"]))  # this module's clock only

    @contextmanager
    def request_from(address: str = "192.0.2.1"):
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            yield

    request_from.clock = clock
    request_from.attempts = app.config["RATE_LIMIT_ATTEMPTS"]
    request_from.window = app.config["RATE_LIMIT_WINDOW_SECONDS"]
    return request_from


def fail(n: int, scope="login", subject=None) -> None:
    for _ in range(n):
        ratelimit.record_failure(scope, subject)


def test_an_address_is_blocked_at_the_limit_not_before(limit):
    with limit():
        fail(limit.attempts - 1)
        assert not ratelimit.blocked("login")
        fail(1)
        assert ratelimit.blocked("login")


def test_other_addresses_and_other_scopes_are_not_blocked(limit):
    with limit("192.0.2.1"):
        fail(limit.attempts)
        assert not ratelimit.blocked("activation")
    with limit("198.51.100.7"):
        assert not ratelimit.blocked("login")


def test_a_subject_is_blocked_from_every_address(limit):
    for n in range(limit.attempts):
        with limit(f"192.0.2.{n + 1}"):
            fail(1, subject=b"credential-1")
    with limit("203.0.113.9"):
        assert ratelimit.blocked("login", b"credential-1")
        assert ratelimit.blocked("login", "credential-1")  # text and bytes are the same subject
        assert not ratelimit.blocked("login", b"credential-2")
        assert not ratelimit.blocked("login")


def test_the_subject_is_stored_hashed(limit):
    with limit():
        fail(1, subject="sara@example.test")
    keys = list(db.session.scalars(select(RateLimitHit.key)))
    assert not any("sara@example.test" in key for key in keys)
    assert len(keys) == 2  # the address and the subject


def test_a_new_window_starts_afresh(limit):
    with limit():
        fail(limit.attempts)
        assert ratelimit.blocked("login")
        limit.clock["now"] += limit.window
        assert not ratelimit.blocked("login")


def test_failures_are_counted_in_one_row_per_key_and_window(limit):
    with limit():
        fail(3)
    assert db.session.scalar(select(func.count()).select_from(RateLimitHit)) == 1
    assert db.session.scalar(select(RateLimitHit.count)) == 3


def test_a_failure_is_kept_when_the_request_rolls_back(limit):
    with limit():
        fail(1)
        db.session.rollback()
    assert db.session.scalar(select(RateLimitHit.count)) == 1
