"""The job queue on PostgreSQL (issue 14, familyapp/jobs.py): db-upgrade makes Procrastinate's tables once and
Alembic leaves them alone; the periodic jobs are registered; a reminders job that crashes after sending is retried
and sends nothing twice; ``flask worker`` runs the queue until it is idle.

The queue lives in PostgreSQL, so these tests use the PostgreSQL server of the run (TEST_DATABASE_URL on the
PostgreSQL run, TEST_POSTGRES_URL on the SQLite run, as `make test` in CI sets both) in a database of their own."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from familyapp import create_app, db, jobs
from familyapp.cli import alembic_config, upgrade_database
from familyapp.reminders import services
from tests import factories
from tests.conftest import TEST_CONFIG
from tests.dbutil import fresh_postgres_url
from tests.push_receiver import PushReceiver

SERVER = next(
    (u for u in (os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_POSTGRES_URL")) if u and "postgres" in u),
    None,
)
pytestmark = pytest.mark.skipif(
    SERVER is None, reason="the job queue lives in PostgreSQL: set TEST_POSTGRES_URL (CI's make test does)"
)


@pytest.fixture()
def queue_url() -> str:
    """A new, migrated PostgreSQL database beside the run's."""
    fresh = fresh_postgres_url(SERVER, "jobs")
    assert "the job queue" in upgrade_database(fresh)
    factories.add_municipality(fresh, factories.HOME, "Testkommune")
    return fresh


@pytest.fixture()
def app(queue_url):
    made = create_app({**TEST_CONFIG, "DATABASE_URL": queue_url, "JOB_RETRY_SECONDS": 0})
    yield made
    made.extensions["db_engine"].dispose()


def in_a_thread(run):
    """Run in a thread of its own, as the worker's event loop cannot start in a thread where one already runs (the
    browser tests' driver keeps one in the main thread for the rest of the run); its result, or its exception."""
    done: dict = {}

    def target():
        try:
            done["result"] = run()
        except BaseException as exc:  # noqa: BLE001  (handed to the test as it is)
            done["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the worker did not stop"
    if "error" in done:
        raise done["error"]
    return done.get("result")


def job_rows(url: str) -> list[tuple]:
    with psycopg.connect(db.libpq_address(url)) as conn:
        return conn.execute("SELECT task_name, status::text, attempts FROM procrastinate_jobs ORDER BY id").fetchall()


def test_db_upgrade_makes_the_queue_once_and_alembic_leaves_it_alone(queue_url):
    from alembic import command

    assert "the job queue" not in upgrade_database(queue_url)
    command.check(alembic_config(queue_url))  # no drift: Procrastinate's tables are not the models'
    assert job_rows(queue_url) == []


def test_the_jobs_are_periodic_and_locked(app):
    queue = jobs.queue(app)
    periodic = {(p.task.name, p.cron) for p in queue.periodic_registry.periodic_tasks.values()}
    assert periodic == {(jobs.REMINDERS, "*/15 * * * *"), (jobs.SESSIONS, "7 * * * *")}
    for name in (jobs.REMINDERS, jobs.SESSIONS):
        task = queue.tasks[name]
        assert task.lock == name and task.queueing_lock == name and task.retry_strategy.max_attempts == 5


def test_a_job_that_crashes_after_sending_is_retried_and_sends_once(app, queue_url, monkeypatch):
    """The first attempt sends the reminder, then the worker's process dies (an exception stands in); the retry
    finds the reminder claimed and sends nothing more."""
    day = db.local_today() + timedelta(days=3)
    now = datetime.combine(day, datetime.min.time(), tzinfo=db.LOCAL_ZONE).replace(hour=12).astimezone(UTC)
    monkeypatch.setattr(db, "utcnow", lambda: now)
    real, calls = services.send_due, []

    def crashes_once(at):
        counts = real(at)
        calls.append(counts)
        if counts["sent"] and sum(c["sent"] for c in calls) == 1:
            raise RuntimeError("the process died after sending")
        return counts

    monkeypatch.setattr(services, "send_due", crashes_once)
    with PushReceiver() as receiver:
        with app.app_context():
            world = factories.make_world()
            starts = (now + timedelta(days=1)).replace(hour=9, minute=0)
            factories.make_meeting(world.family_a, world.parent_a, world.consultant_a, starts_at=starts)
            services.subscribe(world.parent_a, receiver.subscription(), now=now)
            services.save_settings(world.parent_a, {"meeting"})
            db.session.commit()
        queue = jobs.queue(app, periodic=False)  # only this job: none deferred by the clock meanwhile
        with queue.open():
            queue.tasks[jobs.REMINDERS].defer(timestamp=int(now.timestamp()))
        in_a_thread(lambda: queue.run_worker(wait=False, install_signal_handlers=False, listen_notify=False))
        assert len(receiver.deliveries) == 1
    # Municipality by municipality, by name: the world's other one (nothing due), then the tests' own, which sent
    # and crashed; the retry goes through both again and sends nothing.
    assert [c["sent"] for c in calls] == [0, 1, 0, 0]
    assert job_rows(queue_url) == [(jobs.REMINDERS, "succeeded", 2)]


def test_flask_worker_runs_the_queue_until_idle(app, queue_url):
    queue = jobs.queue(app)
    with queue.open():
        queue.tasks[jobs.SESSIONS].defer(timestamp=0)
    result = in_a_thread(lambda: app.test_cli_runner().invoke(args=["worker", "--until-idle"]))
    assert result.exit_code == 0, result.output
    assert job_rows(queue_url) == []  # done, and a successful job is not kept
