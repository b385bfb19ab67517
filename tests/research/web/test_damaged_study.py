"""A study found damaged while the web app serves it: one line naming the file, no traceback."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from research.study import open_study
from research.web import create_app
from tests.research.web.conftest import BASE_URL

PAGE = 4096


@pytest.fixture
def damaged(tmp_path: Path, demo_template: Path) -> Iterator[TestClient]:
    """The web app over a copy of the demo study whose codes table's first page is garbage."""
    folder = Path(shutil.copytree(demo_template, tmp_path / "demo-study"))
    database_file = folder / "study.db"
    uri = f"file:{database_file}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        query = "SELECT rootpage FROM sqlite_master WHERE name = 'codes'"
        page = int(connection.execute(query).fetchone()[0])
    with database_file.open("r+b") as handle:
        handle.seek((page - 1) * PAGE)
        handle.write(b"\xff" * PAGE)
    with open_study(folder) as study, TestClient(create_app(study), base_url=BASE_URL) as client:
        yield client


def _expected(client: TestClient) -> str:
    folder = Path(str(client.app.state.study.folder))  # type: ignore[attr-defined]
    return (
        f"{folder / 'study.db'}: the database is damaged (database disk image is malformed); "
        "restore it from a backup"
    )


def test_the_api_answers_503_with_one_line_naming_the_file(damaged: TestClient) -> None:
    response = damaged.get("/api/codebook")
    assert response.status_code == 503
    assert response.json() == {"detail": _expected(damaged)}


def test_a_page_says_the_same_in_words(damaged: TestClient) -> None:
    response = damaged.get("/codebook")
    assert response.status_code == 503
    assert _expected(damaged) in response.text
    assert "Traceback" not in response.text
