"""Fixtures shared by every test package: study databases on SQLite or, when asked, PostgreSQL.

Set RESEARCH_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to
run every study-backed test on that database; its public schema is emptied before each test.
Run in parallel (pytest-xdist), each worker has a database of its own beside it, named for
the worker (`test_gw0`, ...), dropped at the end; the given database is left empty.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from research.demo import build_demo
from research.study import Study, create_study, open_study

TEST_DATABASE_URL = os.environ.get("RESEARCH_TEST_DATABASE_URL")
# Set by pytest-xdist in each worker process ("gw0", "gw1", ...).
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def reset_database(url: str) -> None:
    """Empty a PostgreSQL test database so a study can be created in it."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def worker_database_url(url: str, worker: str) -> str:
    """The URL of the worker's own database, beside the one given."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False
    )


def _create_or_drop(url: str, statement: str) -> None:
    # CREATE and DROP DATABASE cannot run in a transaction; they run from the given database.
    engine = create_engine(TEST_DATABASE_URL or url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def session_database_url() -> Iterator[str | None]:
    """The PostgreSQL database of this test process, emptied (or dropped) when the run ends."""
    if not TEST_DATABASE_URL:
        yield None
        return
    if WORKER is None:
        yield TEST_DATABASE_URL
        return
    url = worker_database_url(TEST_DATABASE_URL, WORKER)
    name = make_url(url).database
    _create_or_drop(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _create_or_drop(url, f'CREATE DATABASE "{name}"')
    yield url
    # FORCE: a study a test left open must not keep its database alive.
    _create_or_drop(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Leave the given PostgreSQL database empty: run once, by the process that ran the tests
    or, in parallel, by the one that directed the workers (each dropped its own database)."""
    if TEST_DATABASE_URL and WORKER is None:
        reset_database(TEST_DATABASE_URL)


@pytest.fixture
def database_url(session_database_url: str | None) -> str | None:
    """None for the embedded SQLite default, else an emptied PostgreSQL database."""
    if session_database_url:
        reset_database(session_database_url)
    return session_database_url


@pytest.fixture
def study(tmp_path: Path, database_url: str | None) -> Iterator[Study]:
    """A new, empty study from the Karabakh template (codebook, dictionary, timeline, settings)."""
    with create_study(
        tmp_path / "study", template="karabakh", database_url=database_url
    ) as created:
        yield created


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study built once on SQLite, copied by tests that use it."""
    folder = tmp_path_factory.mktemp("demo") / "demo-study"
    build_demo(folder).close()
    return folder


@pytest.fixture
def demo_study(tmp_path: Path, database_url: str | None, demo_template: Path) -> Iterator[Study]:
    """A private copy of the demo study, on the backend under test."""
    folder = tmp_path / "demo-study"
    if database_url:
        with build_demo(folder, database_url=database_url) as built:
            yield built
        return
    shutil.copytree(demo_template, folder)
    with open_study(folder) as opened:
        yield opened


@pytest.fixture(scope="session")
def central_asia_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Central Asia example study built once on SQLite, copied by tests that use it."""
    folder = tmp_path_factory.mktemp("central-asia") / "central-asia"
    build_demo(folder, example="central-asia").close()
    return folder


@pytest.fixture
def central_asia_study(
    tmp_path: Path, database_url: str | None, central_asia_template: Path
) -> Iterator[Study]:
    """A private copy of the Central Asia example study, on the backend under test."""
    folder = tmp_path / "central-asia"
    if database_url:
        with build_demo(folder, example="central-asia", database_url=database_url) as built:
            yield built
        return
    shutil.copytree(central_asia_template, folder)
    with open_study(folder) as opened:
        yield opened
