"""Command-line tasks: migrations, translations, the demo family, jobs and support tooling (accounts and
municipalities: cli_accounts.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from . import cli_accounts as accounts
from . import db, jobs, tenancy
from .config import MIGRATIONS, PROJECT_DIR, TRANSLATIONS

BABEL_CFG = PROJECT_DIR / "babel.cfg"
POT = TRANSLATIONS / "messages.pot"


def alembic_config(url: str):
    """Alembic's configuration for the package's migrations and the given database. In a checkout, alembic.ini's
    logging shows each step; an installed package (a wheel) has no alembic.ini and needs none."""
    from alembic.config import Config

    ini = PROJECT_DIR / "alembic.ini"
    cfg = Config(str(ini) if ini.is_file() else None)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str) -> list[str]:
    """Bring a database to the newest schema, and store the scale definitions and consent texts that come with
    this release; on PostgreSQL, also the job queue's tables when there are none.

    :return: the versions stored ("key vN").
    """
    from alembic import command
    from sqlalchemy.orm import Session

    from .consent import services as consent_services
    from .scales import services as scale_services

    command.upgrade(alembic_config(url), "head")
    engine = db.make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            stored = scale_services.sync_shipped(session) + consent_services.sync_shipped(session)
    finally:
        engine.dispose()
    if jobs.install_schema(url):
        stored.append("the job queue")
    return stored


def fill_source_language(po_path: Path) -> None:
    """The source strings are English: the English catalogue repeats each one, so it is complete."""
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id and message.pluralizable and not all(message.string):
            message.string = tuple(message.id)  # the one form and the many, as the source says them
        elif message.id and not message.string:
            message.string = message.id
    with po_path.open("wb") as f:
        write_po(f, catalog, width=76)


def register(app: Flask) -> None:
    """Attach every command to the app, one group at a time."""
    for add in (_database, accounts.register, _demo, _scales, _sessions, _reminders, _worker, _passkeys, _translate):
        add(app)


def _database(app: Flask) -> None:
    """``db-upgrade``, ``db-check``, ``db-verify`` and ``db-backup``."""

    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Create or migrate the database to the newest schema."""
        stored = upgrade_database(current_app.config["DATABASE_URL"])
        if stored:
            click.echo("Stored with this release: " + ", ".join(stored))
        click.echo("Database is up to date.")

    @app.cli.command("db-check")
    def db_check():
        """Fail when the models and the migrations differ."""
        from alembic import command

        command.check(alembic_config(current_app.config["DATABASE_URL"]))

    @app.cli.command("db-verify")
    def db_verify():
        """Check a database, e.g. one restored from a backup: it opens, it is at this release's migrations and
        every table reads. Exit status 1, with what is wrong, otherwise."""
        from .health import checker

        url = current_app.config["DATABASE_URL"]
        missing = _missing_sqlite_file(url)
        if missing:
            # SQLite would quietly make an empty file: a wrong path must not look like an empty database.
            raise click.ClickException(f"There is no database file at {missing}.")
        state = checker(current_app).state()
        if not state.ready:
            raise click.ClickException(state.describe())
        counts = _table_counts()
        click.echo(
            f"The database opens, is at this release's migrations ({', '.join(state.head)}) and all {len(counts)} "
            f"tables read: {counts['families']} families, {counts['users']} logins, "
            f"{counts['audit_events']} audit events."
        )

    @app.cli.command("db-backup")
    @click.argument("destination", type=click.Path(dir_okay=False, writable=True))
    def db_backup(destination: str):
        """Copy the SQLite database to DESTINATION while the app runs (SQLite's online backup, the same as the
        sqlite3 shell's .backup). PostgreSQL is backed up with pg_dump (README, "Backup and restore")."""
        import sqlite3

        from sqlalchemy.engine import make_url

        url = make_url(current_app.config["DATABASE_URL"])
        if url.get_backend_name() != "sqlite" or _missing_sqlite_file(str(url)):
            raise click.ClickException("db-backup copies a SQLite file; back PostgreSQL up with pg_dump (README).")
        try:
            # Made here, readable by its owner only: it holds the same personal data as the database.
            os.close(os.open(destination, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise click.ClickException(f"{destination} exists already; a backup never overwrites a file.") from None
        with sqlite3.connect(url.database) as source, sqlite3.connect(destination) as target:
            source.backup(target)
        source.close()
        target.close()
        click.echo(
            f"Copied the database to {destination}. Check it with: DATABASE_URL=sqlite:///{destination} "
            "flask --app familyapp db-verify"
        )


def _missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist (None for PostgreSQL, or a file that is there)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return None if Path(parsed.database).is_file() else parsed.database


def _table_counts() -> dict[str, int]:
    """Every table's row count, in every municipality (one statement per table and municipality; on PostgreSQL
    each sees only its own rows): a restored database whose table cannot be read fails."""
    from sqlalchemy import func

    from .models import Base

    def count(table) -> int:
        return db.session.scalar(select(func.count()).select_from(table))

    tables = Base.metadata.sorted_tables
    if db.session.get_bind().dialect.name != "postgresql":
        return {table.name: count(table) for table in tables}
    counts = dict.fromkeys((table.name for table in tables), 0)
    for municipality in tenancy.each(national=True):
        for table in tables:
            # The tables of no municipality are counted once, in the national turn.
            if municipality is None or "municipality_id" in table.c:
                counts[table.name] += count(table)
    return counts


def _demo(app: Flask) -> None:
    """``demo``."""

    @app.cli.command("demo")
    @click.option("--force", is_flag=True, help="Run even though FAMILYAPP_ENV is not development.")
    def demo(force: bool):
        """Create the demo families once and print fresh activation links for every demo user."""
        from .demo import demo_partner_link, load_demo

        if current_app.config["ENV_NAME"] != "development" and not current_app.testing and not force:
            # Demo users are found by name; in a real installation that could hand out real people's accounts.
            raise click.ClickException("The demo is for development (FAMILYAPP_ENV=development) or use --force.")

        shown = None
        for municipality, name, role, url, code in load_demo():
            if municipality != shown:
                click.echo(f"{municipality}:")
                shown = municipality
            click.echo(f"  {role:<12} {name:<22} {url}   (code {code})")
        partner = demo_partner_link()
        if partner is not None:
            click.echo(f"  {'partner':<12} {partner[0]}: {partner[1]}")
            click.echo("               (shows the family's plan once Sara consents; no sign-in)")
        db.session.commit()


def _read_definition(path: str) -> dict:
    """A scale definition file, validated; every reason it is not valid as the command's error."""
    from .scales.definitions import DefinitionError, read_file, validate

    try:
        data = read_file(Path(path))
        validate(data)
    except DefinitionError as exc:
        raise click.ClickException("the definition is not valid:\n  - " + "\n  - ".join(exc.reasons)) from exc
    return data


def _scales(app: Flask) -> None:
    """``scales list|validate|load``."""
    scales = AppGroup("scales", help="Scale definitions: the questionnaires as versioned data.")
    app.cli.add_command(scales)

    @scales.command("list")
    def scales_list():
        """Show every stored definition, and which are in use."""
        from .scales.models import ScaleDefinition

        stmt = select(ScaleDefinition).order_by(ScaleDefinition.purpose, ScaleDefinition.key, ScaleDefinition.version)
        for row in db.session.scalars(stmt):
            state = "in use" if row.active else "-"
            ages = f"{row.min_age}-{row.max_age}"
            click.echo(
                f"  {row.purpose:<12} {row.respondent:<13} {ages:<7} {row.key} v{row.version} ({row.source}) {state}"
            )

    @scales.command("validate")
    @click.argument("path", type=click.Path(dir_okay=False))
    def scales_validate(path: str):
        """Check a definition file (.toml or .json) and say exactly what is wrong."""
        data = _read_definition(path)
        click.echo(f"{data['key']} version {data['version']} is valid.")

    @scales.command("load")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--activate", is_flag=True, help="Put it in use instead of the version now in use for its slot.")
    def scales_load(path: str, activate: bool):
        """Load a definition file, e.g. the official ORS/SRS wording under the municipality's licence."""
        from .audit import record_event
        from .scales.definitions import DefinitionError
        from .scales.services import store_definition

        data = _read_definition(path)
        try:
            row = store_definition(db.session, data, source="loaded", activate=activate)
        except DefinitionError as exc:
            raise click.ClickException("; ".join(exc.reasons)) from exc
        record_event(None, "scale.definition_loaded", obj=row, data={"key": row.key, "version": row.version})
        db.session.commit()
        click.echo(f"Loaded {row.key} version {row.version}{' and put it in use' if row.active else ''}.")


def _sessions(app: Flask) -> None:
    """``sessions purge``."""
    sessions = AppGroup("sessions", help="Server-side sessions.")
    app.cli.add_command(sessions)

    @sessions.command("purge")
    def sessions_purge():
        """Delete expired sessions (run from cron)."""
        from .auth.sessions import purge_expired

        click.echo(f"Deleted {purge_expired(current_app)} expired sessions.")


def _reminders(app: Flask) -> None:
    """``reminders send|public-key``."""
    reminders = AppGroup("reminders", help="Reminders on the phone (Web Push).")
    app.cli.add_command(reminders)

    @reminders.command("send")
    @click.option("--at", "at", default=None, help="As if it were this time (ISO 8601, for checks and tests).")
    def reminders_send(at: str | None):
        """Send the reminders that are due, each once (run from cron, e.g. every 15 minutes)."""
        from datetime import datetime

        try:
            now = datetime.fromisoformat(at) if at else db.utcnow()
        except ValueError as exc:
            raise click.BadParameter("use ISO 8601, e.g. 2026-12-01T12:00+01:00", param_hint="--at") from exc
        if now.tzinfo is None:
            raise click.BadParameter("give a time zone, e.g. 2026-12-01T12:00+01:00", param_hint="--at")
        counts = jobs.send_reminders(now)
        click.echo(
            f"Sent {counts['sent']} reminders; {counts['gone']} phones no longer reachable (forgotten); "
            f"{counts['failed']} failed (tried again next time)."
        )

    @reminders.command("public-key")
    def reminders_public_key():
        """The public VAPID key browsers subscribe with (to check that several servers share one key)."""
        from .reminders.vapid import public_key

        click.echo(public_key())


def _worker(app: Flask) -> None:
    """``worker``: the jobs in one long-running process, for a container without cron."""

    @app.cli.command("worker")
    @click.option("--every", default=15, type=click.IntRange(1, 1440), help="Minutes between rounds (SQLite).")
    @click.option("--rounds", default=0, type=click.IntRange(0), help="Run this many rounds, without the queue.")
    @click.option("--until-idle", is_flag=True, help="Stop when no job waits (PostgreSQL; for checks).")
    def worker(every: int, rounds: int, until_idle: bool):
        """Send the reminders that are due (each once) and delete expired sessions. On PostgreSQL from the job
        queue (jobs.py: periodic, locked, retried); on SQLite, or with ``--rounds``, in rounds every ``--every``
        minutes, a round that fails logged and the next one run. SIGTERM (``docker stop``) ends it cleanly."""
        import signal
        import threading

        if jobs.uses_queue(current_app.config["DATABASE_URL"]) and not rounds:
            started = "Worker started: the job queue in PostgreSQL (reminders every 15 minutes, sessions hourly)."
            jobs.run_worker(current_app._get_current_object(), until_idle, lambda: click.echo(started))
            return
        stop = threading.Event()
        before = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            click.echo(f"Worker started: a round every {every} minutes.")
            done = 0
            while not stop.is_set():
                click.echo(_jobs_round())
                done += 1
                if rounds and done >= rounds:
                    break
                stop.wait(every * 60)
        finally:
            signal.signal(signal.SIGTERM, before)


def _jobs_round() -> str:
    """One round of the jobs (jobs.py's); what it did, or that it failed (the error is logged without its message)."""
    try:
        counts = jobs.send_reminders()
        purged = jobs.purge_sessions()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("a round of jobs failed")
        return "A round of jobs failed; the next one runs as planned."
    return f"Sent {counts['sent']} reminders ({counts['failed']} failed, tried again); deleted {purged} sessions."


def _passkeys(app: Flask) -> None:
    """``passkeys revoke``."""
    passkeys = AppGroup("passkeys", help="Support tooling for passkeys.")
    app.cli.add_command(passkeys)

    @passkeys.command("revoke")
    @click.argument("user_id")
    def passkeys_revoke(user_id: str):
        """Remove every passkey of a user and end their sessions (they need a new activation)."""
        import uuid

        from .audit import record_event
        from .auth.models import Passkey, User
        from .auth.sessions import end_all_sessions

        try:
            wanted = uuid.UUID(user_id)
        except ValueError:
            raise click.ClickException("No such user.") from None
        for _municipality in tenancy.each(national=True):  # the login's own, wherever it is
            user = db.session.get(User, wanted)
            if user is not None:
                for passkey in db.session.scalars(select(Passkey).where(Passkey.user_id == user.id)):
                    record_event(None, "passkey.removed", obj=passkey, data={"by": "cli"})
                    db.session.delete(passkey)
                end_all_sessions(user.id)
                db.session.commit()
                click.echo("Passkeys removed and sessions ended.")
                return
        raise click.ClickException("No such user.")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def _translate(app: Flask) -> None:
    """``translate extract|update|compile``."""
    translate = AppGroup("translate", help="Translation and localisation commands.")
    app.cli.add_command(translate)

    @translate.command("extract")
    def extract():
        """Collect every translatable string into familyapp/translations/messages.pot."""
        pybabel(
            "extract",
            "-F",
            str(BABEL_CFG),
            "-k",
            "_l",
            "--no-location",
            "--sort-output",
            "--project",
            "Familieoverblik",
            "--ignore-dirs",
            ".* ._ node_modules instance tests migrations",
            "-o",
            str(POT),
            str(PROJECT_DIR),
        )

    @translate.command("update")
    def update():
        """Extract, then merge new strings into every language's catalogue (English copies the source)."""
        extract.callback()
        pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")
        fill_source_language(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")

    @translate.command("compile")
    def compile_():
        """Compile every catalogue to .mo files."""
        pybabel("compile", "-d", str(TRANSLATIONS))
