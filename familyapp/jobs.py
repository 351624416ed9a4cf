"""Jobs that run once (issue 14). On PostgreSQL, Procrastinate keeps them in the database: the periodic jobs
(reminders every 15 minutes, expired sessions every hour) are deferred once per period however many workers run,
a job is locked while it runs (never two rounds of reminders at once), and a job that fails is retried. A retry
never sends a reminder twice: each one is claimed in the database before it is sent (reminders/services.py).

On SQLite there is no queue: ``flask worker`` runs the same rounds in a loop (cli.py).
"""

from __future__ import annotations

from flask import Flask, current_app
from procrastinate import App, PsycopgConnector, RetryStrategy
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from . import db, tenancy

#: The jobs' names in the database (stable across releases: jobs waiting in the queue keep their name).
REMINDERS = "familyapp.send_reminders"
SESSIONS = "familyapp.purge_sessions"


def uses_queue(url: str) -> bool:
    """Whether the database keeps a job queue (PostgreSQL), or the jobs run in a loop (SQLite)."""
    return make_url(url).get_backend_name() == "postgresql"


def send_reminders(now=None) -> dict:
    """The reminders that are due, each once (also in a retry of a job that crashed), municipality by municipality;
    in the app's context. ``now``: as if it were then (checks and tests)."""
    from .reminders.services import send_due

    counts = {"sent": 0, "gone": 0, "failed": 0}
    for _municipality in tenancy.each():
        for key, value in send_due(now or db.utcnow()).items():
            counts[key] += value
    return counts


def purge_sessions() -> int:
    """Delete the sessions past their idle or absolute timeout; in the app's context."""
    from .auth.sessions import purge_expired

    return purge_expired(current_app)


def queue(flask_app: Flask, periodic: bool = True) -> App:
    """A Procrastinate app on the Flask app's PostgreSQL database, with the jobs bound to the Flask app.

    A failed job is tried again ``JOB_RETRY_SECONDS`` later, at most ``JOB_ATTEMPTS`` times in all. ``periodic``:
    the worker defers the jobs on their schedule (tests that defer their own turn it off).
    """
    jobs = App(connector=PsycopgConnector(conninfo=db.libpq_address(flask_app.config["DATABASE_URL"])))
    retry = RetryStrategy(max_attempts=flask_app.config["JOB_ATTEMPTS"], wait=flask_app.config["JOB_RETRY_SECONDS"])

    def in_app(run):
        """The job as Procrastinate calls it (with the period's timestamp), in the Flask app's context."""

        def job(timestamp: int):
            with flask_app.app_context():
                return run()

        return job

    for name, run, cron in ((REMINDERS, send_reminders, "*/15 * * * *"), (SESSIONS, purge_sessions, "7 * * * *")):
        # Locked: never two at once; queueing lock: never two waiting (a slow round is not stacked up).
        task = jobs.task(name=name, retry=retry, lock=name, queueing_lock=name)(in_app(run))
        if periodic:
            jobs.periodic(cron=cron)(task)
    return jobs


def run_worker(flask_app: Flask, until_idle: bool, started) -> None:
    """Run the queue's worker until SIGTERM or SIGINT (a job that runs is finished first), or, ``until_idle``,
    until no job waits. ``started`` is called once the signals are handled (a stop before that would kill the
    process instead of ending it cleanly)."""
    import asyncio
    import signal
    import threading

    jobs = queue(flask_app)
    # Signals reach the main thread only (a check may run the worker in a thread of its own).
    stops = (signal.SIGTERM, signal.SIGINT) if threading.current_thread() is threading.main_thread() else ()

    async def work() -> None:
        async with jobs.open_async():
            running = asyncio.create_task(
                jobs.run_worker_async(wait=not until_idle, install_signal_handlers=False, delete_jobs="successful")
            )
            loop = asyncio.get_running_loop()
            for stop in stops:
                loop.add_signal_handler(stop, running.cancel)
            started()
            try:
                await running
            except asyncio.CancelledError:
                pass  # stopped by a signal: Procrastinate finished the job it was running
            finally:
                for stop in stops:
                    loop.remove_signal_handler(stop)

    asyncio.run(work())


def install_schema(url: str) -> bool:
    """Create the queue's tables in a PostgreSQL database that has none (db-upgrade does this); True if made.

    The schema is Procrastinate's own, for the release pinned in requirements.lock; a newer Procrastinate comes
    with its migrations (README, "The jobs").
    """
    if not uses_queue(url):
        return False
    engine = db.make_engine(url)
    try:
        if inspect(engine).has_table("procrastinate_jobs"):
            return False
    finally:
        engine.dispose()
    jobs = App(connector=PsycopgConnector(conninfo=db.libpq_address(url)))
    with jobs.open():
        jobs.schema_manager.apply_schema()
    return True
