"""SQLite under concurrent requests, on a real database file (not the savepoint fixture): reads never wait for a
write, a read's own audit row waits its turn and never fails on an old snapshot, and a mixed load of reads and
writes from many threads meets no "database is locked". Errors are counted; no clock is asserted on."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from familyapp import create_app, db
from familyapp.audit import AuditEvent
from familyapp.cli import upgrade_database
from familyapp.meetings.models import Meeting
from familyapp.plans.models import GoalStep
from tests import factories
from tests.conftest import TEST_CONFIG


@dataclass
class FileDb:
    app: object
    path: str
    users: dict
    family: dict  # family name -> (family id, step id, meeting id)

    def client(self, who: str):
        client = self.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        if who:
            factories.sign_in(client, self.users[who])
        return client

    def other_connection(self, timeout: float = 0.5) -> sqlite3.Connection:
        """Another writer, as a second gunicorn worker would be."""
        return sqlite3.connect(self.path, isolation_level=None, timeout=timeout, check_same_thread=False)

    def audit_rows(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).where(AuditEvent.action == "family.viewed"))


@pytest.fixture()
def file_db(tmp_path):
    path = tmp_path / "concurrency.sqlite3"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    factories.add_municipality(url, factories.HOME, "Testkommune")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    with app.app_context():
        world = factories.make_world()
        users = {n: getattr(world, n) for n in ("parent_a", "parent_a2", "parent_b", "consultant_a", "consultant_b")}
        family = {}
        for name, fam in (("a", world.family_a), ("b", world.family_b)):
            step = db.session.scalar(select(GoalStep.id).where(GoalStep.family_id == fam.id))
            meeting = db.session.scalar(select(Meeting.id).where(Meeting.family_id == fam.id))
            family[name] = (fam.id, step, meeting)
    yield FileDb(app, str(path), users, family)
    db.session.remove()
    app.extensions["db_engine"].dispose()


def _hold_the_write_lock(file_db: FileDb) -> sqlite3.Connection:
    writer = file_db.other_connection()
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO rate_limit_hits (key, window_start, count) VALUES ('held', 1, 1)")
    return writer


def test_a_read_does_not_wait_for_a_write(file_db):
    """Another worker is in the middle of a write: a parent's pages are read all the same."""
    fid, _step, _meeting = file_db.family["a"]
    client = file_db.client("parent_a")
    # The first page after sign-in keeps the form token in the session (a write); the ones after it only read.
    assert client.get(f"/families/{fid}/").status_code == 200
    writer = _hold_the_write_lock(file_db)
    try:
        for page in ("/", "/plan", "/meetings", "/scales"):
            assert client.get(f"/families/{fid}{page}").status_code == 200
    finally:
        writer.rollback()
        writer.close()


def test_a_download_being_sent_does_not_hold_the_write_lock(file_db):
    """ "Mine oplysninger" is written while a slow phone reads it, after its request is over: it reads without the
    write lock, so another worker's write goes on meanwhile."""
    fid, _step, _meeting = file_db.family["a"]
    client = file_db.client("parent_a")
    assert client.get(f"/families/{fid}/").status_code == 200
    response = client.get(f"/families/{fid}/my-data.json", buffered=False)
    pieces = iter(response.response)
    started = [next(pieces), next(pieces)]  # the first piece, then the first read of the database
    writer = file_db.other_connection(timeout=0.5)
    try:
        writer.execute("BEGIN IMMEDIATE")  # "database is locked" after half a second if the download held it
        writer.execute("INSERT INTO rate_limit_hits (key, window_start, count) VALUES ('meanwhile', 1, 1)")
        writer.commit()
    finally:
        writer.close()
    rest = b"".join(p if isinstance(p, bytes) else p.encode() for p in (*started, *pieces))
    response.close()
    assert rest.rstrip().endswith(b"}")


