"""Alembic's environment, one for every service: shared.migrations hands it an open connection,
the service's name and tables (config.attributes), so each service migrates only its own tables
and keeps its own version table."""

from alembic import context
from sqlmodel import SQLModel

from shared.migrations import version_table

config = context.config
service: str = config.attributes["service"]
names = {table.name for table in config.attributes["tables"]}


def include_name(name, type_, parent_names) -> bool:  # noqa: ANN001
    """Only the service's own tables (and what hangs on them): never another service's."""
    if type_ == "table":
        return name in names
    return True


def include_object(_object, name, type_, _reflected, _compare_to) -> bool:  # noqa: ANN001
    """The same on the models' side: SQLModel has one metadata for every service imported."""
    return type_ != "table" or name in names


connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    include_name=include_name,
    include_object=include_object,
    version_table=version_table(service),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
    compare_type=True,
    compare_server_default=False,
)
with context.begin_transaction():
    context.run_migrations()
