"""Migrations (shared/migrations, services/<service>/migrations) on SQLite and the real PostgreSQL:
each service's head revision is exactly its models (no autogenerate difference); a database of
the first tagged release (schema-1, revision 0001) with a row in every table reaches head with its
rows intact and readable through today's models; `serve` refuses a database behind head and
`nastavnik migrate` brings it there."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, MetaData, insert
from sqlmodel import select as model_select

from shared import migrations
from shared.db import Database
from shared.settings import SERVICES

from nastavnik.cli_migrate import service_database
from tests import infra
from tests.conftest import SECRET

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def dialect(request) -> str:
    return request.param


@pytest.fixture
async def empty_urls(dialect: str, tmp_path, postgres_admin: str) -> AsyncIterator[dict[str, str]]:
    """An empty database per service, no tables at all."""
    if dialect == "sqlite":
        yield {name: f"sqlite:///{tmp_path / name}.db" for name in SERVICES}
        return
    urls = await infra.create_databases(postgres_admin, list(SERVICES), migrate=False)
    yield urls
    await infra.drop_databases(postgres_admin, urls)


async def _replay(database: Database, revision: str) -> migrations.SchemaState:
    async with database.engine.begin() as conn:
        return await conn.run_sync(migrations.upgrade, database.service, database.tables, revision, True)


async def test_every_service_s_head_revision_is_exactly_its_models(empty_urls: dict[str, str]) -> None:
    for service, url in empty_urls.items():
        database = service_database(service, url)
        try:
            state = await _replay(database, "head")
            assert state.at_head, state
            async with database.engine.connect() as conn:
                diff = await conn.run_sync(migrations.differences, service, database.tables)
            assert diff == [], f"{service}: the models differ from the migrations — add a revision (docs/developing.md): {diff}"
        finally:
            await database.dispose()


def _value(column):
    """A value of the column's type; strings are all 's1', so foreign keys find their row."""
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Float):
        return 1.5
    if isinstance(kind, DateTime):
        moment = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)
        return moment if kind.timezone else moment.replace(tzinfo=None)
    if isinstance(kind, Date):
        return date(2025, 9, 1)
    if isinstance(kind, JSON):
        return ["s1"]
    if isinstance(kind, LargeBinary):
        return b"s1"
    return "s1"


async def test_a_schema_1_database_with_data_reaches_head_with_its_rows_intact(empty_urls: dict[str, str]) -> None:
    import importlib

    for service, url in empty_urls.items():
        database = service_database(service, url)
        try:
            assert (await _replay(database, "0001")).current == ("0001",)
            old = MetaData()
            async with database.engine.begin() as conn:  # raw rows as schema-1 had its tables
                await conn.run_sync(lambda sync: old.reflect(sync, only=lambda name, _m: not name.startswith("alembic_")))
                for table in old.sorted_tables:
                    await conn.execute(insert(table).values({c.name: _value(c) for c in table.columns}))
            assert (await database.upgrade()).at_head
            models = {model.__table__.name: model for model in _service_models(service)}
            async with database.sessions() as session:
                for table in old.sorted_tables:
                    rows = (await session.exec(model_select(models[table.name]))).all()
                    assert len(rows) == 1, f"{service}: {table.name}"
                    row = rows[0]
                    for column in table.columns:
                        kept = getattr(row, _attribute(models[table.name], column.name))
                        expected = _value(column)
                        if isinstance(expected, datetime):
                            expected = expected.replace(tzinfo=UTC)
                        assert kept == expected, f"{service}: {table.name}.{column.name} = {kept!r}"
            if service == "reports":  # columns 0002 added, filled by their defaults
                participant = importlib.import_module("services.reports.models").Participant
                async with database.sessions() as session:
                    row = (await session.exec(model_select(participant))).one()
                assert (row.newly_arrived, row.order_key) == (False, "")
        finally:
            await database.dispose()


def _service_models(service: str) -> list:
    import importlib

    from shared.runtime import service_tables

    return service_tables(service, importlib.import_module(f"services.{service}.models").TABLES)


def _attribute(model, column: str) -> str:
    """The model's attribute of a column (they are named alike, but for a renamed one)."""
    for name, attribute in model.__mapper__.column_attrs.items():
        if attribute.columns[0].name == column:
            return name
    raise AssertionError(f"{model.__name__} has no column {column}")


def _cli(*args: str, database_url: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:1/",
           "NASTAVNIK_JWT_SECRET": SECRET, "NASTAVNIK_DATA_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "nastavnik", *args], env=env, capture_output=True, text=True, timeout=120)


async def test_serve_refuses_a_database_behind_head_until_migrated(empty_urls: dict[str, str], tmp_path) -> None:
    url = empty_urls["registry"]
    database = service_database("registry", url)
    try:
        await _replay(database, "0001")
    finally:
        await database.dispose()
    refused = _cli("serve", "registry", "--port", "1", database_url=url, tmp_path=tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert "nastavnik migrate --service registry" in refused.stderr and "отстаёт" in refused.stderr
    assert _cli("migrate", "--check", "--service", "registry", database_url=url, tmp_path=tmp_path).returncode == 1
    migrated = _cli("migrate", "--service", "registry", database_url=url, tmp_path=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert "registry:" in migrated.stdout and "at head" in migrated.stdout  # whatever the head is now
    assert _cli("migrate", "--check", "--service", "registry", database_url=url, tmp_path=tmp_path).returncode == 0


async def test_a_database_made_before_migrations_is_stamped_when_it_matches_the_models_else_refused(tmp_path) -> None:
    """Releases before migrations created the tables at start (create_all and additive ALTERs)."""
    from sqlalchemy import text

    for name, drift in (("current", False), ("drifted", True)):
        database = service_database("notifications", f"sqlite:///{tmp_path / name}.db")
        try:
            async with database.engine.begin() as conn:
                await conn.run_sync(lambda sync: migrations.SQLModel.metadata.create_all(sync, tables=database.tables))
                if drift:
                    await conn.execute(text("ALTER TABLE outbox DROP COLUMN correlation_id"))
            assert (await database.schema_state()).unversioned
            if drift:
                with pytest.raises(migrations.SchemaBehind, match="predate migrations"):
                    await database.upgrade()
            else:
                assert (await database.upgrade()).at_head
        finally:
            await database.dispose()
