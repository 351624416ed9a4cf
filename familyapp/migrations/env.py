"""Alembic environment: the models' metadata, and the database from DATABASE_URL or the default file."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from familyapp.config import PROJECT_DIR, from_environment
from familyapp.db import make_engine
from familyapp.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the job queue's tables (Procrastinate's own schema, made by db-upgrade on PostgreSQL) to it."""
    return not (type_ == "table" and name.startswith("procrastinate_"))


def database_url() -> str:
    """The URL set by the caller (flask db-upgrade, tests), else the environment's, else instance/ SQLite."""
    return config.get_main_option("sqlalchemy.url") or from_environment(str(PROJECT_DIR / "instance"))["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_server_default=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's way to change a table that others point at (a batch copies it): foreign keys off outside
            # the transaction, checked once it is done (https://www.sqlite.org/lang_altertable.html).
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_server_default=True,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            raw = connection.connection.dbapi_connection
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            raw.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
