"""Alembic environment: runs on the connection the toolkit hands over, or on a developer's URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from research.storage.revisions import is_search_index
from research.storage.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations on the given connection (the normal path) or on sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        assert url, "set sqlalchemy.url or pass a connection"
        engine = create_engine(url)
        with engine.begin() as own_connection:
            _configure_and_run(own_connection)
        return
    _configure_and_run(connection)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate leaves alone the full-text index, which the models do not describe."""
    return not is_search_index(name)


def _configure_and_run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
