"""Alembic migrations of each service's own database: one environment (env.py here), one chain
of revisions per service (services/<service>/migrations/), one version table per service
(alembic_version_<service>). The functions take an open synchronous connection (run them through
AsyncConnection.run_sync); shared.db.Database wraps them for a service's engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, inspect, text
from sqlmodel import SQLModel

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]  # the folder holding shared/ and services/ (the checkout or site-packages)


def version_table(service: str) -> str:
    """Per service, so that services sharing a database would still keep apart."""
    return f"alembic_version_{service}"


def versions_dir(service: str) -> Path:
    return ROOT / "services" / service / "migrations"


class SchemaBehind(RuntimeError):
    """The database is not at the service's head revision (`nastavnik migrate` brings it there)."""


@dataclass(frozen=True)
class SchemaState:
    service: str
    current: tuple[str, ...]
    head: tuple[str, ...]
    empty: bool  # none of the service's tables yet
    unversioned: bool  # the service's tables without a version table: made by a release before migrations

    @property
    def at_head(self) -> bool:
        return not self.unversioned and set(self.current) == set(self.head)

    def describe(self) -> str:
        current = "пустая база / empty database" if self.empty else (
            "без версии схемы / no schema version" if self.unversioned else ", ".join(self.current) or "-")
        return f"{self.service}: {current} → head {', '.join(self.head)}"

    def behind_message(self) -> str:
        return (f"база данных {self.service} отстаёт от версии кода ({self.describe()}): выполните `nastavnik migrate "
                f"--service {self.service}` / the {self.service} database is behind the code: run `nastavnik migrate "
                f"--service {self.service}`")


def alembic_config(service: str, tables: Sequence[Table], connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("version_locations", str(versions_dir(service)))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes.update(service=service, tables=list(tables), connection=connection)
    return config


@cache
def scripts(service: str) -> ScriptDirectory:
    """The service's revisions, read once per process (every start asks for the head)."""
    return ScriptDirectory.from_config(alembic_config(service, ()))


def head(service: str) -> tuple[str, ...]:
    return tuple(scripts(service).get_heads())


def state(conn: Connection, service: str, tables: Sequence[Table]) -> SchemaState:
    present = set(inspect(conn).get_table_names())
    versioned = version_table(service) in present
    current = tuple(MigrationContext.configure(conn, opts={"version_table": version_table(service)}).get_current_heads()) if versioned else ()
    return SchemaState(
        service=service,
        current=current,
        head=head(service),
        empty=not versioned and not present & {table.name for table in tables},
        unversioned=not versioned and bool(present & {table.name for table in tables}),
    )


def differences(conn: Connection, service: str, tables: Sequence[Table]) -> list:
    """What autogenerate would write: the models against the database (empty when at one)."""
    names = {table.name for table in tables}
    context = MigrationContext.configure(conn, opts={
        "version_table": version_table(service), "compare_type": True,
        "include_name": lambda name, type_, _parents: type_ != "table" or name in names,
        "include_object": lambda _object, name, type_, _reflected, _other: type_ != "table" or name in names,
    })
    return compare_metadata(context, SQLModel.metadata)


def upgrade(conn: Connection, service: str, tables: Sequence[Table], revision: str = "head", replay: bool = False) -> SchemaState:
    """Bring the database to `revision`. An empty database gets the models' tables and is stamped
    at head (what the revisions add up to: the no-diff test keeps them equal); one made by a release
    before migrations is stamped at head when it matches the models, else refused. `replay` runs
    every revision even on an empty database (the tests, autogenerate)."""
    if conn.dialect.name == "postgresql":  # replicas starting together: one migrates, the others wait
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"nastavnik.migrate.{service}"})
    config = alembic_config(service, tables, conn)
    before = state(conn, service, tables)
    if before.at_head and revision == "head":
        return before
    if before.empty and revision == "head" and not replay:
        SQLModel.metadata.create_all(conn, tables=list(tables))
        _stamp_head(conn, service)
    elif before.unversioned:
        diff = differences(conn, service, tables)
        if diff:
            raise SchemaBehind(f"{service}: the tables predate migrations and differ from the models; start the release before "
                               f"migrations once (its start-up brings them up to date), then migrate: {diff[:5]}")
        _stamp_head(conn, service)
    else:
        command.upgrade(config, revision)
    return state(conn, service, tables)


def _stamp_head(conn: Connection, service: str) -> None:
    MigrationContext.configure(conn, opts={"version_table": version_table(service)}).stamp(scripts(service), "head")


def new_revision(conn: Connection, service: str, tables: Sequence[Table], message: str) -> str:
    """Autogenerate the next revision of `service` from the models against this database (at head)."""
    config = alembic_config(service, tables, conn)
    scripts = ScriptDirectory.from_config(config)
    number = f"{len(list(scripts.walk_revisions())) + 1:04d}"
    script = command.revision(config, message, autogenerate=True, rev_id=number)
    return script.path  # type: ignore[union-attr]