def test_a_professional_s_read_waits_its_turn_for_its_audit_row(file_db):
    fid, _step, _meeting = file_db.family["a"]
    client = file_db.client("consultant_a")
    before = file_db.audit_rows()
    writer = _hold_the_write_lock(file_db)
    # The other write ends soon; the audit row waits for it (busy_timeout) instead of failing.
    release = threading.Timer(0.3, writer.commit)
    release.start()
    try:
        assert client.get(f"/families/{fid}/").status_code == 200
    finally:
        release.join()
        writer.close()
    assert file_db.audit_rows() == before + 1


def test_a_read_whose_snapshot_went_stale_still_writes_its_audit_row(file_db):
    """Between the read and its audit row another worker commits: writing from the old snapshot would fail at once
    (SQLITE_BUSY_SNAPSHOT, whatever the busy timeout); the read lets go of it and writes on the newest data."""
    fid, _step, _meeting = file_db.family["a"]
    client = file_db.client("consultant_a")
    before = file_db.audit_rows()
    engine = file_db.app.extensions["db_engine"]
    wrote = []

    def another_worker_commits(_conn, _cursor, statement, *_args):
        if not wrote and statement.lstrip().startswith("SELECT") and "FROM families" in statement:
            other = file_db.other_connection(timeout=0.5)
            try:
                other.execute("INSERT INTO rate_limit_hits (key, window_start, count) VALUES ('meanwhile', 1, 1)")
                wrote.append(True)
            except sqlite3.OperationalError as exc:  # the read held the write lock (BEGIN IMMEDIATE)
                wrote.append(str(exc))
            finally:
                other.close()

    event.listen(engine, "before_cursor_execute", another_worker_commits)
    try:
        assert client.get(f"/families/{fid}/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", another_worker_commits)
    assert wrote == [True], "the read took the write lock, so the other worker could not write"
    assert file_db.audit_rows() == before + 1


#: (who, method, path with {fid}, {step}, {meeting}, form data) - reads of the family's pages (a professional's
#: read writes its audit row) and writes (a step ticked off, a reply to a meeting).
MIX = [
    ("parent_a", "GET", "/families/{fid}/", None),
    ("parent_a", "GET", "/families/{fid}/plan", None),
    ("parent_a2", "GET", "/families/{fid}/meetings", None),
    ("parent_a2", "GET", "/families/{fid}/scales", None),
    ("consultant_a", "GET", "/families/{fid}/", None),
    ("consultant_a", "GET", "/families/{fid}/plan", None),
    ("parent_a", "POST", "/families/{fid}/plan/steps/{step}/done", {}),
    ("parent_a2", "POST", "/families/{fid}/meetings/{meeting}/reply", {"answer": "coming"}),
    ("parent_b", "POST", "/families/{fid}/meetings/{meeting}/reply", {"answer": "cannot", "reason": "Syg"}),
    ("consultant_b", "GET", "/families/{fid}/meetings", None),
]
THREADS = 8
ROUNDS = 3


def test_mixed_reads_and_writes_from_many_threads_meet_no_locked_database(file_db):
    results: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def run(offset: int) -> None:
        clients = {who: file_db.client(who) for who in {m[0] for m in MIX}}
        start.wait()
        for i in range(ROUNDS * len(MIX)):
            who, method, path, data = MIX[(i + offset) % len(MIX)]
            fid, step, meeting = file_db.family["b" if who.endswith("_b") else "a"]
            url = path.format(fid=fid, step=step, meeting=meeting)
            try:
                response = clients[who].open(url, method=method, data=data)
                outcome = response.status_code
            except OperationalError as exc:  # with TESTING, an error reaches the test instead of a 500 page
                outcome = "locked" if "database is locked" in str(exc) else "error"
                with lock:
                    failures.append(f"{method} {url}: {exc}")
            with lock:
                results[(method, outcome)] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = {k: v for k, v in results.items() if not isinstance(k[1], int) or k[1] >= 500}
    assert errors == {} and failures == [], (errors, failures[:3])
    assert sum(results.values()) == THREADS * ROUNDS * len(MIX)
    assert results[("GET", 200)] and results[("POST", 302)]
