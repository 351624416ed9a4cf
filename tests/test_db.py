"""Database helpers (familyapp/db.py): UTC times on every database, Danish dates, hashed secrets, and which
statements count as writes for SQLite's locking. The locking itself: tests/test_sqlite_concurrency.py."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from familyapp import db
from familyapp.audit import AuditEvent


class TestUTCDateTime:
    column = db.UTCDateTime()

    def test_an_aware_time_is_stored_in_utc(self):
        summer = datetime(2026, 6, 1, 10, tzinfo=timezone(timedelta(hours=2)))
        stored = self.column.process_bind_param(summer, None)
        assert stored.tzinfo is UTC and stored == summer and stored.hour == 8

    def test_a_naive_time_is_refused(self):
        with pytest.raises(ValueError, match="naive"):
            self.column.process_bind_param(datetime(2026, 6, 1, 10), None)

    def test_a_naive_value_read_back_is_utc(self):
        assert self.column.process_result_value(datetime(2026, 6, 1, 8), None) == datetime(2026, 6, 1, 8, tzinfo=UTC)

    def test_none_stays_none(self):
        assert self.column.process_bind_param(None, None) is None
        assert self.column.process_result_value(None, None) is None

    def test_a_time_goes_in_and_comes_back_the_same_moment(self, ctx):
        moment = datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=-5)))
        db.session.add(AuditEvent(at=moment, action="test.roundtrip", data={}))
        db.session.flush()
        db.session.expire_all()
        back = db.session.scalar(select(AuditEvent.at).where(AuditEvent.action == "test.roundtrip"))
        assert back == moment and back.utcoffset() == timedelta(0)


def test_utcnow_is_aware_and_now():
    before = datetime.now(UTC)
    now = db.utcnow()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)


@pytest.mark.parametrize(
    "value",
    ["2026-05-01T10:00:00", "2026-05-01 10:00:00", datetime(2026, 5, 1, 10), datetime(2026, 5, 1, 10, tzinfo=UTC)],
)
def test_as_utc_reads_what_aggregates_give_back(value):
    assert db.as_utc(value) == datetime(2026, 5, 1, 10, tzinfo=UTC)


def test_as_utc_keeps_another_zone_and_none():
    cet = datetime(2026, 1, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    assert db.as_utc(cet) is cet and db.as_utc(None) is None


@pytest.mark.parametrize(
    "moment, day",
    [
        (datetime(2026, 5, 31, 22, 30, tzinfo=UTC), date(2026, 6, 1)),  # 00:30 summer time
        (datetime(2026, 5, 31, 21, 59, tzinfo=UTC), date(2026, 5, 31)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2027, 1, 1)),  # 00:00 winter time
        (datetime(2026, 12, 31, 22, 59, tzinfo=UTC), date(2026, 12, 31)),
    ],
)
def test_local_date_is_the_danish_calendar_day(moment, day):
    assert db.local_date(moment) == day


def test_local_today_is_todays_danish_date():
    assert db.local_today() in {db.local_date(db.utcnow() - timedelta(seconds=1)), db.local_date(db.utcnow())}


def test_a_secret_is_kept_as_its_sha256_only():
    hashed = db.secret_hash("hemmelig-kode")
    assert hashed == hashlib.sha256(b"hemmelig-kode").hexdigest()
    assert "hemmelig" not in hashed and db.secret_hash("hemmelig-kode2") != hashed


@pytest.mark.parametrize(
    "statement, writes",
    [
        ("INSERT INTO x VALUES (1)", True),
        ("  update x set a = 1", True),
        ("DELETE FROM x", True),
        ("SAVEPOINT sa_1", True),
        ("CREATE TABLE y (a int)", True),
        ("SELECT * FROM inserts", False),
        ("SELECT 1", False),
        ("RELEASE SAVEPOINT sa_1", False),
    ],
)
def test_which_statements_write(statement, writes):
    assert db._writes(statement, None) is writes


def test_orm_writes_are_known_by_their_context():
    context = SimpleNamespace(isinsert=False, isupdate=True, isdelete=False)
    assert db._writes("WITH x AS (SELECT 1) SELECT 2", context)
    assert not db._writes("SELECT 1", SimpleNamespace(isinsert=False, isupdate=False, isdelete=False))


@pytest.mark.parametrize("method, reading", [("GET", True), ("HEAD", True), ("OPTIONS", True), ("POST", False)])
def test_only_get_head_and_options_are_read_requests(app, method, reading):
    with app.test_request_context(method=method):
        assert db._in_read_request() is reading
    assert db._in_read_request() is False  # outside a request (the CLI, a test) is a writer


def test_constraint_names_follow_the_convention():
    table = db.Base.metadata.tables["audit_events"]
    assert table.primary_key.name == "pk_audit_events"
    assert {fk.name for fk in table.foreign_key_constraints} == {
        "fk_audit_events_actor_id_users",
        "fk_audit_events_family_id_families",
        "fk_audit_events_municipality_id_municipalities",
    }
