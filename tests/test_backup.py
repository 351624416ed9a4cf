"""Backup and restore (issue 14), as the README's procedure does it: on the SQLite run with ``flask db-backup``
(SQLite's online backup) while a connection is open, on the PostgreSQL run with pg_dump and pg_restore into a new
database; then ``flask db-verify`` on the copy. A copy behind its migrations, a missing file and a file that is no
database are refused with the reason."""

from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import text

from familyapp import create_app, db
from familyapp.cli import alembic_config, upgrade_database
from tests.dbutil import fresh_database_url

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


def runner_for(url: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "backup-test", "DATABASE_URL": url})
    return app, app.test_cli_runner()


@pytest.fixture()
def original(tmp_path):
    """A database with the demo families in it, as a running installation has."""
    url = fresh_database_url(tmp_path, "original")
    upgrade_database(url)
    app, runner = runner_for(url)
    assert runner.invoke(args=["demo"]).exit_code == 0
    app.extensions["db_engine"].dispose()
    return url


def back_up_and_restore(original: str, tmp_path) -> str:
    """The README's procedure for the database in use; the restored copy's URL."""
    if not ON_POSTGRES:
        _app, runner = runner_for(original)
        copy = tmp_path / "backup.sqlite3"
        engine = db.make_engine(original)
        with engine.connect() as busy:  # the app is running: another connection is open meanwhile
            busy.execute(text("SELECT count(*) FROM families"))
            result = runner.invoke(args=["db-backup", str(copy)])
        engine.dispose()
        assert result.exit_code == 0, result.output
        assert copy.stat().st_mode & 0o777 == 0o600  # the same personal data: its owner's alone
        again = runner.invoke(args=["db-backup", str(copy)])
        assert again.exit_code != 0 and "never overwrites" in again.output
        return f"sqlite:///{copy}"
    dump = tmp_path / "familyapp.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), db.libpq_address(original)], check=True)
    restored = fresh_database_url(tmp_path, "restored")
    subprocess.run(["pg_restore", "--no-owner", "--dbname", db.libpq_address(restored), str(dump)], check=True)
    return restored


def families(url: str) -> list[str]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(text("SELECT name FROM families")).scalars())
    finally:
        engine.dispose()


def test_a_backup_restores_to_a_database_that_verifies(original, tmp_path):
    restored = back_up_and_restore(original, tmp_path)
    assert families(restored) == families(original) and families(original)
    app, runner = runner_for(restored)
    result = runner.invoke(args=["db-verify"])
    assert result.exit_code == 0, result.output
    assert "is at this release's migrations" in result.output and f"{len(families(original))} families" in result.output
    app.extensions["db_engine"].dispose()


def test_a_copy_behind_its_migrations_is_refused(original):
    from alembic import command

    command.downgrade(alembic_config(original), "-1")
    _app, runner = runner_for(original)
    result = runner.invoke(args=["db-verify"])
    assert result.exit_code == 1 and "must be upgraded with `flask db-upgrade`" in result.output


@pytest.mark.parametrize("kind", ["missing", "not a database"])
def test_a_wrong_file_is_refused_and_nothing_is_made(tmp_path, kind):
    path = tmp_path / "backup.sqlite3"
    if kind == "not a database":
        path.write_text("this is a letter, not a database\n" * 100)
    _app, runner = runner_for(f"sqlite:///{path}")
    result = runner.invoke(args=["db-verify"])
    assert result.exit_code == 1
    if kind == "missing":
        assert "There is no database file" in result.output and not path.exists()
    else:
        assert "could not be asked for its schema version" in result.output


def test_db_backup_refuses_postgresql(tmp_path):
    _app, runner = runner_for("postgresql+psycopg://nobody@localhost:1/none")
    result = runner.invoke(args=["db-backup", str(tmp_path / "x.sqlite3")])
    assert result.exit_code != 0 and "pg_dump" in result.output
